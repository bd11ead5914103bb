/**
 * The `/work` route's body: a CPU loop of a fixed number of iterations (an integer hash chain, so
 * nothing can be folded away). The harness calibrates the count once to about 1 ms and passes the
 * same count to every server, so every setup does exactly the same work per request.
 */
export function spin(iterations: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < iterations; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i;
    x = (x ^ (x >>> 12)) | 0;
  }
  return x;
}

/** Iterations of {@link spin} that take about `targetMs` here: median of several timed runs, after warm-up. */
export function calibrate(targetMs = 1): number {
  let iterations = 100_000;
  let sink = 0;
  for (let i = 0; i < 200; i++) sink ^= spin(10_000);
  for (let pass = 0; pass < 3; pass++) {
    const timings: number[] = [];
    for (let run = 0; run < 31; run++) {
      const start = process.hrtime.bigint();
      sink ^= spin(iterations);
      timings.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    timings.sort((a, b) => a - b);
    iterations = Math.max(1000, Math.round((iterations * targetMs) / timings[15]));
  }
  if (sink === 0.5) throw new Error('unreachable');
  return iterations;
}
