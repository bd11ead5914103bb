import os from 'node:os';

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
