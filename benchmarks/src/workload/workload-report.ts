import type { Variant } from './service-set.js';
import { percentile, summarizeBreakdowns } from './latency-breakdown.js';
import type { RoundRecord } from './workload-rounds.js';

/** The goals of issue 13 for the upload path. */
export const GOALS = { throughputRatio: 0.97, p99Ratio: 1.05 };

export interface VariantSummary {
  rounds: number;
  uploads: number;
  failed: number;
  /** Median over rounds of completed uploads per second. */
  uploadsPerSecond: number;
  roundUploadsPerSecond: number[];
  /** Upload to `completed`, over every measured upload of the variant (ms). */
  chainP50Ms: number;
  chainP99Ms: number;
  /** Median over rounds of each round's p99 (ms). */
  chainP99MedianOfRoundsMs: number;
  /** `POST /essays` to its 201 answer (ms). */
  httpP50Ms: number;
  httpP99Ms: number;
  /** CPU microseconds per measured upload, per process label (`traced api-gateway`, `postgres`, ...). */
  cpuUsPerUpload: Record<string, number>;
  /** Machine busy and other load (CPUs), median over rounds. */
  machineCpus: number | undefined;
  otherCpus: number | undefined;
}

export interface WorkloadSummary {
  untraced: VariantSummary;
  traced: VariantSummary;
  /** Median traced uploads/s over median untraced uploads/s. */
  throughputRatio: number;
  /** Median of traced/untraced over adjacent round pairs (rounds 1-2, 3-4, ...). */
  pairedThroughputRatio: number;
  p50Ratio: number;
  /** Pooled traced p99 over pooled untraced p99. */
  p99Ratio: number;
  p99RatioMedianOfRounds: number;
  spans: { expected: number; received: number; uploadsShort: number; uploadsOver: number };
  /** Where a traced upload's time goes, from the spans of every 10th measured traced upload. */
  tracedLatencyBreakdown: { samples: number; steps: ReturnType<typeof summarizeBreakdowns> };
  goals: { throughput: string; p99: string; spans: string };
}

/** The middle value, or the mean of the two middle values (with 2 rounds, their mean, not the lower one). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOrUndefined(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length > 0 ? median(known) : undefined;
}

const completed = (record: RoundRecord) => record.results.filter((result) => !result.error);

function summarizeVariant(records: readonly RoundRecord[], variant: Variant): VariantSummary {
  const own = records.filter((record) => record.variant === variant);
  const results = own.flatMap((record) => record.results);
  const chain = own.flatMap(completed).map((result) => result.chainMs);
  const http = own.flatMap(completed).map((result) => result.httpMs);
  const perSecond = own.map((record) => (completed(record).length / record.wallMs) * 1000);
  const cpuUsPerUpload: Record<string, number> = {};
  for (const record of own) {
    for (const [label, us] of Object.entries(record.cpu.perLabelUs)) {
      if (label.startsWith(variant === 'traced' ? 'untraced ' : 'traced ')) continue;
      cpuUsPerUpload[label] = (cpuUsPerUpload[label] ?? 0) + us / Math.max(1, results.length);
    }
  }
  return {
    rounds: own.length,
    uploads: results.length,
    failed: results.length - chain.length,
    uploadsPerSecond: median(perSecond),
    roundUploadsPerSecond: perSecond,
    chainP50Ms: percentile(chain, 50),
    chainP99Ms: percentile(chain, 99),
    chainP99MedianOfRoundsMs: median(own.map((record) => roundPercentile(record, 'chainMs', 99))),
    httpP50Ms: percentile(http, 50),
    httpP99Ms: percentile(http, 99),
    cpuUsPerUpload: Object.fromEntries(Object.entries(cpuUsPerUpload).map(([label, us]) => [label, Math.round(us)])),
    machineCpus: medianOrUndefined(own.map((record) => record.cpu.machineCpus)),
    otherCpus: medianOrUndefined(own.map((record) => record.cpu.otherCpus)),
  };
}

/** A percentile of one round's completed uploads. */
export function roundPercentile(record: RoundRecord, measure: 'chainMs' | 'httpMs', p: number): number {
  return percentile(
    completed(record).map((result) => result[measure]),
    p,
  );
}

/** One round for the results file: rates, percentiles, CPU and spans, without the single uploads. */
export function roundJson(record: RoundRecord): Record<string, unknown> {
  const done = completed(record).length;
  const round2 = (value: number) => Number(value.toFixed(2));
  const chain = (p: number) => round2(roundPercentile(record, 'chainMs', p));
  return {
    round: record.round,
    variant: record.variant,
    uploads: record.results.length,
    failed: record.results.length - done,
    wallMs: round2(record.wallMs),
    uploadsPerSecond: round2((done / record.wallMs) * 1000),
    chainMs: { p50: chain(50), p90: chain(90), p99: chain(99), max: chain(100) },
    httpMs: { p50: round2(roundPercentile(record, 'httpMs', 50)), p99: round2(roundPercentile(record, 'httpMs', 99)) },
    machineCpus: record.cpu.machineCpus === undefined ? null : round2(record.cpu.machineCpus),
    otherCpus: record.cpu.otherCpus === undefined ? null : round2(record.cpu.otherCpus),
    cpuUs: Object.fromEntries(Object.entries(record.cpu.perLabelUs).map(([label, us]) => [label, Math.round(us)])),
    ...(record.spans ? { spans: record.spans } : {}),
  };
}

/** Medians, ratios and the verdict on the goals. */
export function summarize(records: readonly RoundRecord[]): WorkloadSummary {
  const untraced = summarizeVariant(records, 'untraced');
  const traced = summarizeVariant(records, 'traced');
  const pairRatios: number[] = [];
  for (let index = 0; index + 1 < records.length; index += 2) {
    const [a, b] = [records[index], records[index + 1]];
    const rate = (record: RoundRecord) => completed(record).length / record.wallMs;
    const [tracedRound, untracedRound] = a.variant === 'traced' ? [a, b] : [b, a];
    pairRatios.push(rate(tracedRound) / rate(untracedRound));
  }
  const spans = { expected: 0, received: 0, uploadsShort: 0, uploadsOver: 0 };
  for (const record of records) {
    if (!record.spans) continue;
    spans.expected += record.spans.expected;
    spans.received += record.spans.received;
    spans.uploadsShort += record.spans.uploadsShort;
    spans.uploadsOver += record.spans.uploadsOver;
  }
  const breakdowns = records.flatMap((record) => record.breakdowns ?? []);
  const throughputRatio = traced.uploadsPerSecond / untraced.uploadsPerSecond;
  const p99Ratio = traced.chainP99Ms / untraced.chainP99Ms;
  const failed = untraced.failed + traced.failed;
  const met = (ok: boolean) => (ok && failed === 0 ? 'met' : 'not met');
  return {
    untraced,
    traced,
    throughputRatio,
    pairedThroughputRatio: median(pairRatios),
    p50Ratio: traced.chainP50Ms / untraced.chainP50Ms,
    p99Ratio,
    p99RatioMedianOfRounds: traced.chainP99MedianOfRoundsMs / untraced.chainP99MedianOfRoundsMs,
    spans,
    tracedLatencyBreakdown: { samples: breakdowns.length, steps: summarizeBreakdowns(breakdowns) },
    goals: {
      throughput: `${met(throughputRatio >= GOALS.throughputRatio)} (${throughputRatio.toFixed(3)} ≥ ${GOALS.throughputRatio})`,
      p99: `${met(p99Ratio <= GOALS.p99Ratio)} (${p99Ratio.toFixed(3)}x ≤ ${GOALS.p99Ratio}x)`,
      spans:
        spans.received === spans.expected && spans.uploadsShort === 0 && spans.uploadsOver === 0
          ? `met (${spans.received} of ${spans.expected} spans)`
          : `not met (${spans.received} of ${spans.expected} spans, ${spans.uploadsShort} uploads short, ${spans.uploadsOver} over)`,
    },
  };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The summary as lines for the terminal. */
export function formatSummary(summary: WorkloadSummary): string[] {
  const row = (label: string, pick: (variant: VariantSummary) => string, ratio: string): string =>
    `  ${label.padEnd(34)} ${pick(summary.untraced).padStart(12)} ${pick(summary.traced).padStart(12)} ${ratio.padStart(8)}`;
  const labels = [
    ...new Set(
      [...Object.keys(summary.untraced.cpuUsPerUpload), ...Object.keys(summary.traced.cpuUsPerUpload)].map((label) =>
        label.replace(/^(un)?traced /, ''),
      ),
    ),
  ];
  const cpuOf = (variant: VariantSummary, label: string, prefix: string): number =>
    variant.cpuUsPerUpload[`${prefix} ${label}`] ?? variant.cpuUsPerUpload[label] ?? 0;
  return [
    `  ${''.padEnd(34)} ${'untraced'.padStart(12)} ${'traced'.padStart(12)} ${'ratio'.padStart(8)}`,
    row('uploads/s (median of rounds)', (v) => v.uploadsPerSecond.toFixed(1), summary.throughputRatio.toFixed(3)),
    row('upload → completed p50', (v) => ms(v.chainP50Ms), summary.p50Ratio.toFixed(3)),
    row('upload → completed p99', (v) => ms(v.chainP99Ms), summary.p99Ratio.toFixed(3)),
    row('p99, median of rounds', (v) => ms(v.chainP99MedianOfRoundsMs), summary.p99RatioMedianOfRounds.toFixed(3)),
    row('POST /essays p50', (v) => ms(v.httpP50Ms), ''),
    row('POST /essays p99', (v) => ms(v.httpP99Ms), ''),
    ...labels.map((label) =>
      row(`CPU µs/upload: ${label}`, (v) => String(cpuOf(v, label, v === summary.traced ? 'traced' : 'untraced')), ''),
    ),
    `  paired throughput ratio (median of adjacent rounds): ${summary.pairedThroughputRatio.toFixed(3)}`,
    `  where a traced upload's time goes (${summary.tracedLatencyBreakdown.samples} sampled uploads, from their spans):`,
    ...summary.tracedLatencyBreakdown.steps.map(
      (step) => `    ${step.step.padEnd(52)} p50 ${ms(step.p50Ms).padStart(9)}   p99 ${ms(step.p99Ms).padStart(9)}`,
    ),
    `  goal throughput: ${summary.goals.throughput}`,
    `  goal p99: ${summary.goals.p99}`,
    `  every span recorded and exported: ${summary.goals.spans}`,
  ];
}
