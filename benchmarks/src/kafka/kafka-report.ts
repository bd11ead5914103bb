import type { ConsumeResult } from './consume-run.js';

/** The goal: traced consumption at least this share of untraced consumption. */
export const KAFKA_GOAL_RATIO = 0.9;

export type ConsumeVariant = 'untraced' | 'traced';

/** One measured consumption of a topic, in the order the rounds ran. */
export interface RoundResult extends ConsumeResult {
  readonly round: number;
  readonly variant: ConsumeVariant;
  /** Whether this variant ran first in its round (the order alternates). */
  readonly first: boolean;
}

export interface KafkaSummary {
  readonly untracedMedian: number;
  readonly tracedMedian: number;
  readonly ratio: number;
  /** What tracing adds per message, from the medians: 1/traced - 1/untraced, in microseconds. */
  readonly addedMicrosecondsPerMessage: number;
  readonly goalMet: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(rounds: readonly RoundResult[]): KafkaSummary {
  const rate = (variant: ConsumeVariant) =>
    median(rounds.filter((round) => round.variant === variant).map((round) => round.messagesPerSecond));
  const untracedMedian = rate('untraced');
  const tracedMedian = rate('traced');
  const ratio = tracedMedian / untracedMedian;
  const addedMicrosecondsPerMessage = 1e6 / tracedMedian - 1e6 / untracedMedian;
  return { untracedMedian, tracedMedian, ratio, addedMicrosecondsPerMessage, goalMet: ratio >= KAFKA_GOAL_RATIO };
}

const whole = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The per-round figures, one line per round. */
export function formatRounds(rounds: readonly RoundResult[]): string {
  const lines = [
    '| Round | Ran first | Untraced msg/s | Traced msg/s | Traced / untraced |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const round of new Set(rounds.map((result) => result.round))) {
    const untraced = rounds.find((result) => result.round === round && result.variant === 'untraced');
    const traced = rounds.find((result) => result.round === round && result.variant === 'traced');
    if (!untraced || !traced) continue;
    const first = untraced.first ? 'untraced' : 'traced';
    const ratio = (traced.messagesPerSecond / untraced.messagesPerSecond).toFixed(3);
    lines.push(
      `| ${round} | ${first} | ${whole(untraced.messagesPerSecond)} | ${whole(traced.messagesPerSecond)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** The medians, the ratio and the verdict on the goal. */
export function formatSummary(summary: KafkaSummary, messages: number, rounds: number): string {
  const verdict = summary.goalMet ? 'met' : 'NOT met';
  return [
    `| Consumer (${whole(messages)} messages, median of ${rounds} rounds) | Messages/s |`,
    '| --- | ---: |',
    `| plain \`eachMessage\` | ${whole(summary.untracedMedian)} |`,
    `| \`traceKafkaHandler(eachMessage)\` (the function form of \`@TraceKafka\`) | ${whole(summary.tracedMedian)} |`,
    `| **traced / untraced** | **${summary.ratio.toFixed(3)}** |`,
    `| added per message (1/traced - 1/untraced) | ${summary.addedMicrosecondsPerMessage.toFixed(1)} µs |`,
    '',
    `Goal: traced at least ${KAFKA_GOAL_RATIO.toFixed(2)} of untraced: ${verdict} (${summary.ratio.toFixed(3)}).`,
  ].join('\n');
}
