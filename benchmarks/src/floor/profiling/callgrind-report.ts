import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultsDirectory } from '../../machine-info.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../../versions.js';
import { GOAL_RATIO } from '../floor-report.js';

/**
 * The instruction counts of `scripts/floor-instructions.sh`: per transport and variant, the
 * instructions per operation of each window (a callgrind dump each). A variant's figure is the median
 * over its windows; the minimum is given too, since what varies between windows of the same code only
 * adds (V8's compiler, which still optimises now and then after tens of thousands of operations, and
 * a full collection). The ratio is (nest-tracing - untraced) / (hand-written - untraced), of the
 * medians (the verdict), of the minima, and the median of the ratios of window i against window i
 * (so what drifts with the process's age, alike in the three, cancels).
 *   node benchmarks/dist/floor/profiling/callgrind-report.js <dump directory> <windows> <transport ...>
 */
const VARIANTS = ['untraced', 'hand-written', 'nest-tracing'] as const;
type Variant = (typeof VARIANTS)[number];

/** The instructions a callgrind dump counted (its `summary:` or `totals:` line). */
function instructionsIn(file: string): number {
  const line = /^(?:summary|totals): (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!line) throw new Error(`${file}: no summary line`);
  return Number(line[1]);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

interface VariantFigures {
  operationsPerWindow: number;
  /** Instructions per operation, per window. */
  windows: number[];
  median: number;
  min: number;
}

function variantFigures(directory: string, transport: string, variant: Variant, windows: number): VariantFigures {
  const base = join(directory, `${transport}.${variant}`);
  const done = /^done \S+ \S+ (\d+) operations/m.exec(readFileSync(`${base}.log`, 'utf8'));
  if (!done) throw new Error(`${base}.log: no 'done' line`);
  const operations = Number(done[1]);
  const perWindow: number[] = [];
  for (let window = 1; window <= windows; window++) {
    const file = `${base}.callgrind.${window}`;
    if (!existsSync(file)) throw new Error(`missing dump ${file}`);
    perWindow.push(Math.round(instructionsIn(file) / operations));
  }
  return {
    operationsPerWindow: operations,
    windows: perWindow,
    median: Math.round(median(perWindow)),
    min: Math.min(...perWindow),
  };
}

async function main(): Promise<void> {
  const [directory, windowsArgument, ...transports] = process.argv.slice(2);
  const windows = Number(windowsArgument);
  if (!directory || !(windows > 0) || transports.length === 0) {
    throw new Error('usage: callgrind-report.js <dump directory> <windows> <transport ...>');
  }
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  const rows = transports.map((transport) => {
    const figures = Object.fromEntries(
      VARIANTS.map((variant) => [variant, variantFigures(directory, transport, variant, windows)]),
    ) as Record<Variant, VariantFigures>;
    const added = (variant: Variant, key: 'median' | 'min') => figures[variant][key] - figures.untraced[key];
    const ratio = added('nest-tracing', 'median') / added('hand-written', 'median');
    // window i of one variant beside window i of the others: what drifts with the process's age cancels
    const paired = figures.untraced.windows.map((untraced, window) => {
      const hand = figures['hand-written'].windows[window] - untraced;
      return (figures['nest-tracing'].windows[window] - untraced) / hand;
    });
    return {
      transport,
      figures,
      added: { handWritten: added('hand-written', 'median'), nestTracing: added('nest-tracing', 'median') },
      ratio: Number(ratio.toFixed(3)),
      ratioOfMinima: Number((added('nest-tracing', 'min') / added('hand-written', 'min')).toFixed(3)),
      pairedRatios: paired.map((r) => Number(r.toFixed(3))),
      medianPairedRatio: Number(median(paired).toFixed(3)),
      goalMet: ratio <= GOAL_RATIO,
    };
  });
  const cell = (f: VariantFigures): string => `${f.median} (${f.min}-${Math.max(...f.windows)})`;
  out(formatVersions(stackVersions()));
  out('instructions per operation: median over windows (min-max)');
  out(
    `${'transport'.padEnd(18)} ${'untraced'.padStart(20)} ${'hand-written'.padStart(22)} ${'nest-tracing'.padStart(22)}` +
      ` ${'+hand'.padStart(8)} ${'+ours'.padStart(8)} ${'ours/hand'.padStart(9)} ${'of minima'.padStart(9)}` +
      ` ${'paired'.padStart(7)} ${'goal'.padStart(8)}`,
  );
  for (const row of rows) {
    out(
      `${row.transport.padEnd(18)} ${cell(row.figures.untraced).padStart(20)} ${cell(row.figures['hand-written']).padStart(22)}` +
        ` ${cell(row.figures['nest-tracing']).padStart(22)} ${String(row.added.handWritten).padStart(8)}` +
        ` ${String(row.added.nestTracing).padStart(8)} ${`${row.ratio.toFixed(2)}x`.padStart(9)}` +
        ` ${`${row.ratioOfMinima.toFixed(2)}x`.padStart(9)} ${`${row.medianPairedRatio.toFixed(2)}x`.padStart(7)}` +
        ` ${(row.goalMet ? 'met' : 'NOT MET').padStart(8)}`,
    );
  }
  const report = {
    what: 'instructions per operation (callgrind; node --single-threaded --no-memory-reducer; one process per variant)',
    date: new Date().toISOString(),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    versions: stackVersions([...CORE_PACKAGES, 'kafkajs', 'typeorm', '@nestjs/core', '@nestjs/platform-express']),
    extraArguments: process.env.EXTRA_ARGS ?? '',
    windows,
    operationsPerWindow: Object.fromEntries(
      rows.map((row) => [row.transport, row.figures.untraced.operationsPerWindow]),
    ),
    measure: 'median (and minimum) over windows of instructions / operations',
    goal: `ratio = (nest-tracing - untraced) / (hand-written - untraced) <= ${GOAL_RATIO}`,
    rows,
  };
  const results = resultsDirectory();
  await mkdir(results, { recursive: true });
  const file = new URL('floor-instructions-latest.json', results);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  out(`\nwritten: ${file.pathname}`);
}

await main();
