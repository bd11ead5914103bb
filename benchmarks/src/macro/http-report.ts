import type { SpanCounts } from './counting.exporter.js';
import type { WorkCalibration } from './cpu-work.js';
import type { LoadResult } from './load-client.js';
import { BASELINE_SETUP, PEER_SETUPS, SAMPLING_SETUPS } from './setups.js';

export type Route = 'hello' | 'work';

/** One autocannon measurement of one setup on one route, with the server's counters over it. */
export interface Measurement {
  round: number;
  route: Route;
  setup: string;
  /** Position of this setup within its block (0 = measured first). */
  position: number;
  /** Order of this measurement in the whole run (0 = first). */
  sequence: number;
  load: LoadResult;
  server: {
    /** Spans exported for the measured run only (warm-up excluded). */
    spans: SpanCounts;
    /** Server CPU time (user + system) per completed request, in microseconds. */
    cpuUsPerRequest: number;
    /** Share of the measured run's wall time the server spent in GC pauses. */
    gcShare: number;
    gcCount: number;
    rssMb: number;
    /** /work: the median wall time of the CPU loop per request during the measured run (ms). */
    workMs?: number;
  };
  /**
   * CPUs' worth of busy time on the machine during the measured run that was neither the server,
   * the load client nor the harness (from /proc/stat); undefined off Linux.
   */
  otherCpus: number | undefined;
  /** Attempts made (a run with too much other load is repeated) and time waited for a quiet machine. */
  attempts: number;
  waitedMs: number;
}

export interface Row {
  setup: string;
  route: Route;
  rounds: number;
  medianRps: number;
  medianP50Ms: number;
  medianP99Ms: number;
  /** autocannon's own p99 (whole ms), median over rounds. */
  medianAutocannonP99Ms: number;
  /** median requests/s over the untraced median on the same route (undefined for the baseline). */
  rpsRatio: number | undefined;
  p99Ratio: number | undefined;
  /**
   * Smallest and largest per-measurement throughput ratio, each against its untraced reference: the
   * mean of the untraced runs just before and after it when bracketed, else its round's untraced run.
   */
  rpsRatioRange: [number, number] | undefined;
  /** Median of the per-measurement ratios against the untraced runs that bracket each (undefined unbracketed). */
  bracketedRpsRatio: number | undefined;
  bracketedP99Ratio: number | undefined;
  medianCpuUsPerRequest: number;
  medianGcShare: number;
  /** /work: median over the measurements of the loop's median wall time per request (ms). */
  medianWorkMs: number | undefined;
  /** Spans per request over all rounds, by kind and in total. */
  serverSpansPerRequest: number;
  internalSpansPerRequest: number;
  spansPerRequest: number;
  spanScopes: Record<string, number>;
  errors: number;
}

export interface Goal {
  /** The setup the goal is about (nest-tracing, or one of its sampling setups). */
  subject: string;
  goal: string;
  route: Route;
  measured: string;
  value: number;
  limit: string;
  verdict: 'met' | 'not met' | 'not applicable';
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function sumCounts(target: Record<string, number>, source: Record<string, number>): void {
  for (const [key, value] of Object.entries(source)) target[key] = (target[key] ?? 0) + value;
}

/**
 * A measurement against the untraced runs on the same route measured just before and just after it
 * (in the same block): the mean of the two, so drift of the machine's speed that is steady over
 * the ~10 s between them cancels out. None when the run was not bracketed.
 */
function bracketOf(m: Measurement, baseline: Measurement[]): Array<{ rpsRatio: number; p99Ratio: number }> {
  const before = baseline.find((b) => b.sequence === m.sequence - 1);
  const after = baseline.find((b) => b.sequence === m.sequence + 1);
  if (!before || !after) return [];
  const mean = (pick: (b: Measurement) => number): number => (pick(before) + pick(after)) / 2;
  return [
    {
      rpsRatio: m.load.requestsPerSecond / mean((b) => b.load.requestsPerSecond),
      p99Ratio: m.load.latencyMs.p99 / mean((b) => b.load.latencyMs.p99),
    },
  ];
}

export function buildRows(measurements: Measurement[], setups: string[], routes: Route[]): Row[] {
  const rows: Row[] = [];
  for (const route of routes) {
    const baseline = measurements.filter((m) => m.route === route && m.setup === BASELINE_SETUP);
    const baselineRps = median(baseline.map((m) => m.load.requestsPerSecond));
    const baselineP99 = median(baseline.map((m) => m.load.latencyMs.p99));
    for (const setup of setups) {
      const own = measurements.filter((m) => m.route === route && m.setup === setup);
      if (own.length === 0) continue;
      const requests = own.reduce((sum, m) => sum + m.load.requests, 0);
      const byKind: Record<string, number> = {};
      const byScope: Record<string, number> = {};
      for (const m of own) {
        sumCounts(byKind, m.server.spans.byKind);
        sumCounts(byScope, m.server.spans.byScope);
      }
      const total = own.reduce((sum, m) => sum + m.server.spans.total, 0);
      const isBaseline = setup === BASELINE_SETUP || baseline.length === 0;
      const brackets = isBaseline ? [] : own.flatMap((m) => bracketOf(m, baseline));
      const roundRatios =
        brackets.length === own.length
          ? brackets.map((b) => b.rpsRatio)
          : own.flatMap((m) => {
              const reference = baseline.find((b) => b.round === m.round);
              return reference ? [m.load.requestsPerSecond / reference.load.requestsPerSecond] : [];
            });
      const bracketed = !isBaseline && brackets.length === own.length && own.length > 0;
      const medianRps = median(own.map((m) => m.load.requestsPerSecond));
      const medianP99Ms = median(own.map((m) => m.load.latencyMs.p99));
      rows.push({
        setup,
        route,
        rounds: own.length,
        medianRps,
        medianP50Ms: median(own.map((m) => m.load.latencyMs.p50)),
        medianP99Ms,
        medianAutocannonP99Ms: median(own.map((m) => m.load.autocannonLatencyMs.p99)),
        rpsRatio: isBaseline ? undefined : medianRps / baselineRps,
        p99Ratio: isBaseline ? undefined : medianP99Ms / baselineP99,
        rpsRatioRange: isBaseline ? undefined : [Math.min(...roundRatios), Math.max(...roundRatios)],
        bracketedRpsRatio: bracketed ? median(brackets.map((b) => b.rpsRatio)) : undefined,
        bracketedP99Ratio: bracketed ? median(brackets.map((b) => b.p99Ratio)) : undefined,
        medianCpuUsPerRequest: median(own.map((m) => m.server.cpuUsPerRequest)),
        medianGcShare: median(own.map((m) => m.server.gcShare)),
        medianWorkMs: route === 'work' ? median(own.flatMap((m) => m.server.workMs ?? [])) : undefined,
        serverSpansPerRequest: (byKind.SERVER ?? 0) / requests,
        internalSpansPerRequest: (byKind.INTERNAL ?? 0) / requests,
        spansPerRequest: total / requests,
        spanScopes: byScope,
        errors: own.reduce((sum, m) => sum + m.load.errors + m.load.timeouts + m.load.non2xx, 0),
      });
    }
  }
  return rows;
}

const OURS = 'nest-tracing';
/** /work: 0.97 since each server calibrates its own loop (issue 13); 0.95 before. */
const THROUGHPUT_GOALS: Record<Route, number> = { hello: 0.85, work: 0.97 };
const P99_GOAL = 1.1;
/** nest-tracing at 1 % head sampling and under a sampled-out parent, on the routes the issue names. */
const SAMPLING_GOAL = 0.95;
const SAMPLING_GOAL_ROUTES: Route[] = ['hello'];
/** What a setup's exported spans must look like for its goal to apply. */
const SAMPLING_SPANS: Record<string, { check: (row: Row) => boolean; expected: string }> = {
  'nest-tracing-1pct': {
    check: (row) => row.serverSpansPerRequest >= 0.003 && row.serverSpansPerRequest <= 0.03,
    expected: 'about 0.01 SERVER spans per request',
  },
  'nest-tracing-sampled-out-parent': {
    check: (row) => row.spansPerRequest === 0,
    expected: 'no spans',
  },
};

/** The bracketed throughput ratio when the run has one, else the ratio of medians, and which it is. */
function throughputRatio(row: Row): { value: number; how: string } {
  return row.bracketedRpsRatio === undefined
    ? { value: row.rpsRatio!, how: 'ratio of medians' }
    : { value: row.bracketedRpsRatio, how: 'bracketed' };
}

/** The issue's goals for nest-tracing's HTTP tracing; not applicable while it makes no SERVER spans. */
export function evaluateGoals(rows: Row[]): Goal[] {
  const goals: Goal[] = [];
  for (const row of rows.filter((r) => r.setup === OURS && r.rpsRatio !== undefined)) {
    const tracing = row.serverSpansPerRequest >= 0.99;
    const verdict = (met: boolean): Goal['verdict'] => (!tracing ? 'not applicable' : met ? 'met' : 'not met');
    const minimum = THROUGHPUT_GOALS[row.route];
    // bracketed ratios when the run has them (see bracketOf); the ratio of medians is printed too
    const rps = row.bracketedRpsRatio ?? row.rpsRatio!;
    const p99 = row.bracketedP99Ratio ?? row.p99Ratio!;
    const how = row.bracketedRpsRatio === undefined ? 'ratio of medians' : 'bracketed';
    goals.push({
      subject: OURS,
      goal: `throughput at least ${minimum} of untraced`,
      route: row.route,
      measured: `${rps.toFixed(3)} ${how} (ratio of medians ${row.rpsRatio!.toFixed(3)}, ${row.medianRps.toFixed(0)} req/s)`,
      value: rps,
      limit: `>= ${minimum}`,
      verdict: verdict(rps >= minimum),
    });
    goals.push({
      subject: OURS,
      goal: `p99 latency within ${P99_GOAL}x of untraced`,
      route: row.route,
      measured: `${p99.toFixed(3)}x ${how} (ratio of medians ${row.p99Ratio!.toFixed(3)}x, ${row.medianP99Ms.toFixed(2)} ms)`,
      value: p99,
      limit: `<= ${P99_GOAL}`,
      verdict: verdict(p99 <= P99_GOAL),
    });
  }
  return [...goals, ...samplingGoals(rows), ...peerGoals(rows)];
}

/** nest-tracing as high-traffic services run it: at 1 % head sampling, and under a sampled-out parent. */
function samplingGoals(rows: Row[]): Goal[] {
  return rows
    .filter(
      (r) => SAMPLING_SETUPS.includes(r.setup) && SAMPLING_GOAL_ROUTES.includes(r.route) && r.rpsRatio !== undefined,
    )
    .map((row) => {
      const { value, how } = throughputRatio(row);
      const spans = SAMPLING_SPANS[row.setup];
      const applies = spans === undefined || spans.check(row);
      const spanNote = applies
        ? `${row.serverSpansPerRequest.toFixed(4)} SERVER spans/req`
        : `${row.spansPerRequest.toFixed(4)} spans/req, expected ${spans.expected}`;
      return {
        subject: row.setup,
        goal: `throughput at least ${SAMPLING_GOAL} of untraced`,
        route: row.route,
        measured: `${value.toFixed(3)} ${how} (ratio of medians ${row.rpsRatio!.toFixed(3)}, ${row.medianRps.toFixed(0)} req/s, ${spanNote})`,
        value,
        limit: `>= ${SAMPLING_GOAL}`,
        verdict: !applies ? 'not applicable' : value >= SAMPLING_GOAL ? 'met' : 'not met',
      };
    });
}

/**
 * "Ahead of both on every route": nest-tracing's throughput ratio above each peer's, on each route
 * (bracketed when both have one). Not applicable when either made no SERVER span per request.
 */
function peerGoals(rows: Row[]): Goal[] {
  const goals: Goal[] = [];
  for (const ours of rows.filter((r) => r.setup === OURS && r.rpsRatio !== undefined)) {
    for (const peer of PEER_SETUPS) {
      const theirs = rows.find((r) => r.setup === peer && r.route === ours.route);
      if (!theirs || theirs.rpsRatio === undefined) continue;
      const both = ours.bracketedRpsRatio !== undefined && theirs.bracketedRpsRatio !== undefined;
      const a = both ? ours.bracketedRpsRatio! : ours.rpsRatio!;
      const b = both ? theirs.bracketedRpsRatio! : theirs.rpsRatio;
      const tracing = ours.serverSpansPerRequest >= 0.99 && theirs.serverSpansPerRequest >= 0.99;
      const ranges =
        ours.rpsRatioRange && theirs.rpsRatioRange
          ? `; ranges ${ours.rpsRatioRange.map((v) => v.toFixed(2)).join('-')} and ${theirs.rpsRatioRange.map((v) => v.toFixed(2)).join('-')}`
          : '';
      goals.push({
        subject: OURS,
        goal: `ahead of ${peer} on /${ours.route}`,
        route: ours.route,
        measured:
          `${a.toFixed(3)} against ${b.toFixed(3)} ${both ? 'bracketed' : 'ratio of medians'}${ranges}; ` +
          `CPU ${ours.medianCpuUsPerRequest.toFixed(0)} against ${theirs.medianCpuUsPerRequest.toFixed(0)} us/req; ` +
          `spans/req ${ours.spansPerRequest.toFixed(2)} against ${theirs.spansPerRequest.toFixed(2)}`,
        value: a - b,
        limit: `> ${peer}`,
        verdict: !tracing ? 'not applicable' : a > b ? 'met' : 'not met',
      });
    }
  }
  return goals;
}

/** Hello-world throughput ratios from the issue, for this machine kind. */
export const ISSUE_HELLO_RATIOS: Record<string, number> = {
  'auto-instrumentation': 0.5,
  'nestjs-otel': 0.38,
  'instrumentation-http': 0.72,
};

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const ratio = (value: number | undefined, digits = 2): string => (value === undefined ? '-' : value.toFixed(digits));

export function formatTable(rows: Row[]): string {
  const setupWidth = Math.max(21, ...rows.map((r) => r.setup.length));
  const columns: Array<[string, number, (r: Row) => string]> = [
    ['route', 6, (r) => r.route],
    ['setup', setupWidth, (r) => r.setup],
    ['req/s', 7, (r) => r.medianRps.toFixed(0)],
    ['ratio', 6, (r) => ratio(r.rpsRatio)],
    ['bracketed', 9, (r) => ratio(r.bracketedRpsRatio, 3)],
    ['range', 10, (r) => (r.rpsRatioRange ? r.rpsRatioRange.map((v) => v.toFixed(2)).join('-') : '-')],
    ['p50 ms', 7, (r) => r.medianP50Ms.toFixed(2)],
    ['p99 ms', 7, (r) => r.medianP99Ms.toFixed(2)],
    ['p99 x', 6, (r) => ratio(r.p99Ratio)],
    ['p99 x br.', 9, (r) => ratio(r.bracketedP99Ratio, 3)],
    ['cpu us/req', 10, (r) => r.medianCpuUsPerRequest.toFixed(0)],
    ['gc %', 5, (r) => (r.medianGcShare * 100).toFixed(1)],
    ['loop ms', 7, (r) => (r.medianWorkMs === undefined ? '-' : r.medianWorkMs.toFixed(3))],
    ['SERVER/req', 10, (r) => r.serverSpansPerRequest.toFixed(2)],
    ['INTERNAL/req', 12, (r) => r.internalSpansPerRequest.toFixed(2)],
    ['spans/req', 9, (r) => r.spansPerRequest.toFixed(2)],
  ];
  const header = columns.map(([name, width], i) => pad(name, width, i > 1)).join('  ');
  const lines = rows.map((row) => columns.map(([, width, cell], i) => pad(cell(row), width, i > 1)).join('  '));
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

export function formatGoals(goals: Goal[]): string {
  return goals
    .map(
      (g) =>
        `${pad(g.verdict.toUpperCase(), 14)} [${pad(g.route, 5)}] ${g.subject} ${g.goal}: ${g.measured} (${g.limit})`,
    )
    .join('\n');
}

export function formatReferenceFigures(rows: Row[]): string {
  return Object.entries(ISSUE_HELLO_RATIOS)
    .filter(([setup]) => rows.some((r) => r.setup === setup && r.route === 'hello'))
    .map(([setup, issue]) => {
      const row = rows.find((r) => r.setup === setup && r.route === 'hello');
      const bracketed = row?.bracketedRpsRatio === undefined ? '' : `, bracketed ${ratio(row.bracketedRpsRatio)}`;
      return `hello, ${pad(setup, 21)} throughput ratio ${ratio(row?.rpsRatio)}${bracketed}   (issue: ${issue.toFixed(2)})`;
    })
    .join('\n');
}

/** How one server set up `/work`'s loop, from its ready message. */
export interface WorkLoopSetup {
  setup: string;
  iterations: number;
  calibration: WorkCalibration | undefined;
}

/**
 * One line per setup: the iterations its server calibrated, the CPU ms per call it measured (and the
 * spread of its check's batch medians), and what the loop cost per request under load (the median
 * over the measurements of each one's median), against untraced's.
 */
export function formatWorkLoops(loops: WorkLoopSetup[], rows: Row[]): string {
  const width = Math.max(21, ...loops.map((l) => l.setup.length));
  const baseline = rows.find((r) => r.setup === BASELINE_SETUP && r.route === 'work')?.medianWorkMs;
  const header = `${pad('setup', width)}  ${pad('iterations', 10, true)}  ${pad('calibrated ms', 13, true)}  ${pad('spread', 6, true)}  ${pad('attempts', 8, true)}  ${pad('under load ms', 13, true)}  ${pad('x untraced', 10, true)}`;
  const lines = loops.map(({ setup, iterations, calibration }) => {
    const underLoad = rows.find((r) => r.setup === setup && r.route === 'work')?.medianWorkMs;
    const cells = [
      pad(setup, width),
      pad(String(iterations), 10, true),
      pad(calibration ? calibration.msPerCall.toFixed(3) : 'fixed', 13, true),
      pad(calibration ? `${(calibration.spread * 100).toFixed(1)}%` : '-', 6, true),
      pad(calibration ? `${calibration.attempts}${calibration.stable ? '' : '!'}` : '-', 8, true),
      pad(underLoad === undefined ? '-' : underLoad.toFixed(3), 13, true),
      pad(underLoad === undefined || !baseline ? '-' : (underLoad / baseline).toFixed(3), 10, true),
    ];
    return cells.join('  ');
  });
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}
