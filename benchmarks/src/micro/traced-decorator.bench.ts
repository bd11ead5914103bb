import 'reflect-metadata';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { startTracing } from '@huleedu/nest-tracing';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { argument, reportPhase, runPhaseInChild } from './child-phase.js';
import { SAMPLED_VARIANTS_PER_ROUND, noSdkVariants, sdkVariants } from './bench-subjects.js';
import { DiscardingSpanExporter } from './discarding.exporter.js';
import { runInterleaved, sink } from './interleaved-runner.js';
import type { RunnerOptions, VariantStats } from './interleaved-runner.js';
import { buildRows, evaluateGoals, formatGoals, formatReferenceFigures, formatTable } from './micro-report.js';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../versions.js';

/**
 * What one @Traced call costs, against no tracing, a hand-written span wrapper and nestjs-otel's
 * @Span, with an SDK registered (this process) and without one (a child process, since a provider
 * cannot be unregistered cleanly). Usage: node --expose-gc traced-decorator.bench.js
 * [--rounds=N] [--no-sdk-rounds=N] [--warmup=N] [--iterations=N]; `--phase=no-sdk` is the child's entry.
 */
const options: RunnerOptions = {
  warmupRounds: Number(argument('warmup') ?? 100),
  rounds: Number(argument('rounds') ?? 1200),
  iterations: Number(argument('iterations') ?? 1000),
};
/**
 * The no-SDK calls are 5-10x cheaper, so the same number of rounds would take a few seconds, and one
 * burst of other load on the machine could cover most of them: three times the rounds spreads them out.
 */
const noSdkOptions: RunnerOptions = { ...options, rounds: Number(argument('no-sdk-rounds') ?? options.rounds * 3) };

// Both phases: a real context manager, so context.with and startActiveSpan do real work.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

async function runNoSdkPhase(): Promise<void> {
  reportPhase(await runInterleaved(noSdkVariants(), noSdkOptions), sink);
}

async function runSdkPhase(): Promise<{ stats: VariantStats[]; spans: { expected: number; exported: number } }> {
  const exporter = new DiscardingSpanExporter();
  const tracing = await startTracing({ serviceName: 'bench-service', exporter, spanProcessor: 'batch' });
  const sampledOutParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.NONE,
    isRemote: true,
  });
  const stats = await runInterleaved(sdkVariants(sampledOutParent), options);
  await tracing.forceFlush();
  await tracing.shutdown();
  const expected = (options.warmupRounds + options.rounds) * options.iterations * SAMPLED_VARIANTS_PER_ROUND;
  return { stats, spans: { expected, exported: exporter.exported } };
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  const info = machineInfo();
  const versions = stackVersions([...CORE_PACKAGES, 'nestjs-otel']);
  out(`nest-tracing micro-benchmark: ${JSON.stringify(info)}`);
  out(`versions: ${formatVersions(versions)}`);
  out(`${options.warmupRounds} warm-up rounds, then ${options.rounds} (SDK) / ${noSdkOptions.rounds} (no SDK) rounds`);
  out(`of ${options.iterations} calls per variant, all variants of a phase interleaved\n`);
  const phases: Record<string, { seconds: number; loadAverage1mAfter: number }> = {};
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const result = await run();
    phases[name] = { seconds: (Date.now() - start) / 1000, loadAverage1mAfter: Number(os.loadavg()[0].toFixed(2)) };
    out(`  ${name}: ${phases[name].seconds.toFixed(1)} s, load average ${phases[name].loadAverage1mAfter} after`);
    return result;
  };
  out('phase B (no SDK, child process)...');
  const noSdk = await timed('no-sdk', () => runPhaseInChild(import.meta.url, 'no-sdk'));
  out('phase A (SDK registered: batch processor + discarding exporter)...');
  const sdk = await timed('sdk', runSdkPhase);
  const rows = [...buildRows('sdk', sdk.stats), ...buildRows('no-sdk', noSdk)];
  const goals = evaluateGoals(rows);
  out(`\nmedian ns per call (p25-p75 over rounds); +ns = above the undecorated call in the same setting\n`);
  out(formatTable(rows));
  out('\nGoals');
  out(formatGoals(goals));
  out('\nReference figures');
  out(formatReferenceFigures(rows));
  const dropped = sdk.spans.expected - sdk.spans.exported;
  out(
    `\nspans exported: ${sdk.spans.exported} of ${sdk.spans.expected} expected${dropped ? ` (${dropped} DROPPED)` : ''}`,
  );
  const seconds = (Date.now() - started) / 1000;
  out(`total time: ${seconds.toFixed(1)} s`);
  const results = resultsDirectory();
  await mkdir(results, { recursive: true });
  const report = {
    machine: info,
    versions,
    options,
    noSdkOptions,
    phases,
    seconds,
    spans: sdk.spans,
    rows,
    goals,
    sink,
  };
  await writeFile(new URL('micro-latest.json', results), `${JSON.stringify(report, null, 2)}\n`);
  out(`written: ${fileURLToPath(new URL('micro-latest.json', results))}`);
}

await (argument('phase') === 'no-sdk' ? runNoSdkPhase() : main());
