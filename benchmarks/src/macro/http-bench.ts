import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { LoadClient, ServerProcess } from './child-processes.js';
import type { LoadOptions } from './child-processes.js';
import { spin } from './cpu-work.js';
import type { ServerSnapshot } from './http-server.js';
import {
  buildRows,
  evaluateGoals,
  formatGoals,
  formatReferenceFigures,
  formatTable,
  formatWorkLoops,
  median,
} from './http-report.js';
import type { Measurement, Route, WorkLoopSetup } from './http-report.js';
import { machineBusyUs, waitForQuiet } from './machine-load.js';
import { BASELINE_SETUP, SETUPS, argument, findSetup } from './setups.js';
import type { Setup } from './setups.js';
import type { SpanCounts } from './counting.exporter.js';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { CORE_PACKAGES, HTTP_PEER_PACKAGES, formatVersions, stackVersions } from '../versions.js';

/**
 * What tracing costs a Nest (Express) application per HTTP request: throughput and p99 latency of
 * one small app in five setups, each in its own server process, loaded by autocannon from another
 * process on 127.0.0.1. Usage: node http-bench.js [--rounds=5] [--bracket=true] [--duration=4] [--warmup=1]
 * [--connections=10] [--initial-warmup=3] [--port=3710] [--setups=a,b,...] [--routes=hello,work] [--max-other-cpus=0.25]
 * [--retries=2] [--quiet-timeout=120] [--work-iterations=N]. Each server calibrates /work's CPU loop
 * to about 1 ms in its own process; `--work-iterations` gives them all one fixed count instead.
 */
const rounds = Number(argument('rounds') ?? 5);
/** Measure untraced before and after every other setup, and compare each with those two (`--bracket=false`: not). */
const bracket = argument('bracket') !== 'false';
const load: LoadOptions = {
  connections: Number(argument('connections') ?? 10),
  durationS: Number(argument('duration') ?? 4),
  warmupS: Number(argument('warmup') ?? 1),
};
/** Seconds of unmeasured load per server and route before the first round, so the JIT has settled. */
const initialWarmupS = Number(argument('initial-warmup') ?? 3);
const basePort = Number(argument('port') ?? 3710);
const setups: Setup[] = argument('setups')?.split(',').map(findSetup) ?? SETUPS;
const routes = (argument('routes')?.split(',') ?? ['hello', 'work']) as Route[];
/**
 * Other load on the machine (CPUs' worth): a measurement waits for a quiet machine (a 0.5 s sample below
 * this, for at most `quiet-timeout` s), and is repeated (up to `retries` times) when other processes
 * used more than this during its measured run.
 */
const maxOtherCpus = Number(argument('max-other-cpus') ?? 0.25);
const retries = Number(argument('retries') ?? 2);
const quietTimeoutMs = Number(argument('quiet-timeout') ?? 120) * 1000;
/** One iteration count for every server's /work loop, instead of each calibrating its own (as before issue 13). */
const fixedWorkIterations = argument('work-iterations') === undefined ? undefined : Number(argument('work-iterations'));

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

/** The commit measured, and whether nest-tracing's sources differed from it (work in progress). */
function gitState(): { commit: string; tracingSourcesModified: boolean } | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      tracingSourcesModified: git('status', '--porcelain', '--', 'packages/tracing/src').length > 0,
    };
  } catch {
    return undefined;
  }
}

function spanDelta(after: SpanCounts, before: SpanCounts): SpanCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      Object.entries(a)
        .map(([key, value]) => [key, value - (b[key] ?? 0)] as const)
        .filter(([, value]) => value !== 0),
    );
  return {
    total: after.total - before.total,
    byKind: minus(after.byKind, before.byKind),
    byScope: minus(after.byScope, before.byScope),
  };
}

/** Every server answers both routes, and /work with the result of the loop at its own iteration count. */
async function checkRoutes(servers: ServerProcess[], loops: WorkLoopSetup[]): Promise<void> {
  for (const server of servers) {
    const iterations = loops.find((l) => l.setup === server.setup.name)!.iterations;
    const expected = { hello: { message: 'hello' }, work: { result: spin(iterations) } };
    for (const route of routes) {
      const response = await fetch(`${server.url}/${route}`);
      const body = await response.text();
      if (response.status !== 200 || body !== JSON.stringify(expected[route])) {
        throw new Error(`${server.setup.name} /${route}: ${response.status} ${body}`);
      }
    }
  }
}

async function measureOnce(
  client: LoadClient,
  server: ServerProcess,
  route: Route,
  round: number,
  position: number,
  sequence: number,
): Promise<Measurement> {
  let before: ServerSnapshot | undefined;
  let busyBefore: number | undefined;
  let harnessBefore = process.cpuUsage();
  let wallBefore = process.hrtime.bigint();
  const result = await client.run(`${server.url}/${route}`, load, async () => {
    before = await server.snapshot();
    harnessBefore = process.cpuUsage();
    busyBefore = machineBusyUs();
    wallBefore = process.hrtime.bigint();
  });
  const busyAfter = machineBusyUs();
  const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000;
  const harness = process.cpuUsage(harnessBefore);
  const after = await server.snapshot();
  if (!before) throw new Error('the load client never reported its warm-up');
  const requests = Math.max(1, result.requests);
  const cpuUs = after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs;
  const otherUs =
    busyAfter === undefined || busyBefore === undefined
      ? undefined
      : busyAfter - busyBefore - cpuUs - result.clientCpuUs - harness.user - harness.system;
  return {
    round,
    route,
    setup: server.setup.name,
    position,
    sequence,
    load: result,
    server: {
      spans: spanDelta(after.spans, before.spans),
      cpuUsPerRequest: cpuUs / requests,
      gcShare: (after.gcMs - before.gcMs) / (result.durationS * 1000),
      gcCount: after.gcCount - before.gcCount,
      rssMb: Math.round(after.rssBytes / 1e5) / 10,
      // the loop's median wall time over the measured run (the snapshot before took the warm-up's)
      ...(route === 'work' ? { workMs: after.work.medianMs } : {}),
    },
    otherCpus: otherUs === undefined ? undefined : Math.max(0, otherUs / wallUs),
    attempts: 1,
    waitedMs: 0,
  };
}

/** One measurement on a quiet machine: wait for quiet, measure, repeat if other load came meanwhile. */
async function measure(
  client: LoadClient,
  server: ServerProcess,
  route: Route,
  round: number,
  position: number,
  sequence: number,
): Promise<Measurement> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    const quiet = await waitForQuiet(maxOtherCpus, quietTimeoutMs);
    waitedMs += quiet.waitedMs;
    const m = await measureOnce(client, server, route, round, position, sequence);
    const noisy = m.otherCpus !== undefined && m.otherCpus > maxOtherCpus;
    if (!noisy || attempt > retries) return { ...m, attempts: attempt, waitedMs };
    out(`    (other load ${m.otherCpus!.toFixed(2)} CPUs during ${server.setup.name} /${route}: measuring again)`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const info = machineInfo();
  const git = gitState();
  const versions = stackVersions([...CORE_PACKAGES, ...HTTP_PEER_PACKAGES]);
  out(`nest-tracing HTTP benchmark: ${JSON.stringify(info)}`);
  out(`versions: ${formatVersions(versions)}`);
  out(`measuring commit ${git?.commit ?? '?'}${git?.tracingSourcesModified ? ' (packages/tracing/src modified)' : ''}`);
  out(
    `${rounds} rounds x ${routes.length} routes x ${setups.length} setups; each: ${load.warmupS} s warm-up + ${load.durationS} s, ${load.connections} connections`,
  );
  out(
    fixedWorkIterations === undefined
      ? '/work: each server calibrates its CPU loop to about 1 ms of CPU in its own process at start-up'
      : `/work: ${fixedWorkIterations} iterations of the CPU loop in every server (--work-iterations)`,
  );

  const servers: ServerProcess[] = [];
  const client = LoadClient.start();
  const commands: Record<string, string> = {};
  const workLoops: WorkLoopSetup[] = [];
  try {
    for (const [index, setup] of setups.entries()) {
      // each server calibrates its loop as it starts: on a quiet machine, one at a time
      await waitForQuiet(maxOtherCpus, quietTimeoutMs);
      const [server, ready] = await ServerProcess.start(setup, basePort + index, fixedWorkIterations);
      servers.push(server);
      commands[setup.name] = `node ${server.command.map((a) => a.replace(`${process.cwd()}/`, '')).join(' ')}`;
      workLoops.push({ setup: setup.name, iterations: ready.workIterations, calibration: ready.workCalibration });
      const { workCalibration: calibration, ...announced } = ready;
      const loop = calibration
        ? `/work loop ${calibration.iterations} iterations = ${calibration.msPerCall.toFixed(3)} ms (${calibration.clock}; ` +
          `batch medians ${calibration.batchMs.map((ms) => ms.toFixed(3)).join(' ')}, spread ${(calibration.spread * 100).toFixed(1)}%, ` +
          `${calibration.attempts} attempt(s)${calibration.stable ? '' : ', NOT STABLE'}, ${calibration.tookMs.toFixed(0)} ms)`
        : `/work loop ${ready.workIterations} iterations (fixed)`;
      out(`  started ${setup.name} on :${server.port} (${JSON.stringify(announced)}); ${loop}`);
    }
    await checkRoutes(servers, workLoops);
    if (initialWarmupS > 0) {
      out(`initial warm-up: ${initialWarmupS} s per server and route, not measured`);
      for (const server of servers) {
        for (const route of routes) {
          await client.run(
            `${server.url}/${route}`,
            { ...load, durationS: initialWarmupS, warmupS: 0 },
            async () => undefined,
          );
        }
      }
    }

    const measurements: Measurement[] = [];
    const loadAverages: number[] = [];
    const baselineServer = servers.find((s) => s.setup.name === BASELINE_SETUP);
    const traced = servers.filter((s) => s !== baselineServer);
    for (let round = 0; round < rounds; round++) {
      for (const [routeIndex, route] of routes.entries()) {
        const block = round * routes.length + routeIndex;
        // bracketed: untraced before and after every other setup (U A U B U ...), the others' order
        // moving one further each block; unbracketed: every setup once, in a moving order
        const order =
          bracket && baselineServer && traced.length > 0
            ? [baselineServer, ...traced.flatMap((_, i) => [traced[(block + i) % traced.length], baselineServer])]
            : servers.map((_, i) => servers[(block + i) % servers.length]);
        for (const [position, server] of order.entries()) {
          const m = await measure(client, server, route, round, position, measurements.length);
          measurements.push(m);
          loadAverages.push(os.loadavg()[0]);
          out(
            `  round ${round + 1}/${rounds} /${route} ${server.setup.name.padEnd(21)} ${m.load.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${m.load.latencyMs.p99.toFixed(2)} ms  ` +
              `cpu ${m.server.cpuUsPerRequest.toFixed(0)} us/req  other ${m.otherCpus?.toFixed(2) ?? '?'} CPUs  spans ${JSON.stringify(m.server.spans.byKind)}`,
          );
        }
      }
    }

    const rows = buildRows(
      measurements,
      setups.map((s) => s.name),
      routes,
    );
    const goals = evaluateGoals(rows);
    out(`\nmedians over ${rounds} rounds; ratio = median req/s / untraced median req/s on the same route,`);
    out(`range = per-round ratios; p99 x = median p99 / untraced median p99; spans per completed request\n`);
    out(formatTable(rows));
    out('\nGoals (nest-tracing)');
    out(formatGoals(goals));
    out('\nReference figures');
    out(formatReferenceFigures(rows));
    if (routes.includes('work')) {
      out("\n/work's CPU loop per setup: calibrated in each server at start-up (CPU ms per call), and its");
      out('median wall ms per request under load (median over the measurements), against untraced');
      out(formatWorkLoops(workLoops, rows));
    }
    const noisy = measurements.filter((m) => m.otherCpus !== undefined && m.otherCpus > maxOtherCpus);
    const other = measurements.flatMap((m) => (m.otherCpus === undefined ? [] : [m.otherCpus]));
    const repeated = measurements.filter((m) => m.attempts > 1).length;
    out(
      `\nother load during measured runs: median ${median(other).toFixed(3)}, max ${Math.max(...other).toFixed(3)} CPUs; ` +
        `${repeated} measurement(s) repeated, ${noisy.length} still above ${maxOtherCpus} CPUs`,
    );
    const seconds = (Date.now() - started) / 1000;
    out(`\ntotal time: ${seconds.toFixed(1)} s, load average ${os.loadavg()[0].toFixed(2)} after`);

    const results = resultsDirectory();
    await mkdir(results, { recursive: true });
    const report = {
      machine: info,
      versions,
      git,
      options: {
        rounds,
        bracket,
        ...load,
        initialWarmupS,
        routes,
        fixedWorkIterations: fixedWorkIterations ?? null,
        maxOtherCpus,
        retries,
        quietTimeoutMs,
      },
      setups: setups.map((s) => ({ ...s, command: commands[s.name] })),
      workLoops,
      seconds,
      loadAverage1m: { max: Math.max(...loadAverages), after: os.loadavg()[0] },
      otherLoad: { medianCpus: median(other), maxCpus: Math.max(...other), repeated, stillNoisy: noisy.length },
      rows,
      goals,
      measurements,
    };
    await writeFile(new URL('http-latest.json', results), `${JSON.stringify(report, null, 2)}\n`);
    out(`written: ${fileURLToPath(new URL('http-latest.json', results))}`);
  } finally {
    await Promise.all([client.stop(), ...servers.map((s) => s.stop())]);
  }
}

await main();
