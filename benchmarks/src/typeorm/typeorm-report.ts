import { median } from '../kafka/kafka-report.js';
import type { QueryVariant, TimedRun } from './query-run.js';

/** The goal: traced queries per second at least this share of untraced. */
export const TYPEORM_GOAL_RATIO = 0.9;

/** One measured batch of queries, in the order the rounds ran. */
export interface QueryRoundResult extends TimedRun {
  readonly round: number;
  readonly variant: QueryVariant;
  /** Whether this variant ran first in its round (the order alternates). */
  readonly first: boolean;
}

export interface TypeOrmSummary {
  readonly untracedMedian: number;
  readonly tracedMedian: number;
  readonly ratio: number;
  /** Traced / untraced of each round, in round order. */
  readonly roundRatios: readonly number[];
  /** Median of the per-round ratios: less sensitive than the ratio of medians to a round disturbed by other load. */
  readonly medianRoundRatio: number;
  /** What the query span adds per query, from the medians: 1/traced - 1/untraced, in microseconds. */
  readonly addedMicrosecondsPerQuery: number;
  /** Median CPU time of this process per query, in microseconds. */
  readonly untracedCpuMicroseconds: number;
  readonly tracedCpuMicroseconds: number;
  readonly goalMet: boolean;
}

function pair(rounds: readonly QueryRoundResult[], round: number): [QueryRoundResult, QueryRoundResult] | undefined {
  const untraced = rounds.find((result) => result.round === round && result.variant === 'untraced');
  const traced = rounds.find((result) => result.round === round && result.variant === 'traced');
  return untraced && traced ? [untraced, traced] : undefined;
}

export function summarize(rounds: readonly QueryRoundResult[]): TypeOrmSummary {
  const of = (variant: QueryVariant) => rounds.filter((round) => round.variant === variant);
  const untracedMedian = median(of('untraced').map((round) => round.queriesPerSecond));
  const tracedMedian = median(of('traced').map((round) => round.queriesPerSecond));
  const ratio = tracedMedian / untracedMedian;
  const roundRatios = [...new Set(rounds.map((result) => result.round))].flatMap((round) => {
    const both = pair(rounds, round);
    return both ? [both[1].queriesPerSecond / both[0].queriesPerSecond] : [];
  });
  return {
    untracedMedian,
    tracedMedian,
    ratio,
    roundRatios,
    medianRoundRatio: median(roundRatios),
    addedMicrosecondsPerQuery: 1e6 / tracedMedian - 1e6 / untracedMedian,
    untracedCpuMicroseconds: median(of('untraced').map((round) => round.cpuMicrosecondsPerQuery)),
    tracedCpuMicroseconds: median(of('traced').map((round) => round.cpuMicrosecondsPerQuery)),
    goalMet: ratio >= TYPEORM_GOAL_RATIO,
  };
}

const whole = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The per-round figures, one line per round. */
export function formatRounds(rounds: readonly QueryRoundResult[]): string {
  const lines = [
    '| Round | Ran first | Untraced queries/s | Traced queries/s | Traced / untraced |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const round of new Set(rounds.map((result) => result.round))) {
    const both = pair(rounds, round);
    if (!both) continue;
    const [untraced, traced] = both;
    const ratio = (traced.queriesPerSecond / untraced.queriesPerSecond).toFixed(3);
    const first = untraced.first ? 'untraced' : 'traced';
    lines.push(
      `| ${round} | ${first} | ${whole(untraced.queriesPerSecond)} | ${whole(traced.queriesPerSecond)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** The medians, the ratio and the verdict on the goal. */
export function formatSummary(summary: TypeOrmSummary, queries: number, rounds: number): string {
  const verdict = summary.goalMet ? 'met' : 'NOT met';
  const spread = summary.roundRatios.length
    ? `${Math.min(...summary.roundRatios).toFixed(3)}-${Math.max(...summary.roundRatios).toFixed(3)}`
    : '-';
  return [
    `| findOneBy({ id }) (${whole(queries)} per round, median of ${rounds} rounds) | Queries/s | CPU µs/query |`,
    '| --- | ---: | ---: |',
    `| plain data source | ${whole(summary.untracedMedian)} | ${summary.untracedCpuMicroseconds.toFixed(1)} |`,
    `| \`traceDataSource(dataSource)\` | ${whole(summary.tracedMedian)} | ${summary.tracedCpuMicroseconds.toFixed(1)} |`,
    `| **traced / untraced** | **${summary.ratio.toFixed(3)}** | |`,
    `| per-round ratios (median) | ${spread} (${summary.medianRoundRatio.toFixed(3)}) | |`,
    `| added per query (1/traced - 1/untraced) | ${summary.addedMicrosecondsPerQuery.toFixed(1)} µs | |`,
    '',
    `Goal: traced at least ${TYPEORM_GOAL_RATIO.toFixed(2)} of untraced: ${verdict} (${summary.ratio.toFixed(3)}).`,
  ].join('\n');
}
