import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../versions.js';
import { runInterleaved, sink } from '../micro/interleaved-runner.js';
import type { Variant } from '../micro/interleaved-runner.js';
import { argument } from '../micro/child-phase.js';
import { ATTRIBUTES_AT_START, startFloorSdk } from './floor-sdk.js';
import type { FloorSdk } from './floor-sdk.js';
import { GOAL_RATIO, floorRow, formatFloorTable } from './floor-report.js';
import type { FloorRow } from './floor-report.js';
import { VARIANT_IDS } from './floor-transport.js';
import type { Batch, FloorTransport, VariantId } from './floor-transport.js';
import { checkSpanShapes } from './span-shape.js';
import type { ShapeCheck } from './span-shape.js';

/**
 * The floor, per transport: each operation untraced, traced by hand-written OpenTelemetry code that
 * makes the same spans (checked at start-up), and traced by nest-tracing, in one process with one SDK.
 *
 *   node --expose-gc benchmarks/dist/floor/floor.bench.js [--transports=a,b] [--rounds=N] [--warmup=N]
 *     interleaved wall-clock run of every transport; writes benchmarks/results/floor-latest.json
 *   node benchmarks/dist/floor/floor.bench.js --transport=T --variant=V|<diagnostic> [--operations=N]
 *       [--warmup-operations=N] [--windows=K] [--handshake] [--cpu-profile=<file>]
 *     one variant alone (for callgrind and CPU profiles): warm-up, then K windows of N operations, one
 *     after the other (the collector runs when it would); with --handshake it prints `warm <i>` and waits for a line on stdin before
 *     each window, prints `done ... window <i>` after it, and waits for a last line before it exits;
 *     with --cpu-profile it writes a V8 CPU profile of the (last) window (see profile-summary.ts)
 */
const TRANSPORTS = [
  'traced-sync',
  'traced-async',
  'http-server',
  'kafka-consumer',
  'kafka-producer',
  'typeorm-statement',
] as const;
type TransportId = (typeof TRANSPORTS)[number];

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

/** Only the transports asked for are built, so a callgrind run of one loads nothing else (no Nest for Kafka). */
async function buildTransports(ids: readonly TransportId[], sdk: FloorSdk): Promise<FloorTransport[]> {
  const built: FloorTransport[] = [];
  if (ids.includes('traced-sync') || ids.includes('traced-async')) {
    const { tracedMethodTransports } = await import('./traced-method.transport.js');
    built.push(...tracedMethodTransports(sdk.requestContext).filter((t) => ids.includes(t.id as TransportId)));
  }
  if (ids.includes('http-server')) built.push(await (await import('./http-server.transport.js')).httpServerTransport());
  if (ids.includes('kafka-consumer')) {
    built.push((await import('./kafka-consumer.transport.js')).kafkaConsumerTransport());
  }
  if (ids.includes('kafka-producer')) {
    built.push((await import('./kafka-producer.transport.js')).kafkaProducerTransport(sdk.requestContext));
  }
  if (ids.includes('typeorm-statement')) {
    built.push((await import('./typeorm-statement.transport.js')).typeormStatementTransport(sdk.requestContext));
  }
  return ids.map((id) => built.find((t) => t.id === id)!);
}

function parseTransports(list: string | undefined): TransportId[] {
  const ids = list ? list.split(',') : [...TRANSPORTS];
  for (const id of ids) {
    if (!(TRANSPORTS as readonly string[]).includes(id))
      throw new Error(`unknown transport ${id}: ${TRANSPORTS.join(', ')}`);
  }
  return ids as TransportId[];
}

/** `total` operations in batches of `perBatch`, with an event-loop turn between batches (as in the interleaved run). */
async function runOperations(batch: Batch, total: number, perBatch: number): Promise<number> {
  let result = 0;
  for (let done = 0; done < total; done += perBatch) {
    const value = batch(Math.min(perBatch, total - done));
    result = (result + (typeof value === 'number' ? value : await value)) | 0;
    await yieldToEventLoop();
  }
  return result;
}

/** The V8 sampling profiler over the measured operations only (100 µs between samples). */
async function startProfiler(): Promise<{ stop(): Promise<object> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

async function runSingleVariant(transport: FloorTransport, variant: string, batch: Batch): Promise<void> {
  const operations = Number(argument('operations') ?? 40 * transport.iterations);
  const warmup = Number(argument('warmup-operations') ?? transport.warmupBatches * transport.iterations);
  const windows = Number(argument('windows') ?? 1);
  const handshake = process.argv.includes('--handshake');
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  await runOperations(batch, warmup, transport.iterations);
  for (let window = 1; window <= windows; window++) {
    if (handshake) {
      out(`warm ${window}`);
      await lines.next();
    }
    const profile = argument('cpu-profile');
    const profiler = profile === undefined ? undefined : await startProfiler();
    const start = process.hrtime.bigint();
    const result = await runOperations(batch, operations, transport.iterations);
    const ns = Number(process.hrtime.bigint() - start);
    if (profiler) await writeFile(profile!, JSON.stringify(await profiler.stop()));
    const perOperation = (ns / operations).toFixed(0);
    out(`done ${transport.id} ${variant} ${operations} operations ${perOperation} ns/op (${result}) window ${window}`);
  }
  if (handshake) await lines.next();
}

async function runInterleavedTransports(
  transports: FloorTransport[],
  sdk: FloorSdk,
  checks: ShapeCheck[],
): Promise<void> {
  const rounds = Number(argument('rounds') ?? 60);
  const warmupRounds = Number(argument('warmup') ?? 10);
  const info = machineInfo();
  const versions = stackVersions([...CORE_PACKAGES, 'kafkajs', 'typeorm', '@nestjs/core', '@nestjs/platform-express']);
  out(`floor benchmark: ${JSON.stringify(info)}`);
  out(formatVersions(versions));
  out(`${warmupRounds} warm-up rounds, then ${rounds} rounds per transport, the three variants interleaved\n`);
  sdk.exporter.exported = 0;
  let expectedSpans = 0;
  const rows: FloorRow[] = [];
  const started = Date.now();
  for (const transport of transports) {
    const variants: Variant[] = VARIANT_IDS.map((id) => ({ id, label: id, run: transport.batches[id] }));
    const transportStart = Date.now();
    const stats = await runInterleaved(variants, { warmupRounds, rounds, iterations: transport.iterations });
    rows.push(floorRow(transport, stats));
    expectedSpans += 2 * (warmupRounds + rounds) * transport.iterations * transport.spansPerOperation;
    out(`  ${transport.id}: ${((Date.now() - transportStart) / 1000).toFixed(1)} s`);
  }
  await sdk.forceFlush();
  const exported = sdk.exporter.exported;
  out(`\nns per operation, median (p25-p75) over rounds; +hand / +ours: added over untraced (wall clock, smoke)\n`);
  out(formatFloorTable(rows));
  out(`\nspans exported: ${exported} of ${expectedSpans}${exported === expectedSpans ? '' : ' (MISMATCH)'}`);
  const report = {
    what: 'floor per transport: untraced, hand-written OpenTelemetry, nest-tracing (wall clock, ns per operation)',
    machine: info,
    versions,
    options: {
      rounds,
      warmupRounds,
      handWrittenAttributes: ATTRIBUTES_AT_START ? 'at start' : 'after start',
      iterations: Object.fromEntries(transports.map((t) => [t.id, t.iterations])),
    },
    goal: `nest-tracing's added ns <= ${GOAL_RATIO} x the hand-written floor's`,
    seconds: (Date.now() - started) / 1000,
    spans: { expected: expectedSpans, exported },
    rows,
    shapes: checks,
    sink,
  };
  const results = resultsDirectory();
  await mkdir(results, { recursive: true });
  const file = new URL('floor-latest.json', results);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  out(`written: ${file.pathname}`);
}

/** The batch of `variant` (one of the three, or a diagnostic, checked here against nest-tracing's spans). */
async function singleVariantBatch(transport: FloorTransport, variant: string, sdk: FloorSdk): Promise<Batch> {
  if ((VARIANT_IDS as readonly string[]).includes(variant)) return transport.batches[variant as VariantId];
  const diagnostics = (await transport.diagnostics?.()) ?? {};
  const diagnostic = diagnostics[variant];
  if (!diagnostic) {
    const known = [...VARIANT_IDS, ...Object.keys(diagnostics)].join(', ');
    throw new Error(`${transport.id} has no variant ${variant}: ${known}`);
  }
  await checkSpanShapes(transport, sdk.exporter, () => sdk.forceFlush(), {
    id: variant,
    observe: () => diagnostic.observe(),
  });
  return diagnostic.batch;
}

async function main(): Promise<void> {
  const single = argument('transport');
  const variant = argument('variant');
  if (single !== undefined && variant === undefined) {
    throw new Error(`--transport needs --variant=${VARIANT_IDS.join('|')} (or a diagnostic variant)`);
  }
  const ids = parseTransports(single ?? argument('transports'));
  const sdk = await startFloorSdk();
  const transports = await buildTransports(ids, sdk);
  const checks: ShapeCheck[] = [];
  for (const transport of transports) {
    const check = await checkSpanShapes(transport, sdk.exporter, () => sdk.forceFlush());
    checks.push(check);
    if (single === undefined) out(`same spans: ${transport.id} (${check.spans} per operation)`);
  }
  if (single !== undefined) {
    const batch = await singleVariantBatch(transports[0], variant!, sdk);
    await runSingleVariant(transports[0], variant!, batch);
  } else {
    await runInterleavedTransports(transports, sdk, checks);
  }
  await sdk.forceFlush();
  await sdk.shutdown();
  for (const transport of transports) await transport.close?.();
  process.exit(0);
}

await main();
