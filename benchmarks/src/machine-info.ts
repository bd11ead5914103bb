import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The machine a benchmark ran on, written next to its results. */
export function machineInfo(): Record<string, string | number> {
  return {
    cpus: os.availableParallelism(),
    model: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

/**
 * The folder a benchmark writes its `*-latest.json` to: `benchmarks/results/`, or `$BENCH_RESULTS_DIR`
 * when set (`npm run bench:runtimes` gives each runtime its own, so the committed results stay).
 */
export function resultsDirectory(): URL {
  const override = process.env.BENCH_RESULTS_DIR;
  return override ? pathToFileURL(`${resolve(override)}/`) : new URL('../results/', import.meta.url);
}
