import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from '../machine-info.js';
import { argument } from '../micro/child-phase.js';
import { formatVersions } from '../versions.js';

/**
 * The same benchmarks on several Node versions, one after the other, each through the repository's
 * Node provisioning (`tools/node-runtime/with-node <v>`), and one table: a row per benchmark ratio, a
 * column per runtime. Usage (after `tsc -b`):
 *   node benchmarks/dist/runtimes/runtimes.bench.js [--node=22,24,26] [--only=micro,kafka,typeorm]
 *     [--quick] [--out=benchmarks/results/runtimes]
 * `--only` also takes `http` (about 9 minutes per runtime) and `memory`. `--quick` runs each benchmark
 * with a few rounds only: a smoke run, whose figures mean nothing. Each run's results file and log go
 * to `<out>/node-<v>/`, the table to `benchmarks/results/runtimes-latest.json` (to `<out>/` with `--out`).
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WITH_NODE = join(REPO, 'tools/node-runtime/with-node');
const dist = (path: string): string => join(REPO, 'benchmarks/dist', path);

type BenchmarkName = 'micro' | 'kafka' | 'typeorm' | 'http' | 'memory';

/** One figure of one run: a row of the table. */
interface Figure {
  label: string;
  value: number;
  /** How to print it: digits after the point, and a unit. */
  digits: number;
  unit: string;
}

interface Benchmark {
  script: string;
  nodeFlags: string[];
  results: string;
  /** A few rounds only, for a smoke run. */
  quickArgs: string[];
  figures: (report: Record<string, unknown>) => Figure[];
}

const ratio = (label: string, value: number): Figure => ({ label, value, digits: 3, unit: '' });

/* The result files' shapes, as far as the table reads them. */
interface MicroReport {
  goals: Array<{ goal: string; kind: string; value: number }>;
  rows: Array<{ id: string; phase: string; medianNs: number }>;
}
interface KafkaReport {
  summary: { untracedMedian: number; variants: Array<{ variant: string; ratio: number }> };
}
interface TypeormReport {
  summary: { untracedMedian: number; ratio: number; addedMicrosecondsPerQuery: number };
}
interface HttpReport {
  rows: Array<{
    setup: string;
    route: string;
    medianRps: number;
    rpsRatio?: number;
    bracketedRpsRatio?: number;
    medianWorkMs?: number;
  }>;
}
interface MemoryReport {
  verdicts: Array<{ variant: string; growthMb: number }>;
}

const BENCHMARKS: Record<BenchmarkName, Benchmark> = {
  micro: {
    script: dist('micro/traced-decorator.bench.js'),
    nodeFlags: ['--expose-gc'],
    results: 'micro-latest.json',
    quickArgs: ['--rounds=20', '--warmup=5', '--no-sdk-rounds=20'],
    figures: (report) => {
      const { goals, rows } = report as unknown as MicroReport;
      const handWritten = rows.find((r) => r.phase === 'sdk' && r.id === 'sync.hand-written');
      return [
        ...(handWritten
          ? [{ label: 'micro: hand-written recorded span, sync', value: handWritten.medianNs, digits: 0, unit: ' ns' }]
          : []),
        ...goals.map((g) => ({
          label: `micro: ${g.goal} [${g.kind}]`,
          value: g.value,
          digits: g.value >= 10 ? 0 : 3,
          unit: g.value >= 10 ? ' ns' : '',
        })),
      ];
    },
  },
  kafka: {
    script: dist('kafka/kafka-consume.bench.js'),
    nodeFlags: [],
    results: 'kafka-latest.json',
    quickArgs: ['--messages=1000', '--rounds=1', '--warmup=0'],
    figures: (report) => {
      const { summary } = report as unknown as KafkaReport;
      return [
        { label: 'kafka: untraced msg/s', value: summary.untracedMedian, digits: 0, unit: '' },
        ...summary.variants.map((v) => ratio(`kafka: ${v.variant} / untraced`, v.ratio)),
      ];
    },
  },
  typeorm: {
    script: dist('typeorm/typeorm-query.bench.js'),
    nodeFlags: [],
    results: 'typeorm-latest.json',
    quickArgs: ['--queries=500', '--rounds=1', '--warmup=0'],
    figures: (report) => {
      const { summary } = report as unknown as TypeormReport;
      return [
        { label: 'typeorm: untraced queries/s', value: summary.untracedMedian, digits: 0, unit: '' },
        ratio('typeorm: traced / untraced', summary.ratio),
        { label: 'typeorm: added per query', value: summary.addedMicrosecondsPerQuery, digits: 1, unit: ' µs' },
      ];
    },
  },
  http: {
    script: dist('macro/http-bench.js'),
    nodeFlags: [],
    results: 'http-latest.json',
    quickArgs: [
      '--rounds=1',
      '--duration=1',
      '--warmup=0.5',
      '--initial-warmup=1',
      '--quiet-timeout=5',
      '--retries=0',
      '--setups=untraced,nest-tracing',
    ],
    figures: (report) =>
      (report as unknown as HttpReport).rows.flatMap((row) => {
        if (row.rpsRatio === undefined) {
          return [{ label: `http /${row.route}: untraced req/s`, value: row.medianRps, digits: 0, unit: '' }];
        }
        const how = row.bracketedRpsRatio === undefined ? 'ratio of medians' : 'bracketed';
        return [ratio(`http /${row.route}: ${row.setup} (${how})`, row.bracketedRpsRatio ?? row.rpsRatio)];
      }),
  },
  memory: {
    script: dist('memory/memory.bench.js'),
    nodeFlags: ['--expose-gc'],
    results: 'memory-latest.json',
    quickArgs: ['--calls=100000', '--every=20000'],
    figures: (report) =>
      (report as unknown as MemoryReport).verdicts.map((v) => ({
        label: `memory: ${v.variant}, heap growth after the first sample`,
        value: v.growthMb,
        digits: 2,
        unit: ' MB',
      })),
  },
};

const runtimes = (argument('node') ?? '22,24,26').split(',');
const only = (argument('only') ?? 'micro,kafka,typeorm').split(',') as BenchmarkName[];
const quick = process.argv.includes('--quick');
const outArgument = argument('out');
const outDir = resolve(outArgument ?? join(REPO, 'benchmarks/results/runtimes'));
const summaryFile = outArgument
  ? join(outDir, 'runtimes-latest.json')
  : join(REPO, 'benchmarks/results/runtimes-latest.json');

const out = (text: string): boolean => process.stdout.write(`${text}\n`);
/** A path as printed: relative to the repository when inside it. */
const shown = (path: string): string => (path.startsWith(REPO) ? relative(REPO, path) : path);

interface Run {
  runtime: string;
  benchmark: BenchmarkName;
  exitCode: number | null;
  seconds: number;
  log: string;
  resultsFile: string;
  versions?: Record<string, string>;
  figures: Figure[];
}

/** One benchmark on one runtime: its output to a log file, its results file into the runtime's folder. */
async function runOne(runtime: string, name: BenchmarkName): Promise<Run> {
  const benchmark = BENCHMARKS[name];
  const folder = join(outDir, `node-${runtime}`);
  await mkdir(folder, { recursive: true });
  const log = join(folder, `${name}.log`);
  const resultsFile = join(folder, benchmark.results);
  const args = [runtime, 'node', ...benchmark.nodeFlags, benchmark.script, ...(quick ? benchmark.quickArgs : [])];
  const started = Date.now();
  const logStream = createWriteStream(log);
  const child = spawn(WITH_NODE, args, {
    cwd: REPO,
    env: { ...process.env, BENCH_RESULTS_DIR: folder },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  const exitCode = await new Promise<number | null>((done) => child.on('close', done));
  const seconds = (Date.now() - started) / 1000;
  const run: Run = { runtime, benchmark: name, exitCode, seconds, log, resultsFile, figures: [] };
  // a results file older than this run is another run's
  if (exitCode === 0 && existsSync(resultsFile)) {
    const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    const date = (report.machine as { date?: string } | undefined)?.date;
    if (!date || Date.parse(date) >= started - 1000) {
      run.versions = report.versions as Record<string, string> | undefined;
      run.figures = benchmark.figures(report);
    }
  }
  return run;
}

function formatTable(runs: Run[]): string {
  const labels: string[] = [];
  for (const run of runs) for (const f of run.figures) if (!labels.includes(f.label)) labels.push(f.label);
  const header = ['benchmark figure', ...runtimes.map((r) => versionOf(runs, r))];
  const cell = (runtime: string, label: string): string => {
    const figure = findFigure(runs, runtime, label);
    return figure ? `${figure.value.toFixed(figure.digits)}${figure.unit}` : '-';
  };
  const rows = labels.map((label) => [label, ...runtimes.map((runtime) => cell(runtime, label))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), '-'.repeat(line(header).length), ...rows.map(line)].join('\n');
}

function findFigure(runs: Run[], runtime: string, label: string): Figure | undefined {
  for (const run of runs.filter((r) => r.runtime === runtime)) {
    const figure = run.figures.find((f) => f.label === label);
    if (figure) return figure;
  }
  return undefined;
}

/** The column header: the exact Node version a run reported, else what was asked for. */
function versionOf(runs: Run[], runtime: string): string {
  const node = runs.find((r) => r.runtime === runtime && r.versions)?.versions?.node;
  return node ? `Node ${node}` : `Node ${runtime}`;
}

async function main(): Promise<void> {
  const unknown = only.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; one of ${Object.keys(BENCHMARKS).join(', ')}`);
  const started = Date.now();
  const info = machineInfo();
  out(`nest-tracing benchmarks across runtimes: ${JSON.stringify(info)}`);
  out(
    `runtimes: ${runtimes.join(', ')} (tools/node-runtime/with-node); benchmarks: ${only.join(', ')}${quick ? ' (--quick: smoke run, figures not comparable)' : ''}`,
  );
  out(`results and logs: ${shown(outDir)}/node-<v>/\n`);
  const runs: Run[] = [];
  // runtime by runtime: one runtime's figures come from one stretch of time
  for (const runtime of runtimes) {
    for (const name of only) {
      const run = await runOne(runtime, name);
      runs.push(run);
      const status = run.exitCode === 0 && run.figures.length > 0 ? 'ok' : `FAILED (exit ${run.exitCode})`;
      out(`  node ${runtime} ${name.padEnd(8)} ${status}, ${run.seconds.toFixed(0)} s, log ${shown(run.log)}`);
    }
  }
  const versions = runs.find((r) => r.versions)?.versions;
  out('');
  if (versions) out(`packages (the same install for every runtime): ${formatVersions(versions).split('; ')[1]}`);
  for (const runtime of runtimes) {
    const v = runs.find((r) => r.runtime === runtime && r.versions)?.versions;
    if (v) out(`node ${runtime}: Node ${v.node}, V8 ${v.v8}`);
  }
  out(`\n${formatTable(runs)}`);
  const seconds = (Date.now() - started) / 1000;
  out(`\ntotal time: ${seconds.toFixed(0)} s`);
  await mkdir(resolve(summaryFile, '..'), { recursive: true });
  const report = {
    benchmark: 'runtimes',
    machine: info,
    options: { runtimes, only, quick },
    seconds,
    runs: runs.map((r) => ({ ...r, log: shown(r.log), resultsFile: shown(r.resultsFile) })),
  };
  await writeFile(summaryFile, `${JSON.stringify(report, null, 2)}\n`);
  out(`written: ${shown(summaryFile)}`);
  if (runs.some((r) => r.exitCode !== 0 || r.figures.length === 0)) process.exitCode = 1;
}

await main();
