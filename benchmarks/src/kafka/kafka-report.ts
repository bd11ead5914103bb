import type { ConsumeResult } from './consume-run.js';

/** The issue's goal: traced consumption at least this share of untraced consumption. */
export const KAFKA_GOAL_RATIO = 0.9;
/** The issue's goal for the consumer as high-traffic services run it: 1 % head sampling, sampled-out parents. */
export const SAMPLING_GOAL_RATIO = 0.95;

/**
 * The consumers measured, in report order: no tracing; `traceKafkaHandler` on messages from a
 * sampled trace (every message recorded); the same on messages with no trace context, the consumer
 * starting the trace at its 1 % ratio; the same on messages whose `traceparent` says not sampled.
 */
export const VARIANTS = ['untraced', 'traced', 'traced-1pct', 'traced-sampled-out-parent'] as const;
export type ConsumeVariant = (typeof VARIANTS)[number];

/** The least share of untraced consumption each traced variant should keep. */
export const GOALS: Record<Exclude<ConsumeVariant, 'untraced'>, number> = {
  traced: KAFKA_GOAL_RATIO,
  'traced-1pct': SAMPLING_GOAL_RATIO,
  'traced-sampled-out-parent': SAMPLING_GOAL_RATIO,
};

/** One measured consumption of a topic, in the order the rounds ran. */
export interface RoundResult extends ConsumeResult {
  readonly round: number;
  readonly variant: ConsumeVariant;
  /** Where this variant ran in its round (0: first); the order rotates by one each round. */
  readonly position: number;
}

/** A traced variant against untraced, from the medians over the rounds. */
export interface VariantSummary {
  readonly variant: Exclude<ConsumeVariant, 'untraced'>;
  readonly median: number;
  readonly ratio: number;
  /** Smallest and largest ratio to the same round's untraced consumption. */
  readonly roundRatios: readonly [number, number];
  /** What tracing adds per message, from the medians: 1/traced - 1/untraced, in microseconds. */
  readonly addedMicrosecondsPerMessage: number;
  readonly goal: number;
  readonly goalMet: boolean;
}

export interface KafkaSummary {
  readonly untracedMedian: number;
  /** The `traced` variant's figures, as before the sampling variants (kept for comparison). */
  readonly tracedMedian: number;
  readonly ratio: number;
  readonly addedMicrosecondsPerMessage: number;
  readonly goalMet: boolean;
  /** Every traced variant that ran. */
  readonly variants: readonly VariantSummary[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function rateOf(rounds: readonly RoundResult[], variant: ConsumeVariant): number {
  return median(rounds.filter((round) => round.variant === variant).map((round) => round.messagesPerSecond));
}

export function summarize(rounds: readonly RoundResult[]): KafkaSummary {
  const untracedMedian = rateOf(rounds, 'untraced');
  const variants: VariantSummary[] = [];
  for (const variant of VARIANTS) {
    if (variant === 'untraced' || !rounds.some((round) => round.variant === variant)) continue;
    const tracedMedian = rateOf(rounds, variant);
    const ratio = tracedMedian / untracedMedian;
    const perRound = rounds
      .filter((round) => round.variant === variant)
      .flatMap((round) => {
        const untraced = rounds.find((other) => other.round === round.round && other.variant === 'untraced');
        return untraced ? [round.messagesPerSecond / untraced.messagesPerSecond] : [];
      });
    variants.push({
      variant,
      median: tracedMedian,
      ratio,
      roundRatios: [Math.min(...perRound), Math.max(...perRound)],
      addedMicrosecondsPerMessage: 1e6 / tracedMedian - 1e6 / untracedMedian,
      goal: GOALS[variant],
      goalMet: ratio >= GOALS[variant],
    });
  }
  const traced = variants.find((summary) => summary.variant === 'traced');
  return {
    untracedMedian,
    tracedMedian: traced?.median ?? Number.NaN,
    ratio: traced?.ratio ?? Number.NaN,
    addedMicrosecondsPerMessage: traced?.addedMicrosecondsPerMessage ?? Number.NaN,
    goalMet: traced?.goalMet ?? false,
    variants,
  };
}

const whole = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The per-round figures, one line per round: each variant's rate, and each traced one's ratio. */
export function formatRounds(rounds: readonly RoundResult[]): string {
  const present = VARIANTS.filter((variant) => rounds.some((round) => round.variant === variant));
  const traced = present.filter((variant) => variant !== 'untraced');
  const lines = [
    `| Round | Order | ${present.map((variant) => `${variant} msg/s`).join(' | ')} | ${traced.map((variant) => `${variant} / untraced`).join(' | ')} |`,
    `| --- | --- | ${present.map(() => '---:').join(' | ')} | ${traced.map(() => '---:').join(' | ')} |`,
  ];
  for (const round of new Set(rounds.map((result) => result.round))) {
    const own = rounds.filter((result) => result.round === round);
    const rate = (variant: ConsumeVariant): number | undefined =>
      own.find((result) => result.variant === variant)?.messagesPerSecond;
    const untraced = rate('untraced');
    const order = [...own].sort((a, b) => a.position - b.position).map((result) => result.variant);
    const rates = present.map((variant) => {
      const value = rate(variant);
      return value === undefined ? '-' : whole(value);
    });
    const ratios = traced.map((variant) => {
      const value = rate(variant);
      return value === undefined || untraced === undefined ? '-' : (value / untraced).toFixed(3);
    });
    lines.push(`| ${round} | ${order.join(', ')} | ${rates.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  return lines.join('\n');
}

const DESCRIPTIONS: Record<ConsumeVariant, string> = {
  untraced: 'plain `eachMessage`',
  traced: '`traceKafkaHandler(eachMessage)` (the function form of `@TraceKafka`), messages from a sampled trace',
  'traced-1pct':
    'the same, `sampling: { ratio: 0.01 }`, messages without trace context (the consumer starts the trace)',
  'traced-sampled-out-parent':
    'the same, messages whose `traceparent` has flags 00 (an upstream that sampled them out)',
};

/** The medians, the ratios and the verdict on each goal. */
export function formatSummary(summary: KafkaSummary, messages: number, rounds: number): string {
  const lines = [
    `| Consumer (${whole(messages)} messages, median of ${rounds} rounds) | Messages/s | / untraced | per-round | added per message |`,
    '| --- | ---: | ---: | --- | ---: |',
    `| untraced: ${DESCRIPTIONS.untraced} | ${whole(summary.untracedMedian)} | - | - | - |`,
  ];
  for (const variant of summary.variants) {
    lines.push(
      `| ${variant.variant}: ${DESCRIPTIONS[variant.variant]} | ${whole(variant.median)} | **${variant.ratio.toFixed(3)}** | ` +
        `${variant.roundRatios.map((value) => value.toFixed(3)).join('–')} | ${variant.addedMicrosecondsPerMessage.toFixed(1)} µs |`,
    );
  }
  lines.push('');
  for (const variant of summary.variants) {
    lines.push(
      `Goal: ${variant.variant} at least ${variant.goal.toFixed(2)} of untraced: ${variant.goalMet ? 'met' : 'NOT met'} (${variant.ratio.toFixed(3)}).`,
    );
  }
  return lines.join('\n');
}
