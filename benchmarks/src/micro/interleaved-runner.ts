import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** One thing to measure: `run(n)` makes `n` calls and returns a value derived from their results. */
export interface Variant {
  id: string;
  label: string;
  run(iterations: number): number | Promise<number>;
}

export interface RunnerOptions {
  warmupRounds: number;
  rounds: number;
  /** Calls per variant per round. */
  iterations: number;
}

export interface VariantStats {
  id: string;
  label: string;
  /** Median over rounds of (batch time / iterations). */
  medianNs: number;
  p25Ns: number;
  p75Ns: number;
  rounds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
/** A full collection between rounds (untimed) now and then, so the old space never grows into one mid-batch. */
const GC_EVERY_ROUNDS = 10;

/** Everything the measured calls return ends up here, so no call can be optimised away. */
export let sink = 0;

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/**
 * Run every variant once per round, for a fixed batch of calls, starting each round one variant
 * further along so no variant always runs first or after the same neighbour. Drifts (CPU clock,
 * other load, heap growth) then hit all variants alike. Between batches the event loop gets a
 * turn, so the batch span processor can export what was queued (as it would in a server).
 */
export async function runInterleaved(variants: Variant[], options: RunnerOptions): Promise<VariantStats[]> {
  const samples = variants.map((): number[] => []);
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    if (round % GC_EVERY_ROUNDS === 0) gc?.();
    await yieldToEventLoop();
    for (let step = 0; step < variants.length; step++) {
      const index = (round + step) % variants.length;
      const variant = variants[index];
      const start = process.hrtime.bigint();
      let result = variant.run(options.iterations);
      if (typeof result !== 'number') result = await result;
      const elapsed = Number(process.hrtime.bigint() - start);
      sink = (sink + result) | 0;
      if (round >= options.warmupRounds) samples[index].push(elapsed / options.iterations);
      await yieldToEventLoop();
    }
  }
  return variants.map((variant, index) => {
    const sorted = samples[index].sort((a, b) => a - b);
    return {
      id: variant.id,
      label: variant.label,
      medianNs: quantile(sorted, 0.5),
      p25Ns: quantile(sorted, 0.25),
      p75Ns: quantile(sorted, 0.75),
      rounds: sorted.length,
    };
  });
}
