import 'reflect-metadata';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { PerformanceObserver } from 'node:perf_hooks';
import { createBenchApp } from './bench-app.js';
import { CountingSpanExporter, PRELOADED_TRACING } from './counting.exporter.js';
import type { PreloadedTracing, SpanCounts } from './counting.exporter.js';
import { calibrateWork, takeWorkTimes } from './cpu-work.js';
import type { WorkCalibration } from './cpu-work.js';
import { argument, findSetup } from './setups.js';

/**
 * One setup's server, a child process of http-bench: `node [--import instrumentation.register.js]
 * http-server.js --setup=<name> --port=<p> [--work-iterations=<n>]`. Listens on 127.0.0.1 only. Over
 * the IPC channel it says when it is ready and answers `snapshot` (flush spans, then report span
 * counts, CPU time and GC time so far) and `stop`. Before it starts Nest it calibrates `/work`'s CPU
 * loop in its own process to about 1 ms (its JIT, not the harness's), and reports the calibration
 * in `ready`; `--work-iterations=<n>` fixes the count instead (no calibration).
 */

/** What the server reports on `snapshot`: totals since start, so the harness takes differences. */
export interface ServerSnapshot {
  spans: SpanCounts;
  cpuUserUs: number;
  cpuSystemUs: number;
  gcMs: number;
  gcCount: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The `/work` calls since the previous snapshot and their median wall time (ms): the loop under load. */
  work: { calls: number; medianMs: number };
}

/** What the server says once it listens. */
export interface ServerReadyMessage {
  type: 'ready';
  setup: string;
  port: number;
  workIterations: number;
  /** How this process calibrated its loop; none when `--work-iterations` fixed the count. */
  workCalibration: WorkCalibration | undefined;
  instrumentations: string[];
}

export type ServerMessage = ServerReadyMessage | { type: 'snapshot'; id: number; snapshot: ServerSnapshot };

export type HarnessMessage = { type: 'snapshot'; id: number } | { type: 'stop' };

const setup = findSetup(argument('setup'));
const port = Number(argument('port'));
const fixedIterations = argument('work-iterations');
// the same function, warmed up and calibrated the same way in every setup, before the setup's
// application exists (its preload, if any, has run)
const workCalibration = fixedIterations === undefined ? calibrateWork(1) : undefined;
const workIterations = workCalibration?.iterations ?? Number(fixedIterations);
const preloaded = (globalThis as Record<symbol, unknown>)[PRELOADED_TRACING] as PreloadedTracing | undefined;
if (setup.preload.length > 0 && !preloaded) {
  throw new Error(`setup ${setup.name} needs --import .../instrumentation.register.js`);
}
const exporter = preloaded?.exporter ?? new CountingSpanExporter();

let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });

/** Export what the batch processor still holds: the registered SDK provider's, whoever started it. */
async function flushSpans(): Promise<void> {
  if (preloaded) return preloaded.forceFlush();
  const global = trace.getTracerProvider();
  const provider = (global instanceof ProxyTracerProvider ? global.getDelegate() : global) as {
    forceFlush?: () => Promise<void>;
  };
  await provider.forceFlush?.();
}

async function snapshot(): Promise<ServerSnapshot> {
  await flushSpans();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    spans: exporter.counts(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    gcMs,
    gcCount,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    work: takeWorkTimes(),
  };
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

const app = await createBenchApp(setup, exporter, workIterations);
await app.listen(port, '127.0.0.1');

process.on('message', (message: HarnessMessage) => {
  if (message.type === 'snapshot') {
    void snapshot().then((s) => send({ type: 'snapshot', id: message.id, snapshot: s }));
  } else if (message.type === 'stop') {
    void app.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
send({
  type: 'ready',
  setup: setup.name,
  port,
  workIterations,
  workCalibration,
  instrumentations: preloaded?.instrumentations ?? [],
});
