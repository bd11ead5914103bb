import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Busy CPU time of the whole machine so far (all CPUs, from /proc/stat), in microseconds; undefined off Linux. */
export function machineBusyUs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: everything but idle and iowait, in USER_HZ (100/s).
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) * 10_000;
  } catch {
    return undefined;
  }
}

/** CPUs' worth of busy time on the machine over `ms` (1.0 = one CPU fully busy). */
export async function busyCpus(ms: number): Promise<number | undefined> {
  const before = machineBusyUs();
  const start = process.hrtime.bigint();
  await sleep(ms);
  const after = machineBusyUs();
  if (before === undefined || after === undefined) return undefined;
  return (after - before) / (Number(process.hrtime.bigint() - start) / 1000);
}

/**
 * Wait until the machine is quiet: busy below `maxCpus` over a 0.5 s sample, checked every 2 s, for at
 * most `timeoutMs`. Returns how long it waited and the last sample.
 */
export async function waitForQuiet(
  maxCpus: number,
  timeoutMs: number,
): Promise<{ waitedMs: number; busyCpus: number | undefined }> {
  const start = Date.now();
  for (;;) {
    const busy = await busyCpus(500);
    if (busy === undefined || busy <= maxCpus || Date.now() - start >= timeoutMs) {
      return { waitedMs: Date.now() - start, busyCpus: busy };
    }
    await sleep(2000);
  }
}
