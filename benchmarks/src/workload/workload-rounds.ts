import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuBetween, takeCpuSnapshot } from './cpu-accounting.js';
import { breakdownOf, percentile } from './latency-breakdown.js';
import type { CpuUse, TrackedProcess } from './cpu-accounting.js';
import type { OtlpSpanCounter } from './otlp-span-counter.js';
import type { ServiceSet, Variant } from './service-set.js';
import { runUploads, uploadOne } from './upload-driver.js';
import type { UploadResult } from './upload-driver.js';
import type { CompletionListener } from './workload-database.js';

/** What every traced upload should deliver, from one upload made alone. */
export interface Calibration {
  spansPerUpload: number;
  /** `service span-name` of each span of that upload, sorted. */
  spans: string[];
}

/** Spans of one traced round, counted at the receiver. */
export interface RoundSpans {
  expected: number;
  received: number;
  /** Uploads whose trace has fewer spans than the calibration upload's, and more. */
  uploadsShort: number;
  uploadsOver: number;
}

export interface RoundRecord {
  round: number;
  variant: Variant;
  results: UploadResult[];
  wallMs: number;
  cpu: CpuUse;
  spans?: RoundSpans;
  /** Traced rounds: milliseconds per step of the upload path (see `BREAKDOWN_STEPS`) of every `sampleEvery`-th upload. */
  breakdowns?: number[][];
}

export interface RoundsContext {
  sets: Record<Variant, ServiceSet>;
  completions: CompletionListener;
  counter: OtlpSpanCounter;
  tracked: readonly TrackedProcess[];
  /** Trace ids sent to the traced set, so the receiver's other spans can be told apart. */
  tracedTraceIds: Set<string>;
  log(line: string): void;
}

export interface RoundsOptions {
  rounds: number;
  uploads: number;
  concurrency: number;
  /** Uploads per set before the first round. */
  warmup: number;
  /** Uploads before each round's measured ones, not measured. */
  roundWarmup: number;
}

/** In traced rounds, every how many uploads the receiver keeps the spans for the latency breakdown. */
const BREAKDOWN_SAMPLE_EVERY = 10;

/** After a traced round, how long the span count may stay still before the benchmark stops waiting. */
const SPAN_QUIET_MS = 3000;
const SPAN_TIMEOUT_MS = 20_000;

/** untraced, traced, traced, untraced, untraced, traced, …: each variant as often first as second. */
export function roundOrder(rounds: number): Variant[] {
  const pattern: Variant[] = ['untraced', 'traced', 'traced', 'untraced'];
  return Array.from({ length: 2 * rounds }, (_, index) => pattern[index % 4]);
}

async function uploads(
  context: RoundsContext,
  variant: Variant,
  count: number,
  concurrency: number,
  beforeUpload?: (traceId: string, index: number) => void,
) {
  const gatewayUrl = context.sets[variant].gatewayUrl;
  const batch = await runUploads(gatewayUrl, context.completions, count, concurrency, beforeUpload);
  if (variant === 'traced') for (const result of batch.results) context.tracedTraceIds.add(result.traceId);
  const failed = batch.results.filter((result) => result.error);
  if (failed.length > 0) context.log(`    ${failed.length} ${variant} upload(s) failed, first: ${failed[0].error}`);
  return batch;
}

/** Warm both sets up (untraced first), `count` uploads each. */
export async function warmUp(context: RoundsContext, count: number, concurrency: number): Promise<void> {
  for (const variant of ['untraced', 'traced'] as const) {
    const batch = await uploads(context, variant, count, concurrency);
    context.log(`  warm-up ${variant.padEnd(8)} ${count} uploads in ${(batch.wallMs / 1000).toFixed(1)} s`);
  }
}

/** One traced upload alone; every span it delivers (waiting until none has come for 3 s) is the expectation. */
export async function calibrate(context: RoundsContext): Promise<Calibration> {
  await context.counter.settle(() => context.counter.totalSpans, Infinity, SPAN_QUIET_MS, SPAN_TIMEOUT_MS);
  const traceId = randomBytes(16).toString('hex');
  context.counter.describe(traceId);
  context.tracedTraceIds.add(traceId);
  const result = await uploadOne(context.sets.traced.gatewayUrl, context.completions, traceId);
  if (result.error) throw new Error(`The calibration upload failed: ${result.error}`);
  const count = () => context.counter.spansOf(traceId);
  const spansPerUpload = await context.counter.settle(count, Infinity, SPAN_QUIET_MS, SPAN_TIMEOUT_MS);
  return { spansPerUpload, spans: context.counter.description(traceId).sort() };
}

async function countRoundSpans(
  context: RoundsContext,
  results: readonly UploadResult[],
  perUpload: number,
): Promise<RoundSpans> {
  const traceIds = results.map((result) => result.traceId);
  const expected = perUpload * results.length;
  const received = await context.counter.settle(
    () => context.counter.spansOfAll(traceIds),
    expected,
    SPAN_QUIET_MS,
    SPAN_TIMEOUT_MS,
  );
  const counts = traceIds.map((traceId) => context.counter.spansOf(traceId));
  return {
    expected,
    received,
    uploadsShort: counts.filter((count) => count < perUpload).length,
    uploadsOver: counts.filter((count) => count > perUpload).length,
  };
}

/** The measured rounds, in `roundOrder`; after each traced round, its spans are counted before the next starts. */
export async function runRounds(
  context: RoundsContext,
  options: RoundsOptions,
  calibration: Calibration,
): Promise<RoundRecord[]> {
  const records: RoundRecord[] = [];
  for (const [index, variant] of roundOrder(options.rounds).entries()) {
    if (options.roundWarmup > 0) await uploads(context, variant, options.roundWarmup, options.concurrency);
    const sampled: string[] = [];
    const sample = (traceId: string, upload: number): void => {
      if (variant !== 'traced' || upload % BREAKDOWN_SAMPLE_EVERY !== 0) return;
      context.counter.describe(traceId);
      sampled.push(traceId);
    };
    const before = takeCpuSnapshot(context.tracked);
    const batch = await uploads(context, variant, options.uploads, options.concurrency, sample);
    const cpu = cpuBetween(before, takeCpuSnapshot(context.tracked));
    const record: RoundRecord = { round: index + 1, variant, results: batch.results, wallMs: batch.wallMs, cpu };
    if (variant === 'traced') {
      record.spans = await countRoundSpans(context, batch.results, calibration.spansPerUpload);
      record.breakdowns = sampled.flatMap((traceId) => {
        const breakdown = breakdownOf(context.counter.describedSpans(traceId));
        return breakdown ? [breakdown] : [];
      });
    }
    records.push(record);
    context.log(describeRound(record));
    await sleep(500);
  }
  return records;
}

function describeRound(record: RoundRecord): string {
  const done = record.results.filter((result) => !result.error);
  const chain = done.map((result) => result.chainMs);
  const perSecond = (done.length / record.wallMs) * 1000;
  const spans = record.spans
    ? `, spans ${record.spans.received}/${record.spans.expected}` +
      (record.spans.uploadsShort + record.spans.uploadsOver > 0
        ? ` (${record.spans.uploadsShort} uploads short, ${record.spans.uploadsOver} over)`
        : '')
    : '';
  const load = record.cpu.machineCpus === undefined ? '' : `, machine ${record.cpu.machineCpus.toFixed(2)} CPUs`;
  const other = record.cpu.otherCpus === undefined ? '' : ` (other ${record.cpu.otherCpus.toFixed(2)})`;
  return (
    `  round ${String(record.round).padStart(2)} ${record.variant.padEnd(8)} ${perSecond.toFixed(1).padStart(6)} uploads/s, ` +
    `p50 ${percentile(chain, 50).toFixed(1)} ms, p99 ${percentile(chain, 99).toFixed(1)} ms` +
    `${record.results.length - done.length > 0 ? `, ${record.results.length - done.length} failed` : ''}${spans}${load}${other}`
  );
}
