import 'reflect-metadata';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { Traced, getSpanLoss, startTracing } from '@huleedu/nest-tracing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { argument } from '../micro/child-phase.js';
import { DiscardingSpanExporter } from '../micro/discarding.exporter.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../versions.js';

/**
 * Does the heap stay flat under @Traced? 1,000,000 calls per variant through `startTracing()` with the
 * batch processor and an exporter that drops every batch, heapUsed sampled after a forced flush and
 * full GCs every 100,000 calls. Each variant runs in its own process, so each starts from a fresh heap.
 * Usage: node --expose-gc memory.bench.js [--calls=1000000] [--every=100000] [--tolerance-mb=2]
 * [--variants=sync,async,...]; `--variant=<name>` is a child's entry.
 *
 * Not measured: TracingTestingModule's in-memory store, which keeps every span until a test clears
 * it, by design; it would grow with the calls whatever the library does.
 */
const calls = Number(argument('calls') ?? 1_000_000);
const every = Number(argument('every') ?? 100_000);
/** "Flat": heapUsed after the last call at most this much above heapUsed after the first sample's calls. */
const toleranceMb = Number(argument('tolerance-mb') ?? 2);
/** Calls between two yields to the event loop, so the batch processor can export (its queue holds 8192). */
const CALLS_PER_BATCH = 1000;

type VariantName = 'sync' | 'async' | 'sync-sampled-out' | 'async-sampled-out' | 'sync-undecorated';

interface VariantSpec {
  name: VariantName;
  description: string;
  async: boolean;
  /** Under a remote parent that was not sampled: @Traced records nothing. */
  sampledOut: boolean;
  /** The control: the same method without @Traced (tracing started all the same). */
  undecorated?: boolean;
}

const VARIANTS: VariantSpec[] = [
  { name: 'sync', description: 'sampled @Traced sync method', async: false, sampledOut: false },
  { name: 'async', description: 'sampled @Traced async method', async: true, sampledOut: false },
  { name: 'sync-sampled-out', description: '@Traced sync under a sampled-out parent', async: false, sampledOut: true },
  {
    name: 'async-sampled-out',
    description: '@Traced async under a sampled-out parent',
    async: true,
    sampledOut: true,
  },
  {
    name: 'sync-undecorated',
    description: 'control: the same sync method without @Traced',
    async: false,
    sampledOut: false,
    undecorated: true,
  },
];

/** One sample: after `calls` calls, a flush and two full GCs. */
interface HeapSample {
  calls: number;
  heapUsedBytes: number;
  externalBytes: number;
  rssBytes: number;
}

interface VariantResult {
  variant: VariantName;
  samples: HeapSample[];
  spans: { exported: number; expected: number; lostQueueFull: number; lostExportFailed: number };
  seconds: number;
  sink: number;
}

/** The control's method: TracedWork's body without the decorator. */
class PlainWork {
  total = 0;
  compute(x: number): number {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  computeAsync(x: number): Promise<number> {
    return Promise.resolve(this.compute(x));
  }
}

class TracedWork {
  total = 0;
  @Traced()
  compute(x: number): number {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  @Traced()
  async computeAsync(x: number): Promise<number> {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
}

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
}

async function runVariant(spec: VariantSpec): Promise<VariantResult> {
  const started = Date.now();
  const exporter = new DiscardingSpanExporter();
  const tracing = await startTracing({ serviceName: 'bench-memory', exporter, spanProcessor: 'batch' });
  const parent: Context = spec.sampledOut
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: TraceFlags.NONE,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const work = spec.undecorated ? new PlainWork() : new TracedWork();
  let sink = 0;
  const sample = async (done: number): Promise<HeapSample> => {
    await tracing.forceFlush();
    collectGarbage();
    // weak callbacks and finalizers run between the two collections
    await yieldToEventLoop();
    collectGarbage();
    const memory = process.memoryUsage();
    return { calls: done, heapUsedBytes: memory.heapUsed, externalBytes: memory.external, rssBytes: memory.rss };
  };
  const samples = [await sample(0)];
  for (let done = 0; done < calls;) {
    const batch = Math.min(CALLS_PER_BATCH, calls - done);
    if (spec.async) {
      await context.with(parent, async () => {
        for (let i = 0; i < batch; i++) sink ^= await work.computeAsync(i);
      });
    } else {
      context.with(parent, () => {
        for (let i = 0; i < batch; i++) sink ^= work.compute(i);
      });
    }
    done += batch;
    await yieldToEventLoop();
    if (done % every === 0 || done === calls) samples.push(await sample(done));
  }
  await tracing.forceFlush();
  const loss = getSpanLoss();
  await tracing.shutdown();
  return {
    variant: spec.name,
    samples,
    spans: {
      exported: exporter.exported,
      expected: spec.sampledOut || spec.undecorated ? 0 : calls,
      lostQueueFull: loss.queueFull,
      lostExportFailed: loss.exportFailed,
    },
    seconds: (Date.now() - started) / 1000,
    sink,
  };
}

/** Run one variant in a fresh Node process (same flags), and return what it reports on its last line. */
function runInChild(variant: VariantName): Promise<VariantResult> {
  const passThrough = process.argv.slice(2).filter((a) => !a.startsWith('--variant='));
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), `--variant=${variant}`, ...passThrough],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`variant ${variant} exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop()!) as VariantResult);
    });
  });
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(2);

interface Verdict {
  variant: VariantName;
  /** heapUsed after the first sample's calls (100,000 by default). */
  referenceMb: number;
  finalMb: number;
  /** final - reference. */
  growthMb: number;
  /** final / reference - 1, in %. */
  growthPercent: number;
  /** The largest heapUsed after the reference, above it. */
  peakAboveReferenceMb: number;
  /** Least-squares slope of heapUsed over the samples from the reference on, per call. */
  slopeBytesPerCall: number;
  toleranceMb: number;
  flat: boolean;
}

function verdict(result: VariantResult): Verdict {
  const after = result.samples.filter((s) => s.calls >= every);
  const reference = after[0];
  const final = after[after.length - 1];
  const n = after.length;
  const meanX = after.reduce((sum, s) => sum + s.calls, 0) / n;
  const meanY = after.reduce((sum, s) => sum + s.heapUsedBytes, 0) / n;
  const covariance = after.reduce((sum, s) => sum + (s.calls - meanX) * (s.heapUsedBytes - meanY), 0);
  const variance = after.reduce((sum, s) => sum + (s.calls - meanX) ** 2, 0);
  const growth = final.heapUsedBytes - reference.heapUsedBytes;
  return {
    variant: result.variant,
    referenceMb: reference.heapUsedBytes / MB,
    finalMb: final.heapUsedBytes / MB,
    growthMb: growth / MB,
    growthPercent: (growth / reference.heapUsedBytes) * 100,
    peakAboveReferenceMb: (Math.max(...after.map((s) => s.heapUsedBytes)) - reference.heapUsedBytes) / MB,
    slopeBytesPerCall: variance === 0 ? 0 : covariance / variance,
    toleranceMb,
    flat: growth <= toleranceMb * MB,
  };
}

function formatSeries(results: VariantResult[]): string {
  const header = ['calls', ...results.map((r) => `${r.variant} MB`)];
  const widths = header.map((h) => Math.max(h.length, 9));
  const rows = results[0].samples.map((sample, index) => [
    sample.calls.toLocaleString('en-US'),
    ...results.map((r) => (r.samples[index] ? mb(r.samples[index].heapUsedBytes) : '-')),
  ]);
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(header), '-'.repeat(line(header).length), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const info = machineInfo();
  const versions = stackVersions(CORE_PACKAGES);
  out(`nest-tracing memory benchmark: ${JSON.stringify(info)}`);
  out(`versions: ${formatVersions(versions)}`);
  const chosen = argument('variants')?.split(',') ?? VARIANTS.map((v) => v.name);
  const specs = VARIANTS.filter((v) => chosen.includes(v.name));
  out(
    `${calls.toLocaleString('en-US')} calls per variant, each variant in its own process; heapUsed after a flush and ` +
      `two full GCs every ${every.toLocaleString('en-US')} calls`,
  );
  out(
    `flat: heapUsed after the last call at most ${toleranceMb} MB above heapUsed after ${every.toLocaleString('en-US')}\n`,
  );
  const results: VariantResult[] = [];
  for (const spec of specs) {
    const result = await runInChild(spec.name);
    results.push(result);
    const lost = result.spans.lostQueueFull + result.spans.lostExportFailed;
    out(
      `  ${spec.name.padEnd(18)} ${result.seconds.toFixed(1)} s, spans exported ${result.spans.exported} of ${result.spans.expected}` +
        `${lost ? ` (${lost} LOST)` : ''} (${spec.description})`,
    );
  }
  out(`\nheapUsed (MB) after n calls\n`);
  out(formatSeries(results));
  const verdicts = results.map(verdict);
  out(`\nGoal: flat, no growth after the first ${every.toLocaleString('en-US')} calls`);
  for (const v of verdicts) {
    out(
      `${v.variant === 'sync-undecorated' ? 'CONTROL' : v.flat ? 'MET    ' : 'NOT MET'}  [${v.variant.padEnd(17)}] ${v.growthMb >= 0 ? '+' : ''}${v.growthMb.toFixed(2)} MB from ` +
        `${every.toLocaleString('en-US')} to ${calls.toLocaleString('en-US')} calls, ${v.growthPercent.toFixed(1)}% (${v.referenceMb.toFixed(2)} -> ${v.finalMb.toFixed(2)} MB; ` +
        `peak +${v.peakAboveReferenceMb.toFixed(2)} MB; slope ${v.slopeBytesPerCall.toFixed(3)} bytes/call) (limit +${v.toleranceMb} MB)`,
    );
  }
  const directory = resultsDirectory();
  await mkdir(directory, { recursive: true });
  const file = new URL('memory-latest.json', directory);
  const report = {
    benchmark: 'memory',
    machine: info,
    versions,
    settings: { calls, every, toleranceMb, callsPerBatch: CALLS_PER_BATCH, spanProcessor: 'batch' },
    variants: specs,
    results,
    verdicts,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  out(`\nwritten: ${fileURLToPath(file)}`);
}

const child = argument('variant') as VariantName | undefined;
if (child) {
  const spec = VARIANTS.find((v) => v.name === child);
  if (!spec) throw new Error(`unknown variant ${child}`);
  out(JSON.stringify(await runVariant(spec)));
} else {
  await main();
}
