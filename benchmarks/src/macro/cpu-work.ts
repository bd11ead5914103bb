/**
 * The CPU loop: an integer hash chain whose every step depends on the one before, returned to the
 * caller, so nothing can be folded away or skipped. Only int32 operations (multiply, xor, shifts):
 * no add that can overflow, so no tier of V8 ever switches it to doubles (an add's overflow did:
 * optimised by Maglev alone the loop with `+ i` ran 7 times as slow as TurboFan's code, this one
 * under twice).
 */
function hashChain(iterations: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < iterations; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ i;
    x ^= x >>> 12;
  }
  return x;
}

type Loop = (iterations: number) => number;
/** Where {@link spin} reads the loop from: a field written more than once, so no compiler takes it for a constant. */
const slot: { loop: Loop } = { loop: hashChain };

function callThroughSlot(target: { loop: Loop }, iterations: number): number {
  return target.loop(iterations);
}

// The call in callThroughSlot sees other functions first (3000 calls: enough for V8 to have made
// the feedback vector that records them), so its call feedback is megamorphic for good: neither
// Maglev nor TurboFan inlines the loop into a caller, wherever spin is called from.
const others: Loop[] = [(n) => n | 0, (n) => ~n, (n) => n ^ 1];
for (let call = 0; call < 3000; call++) {
  slot.loop = others[call % others.length];
  callThroughSlot(slot, call);
}
slot.loop = hashChain;

/**
 * The `/work` route's body (and the Kafka benchmark's handler work): `iterations` steps of the hash
 * chain. Always the loop's own compiled code, never a copy inlined into the caller: a copy would be
 * compiled with the caller, at the caller's tier, so the same count would cost 1 ms in one server
 * and 3 or 7 ms in another depending on where the JIT was in each.
 */
export function spin(iterations: number): number {
  return callThroughSlot(slot, iterations);
}

/** Keeps every result observable, so no call can be optimised away. */
let sink = 0;

/** Microseconds: the process's CPU time (user + system), or wall time where that clock is too coarse. */
type Clock = { name: string; read: () => number };
const PROCESS_CPU: Clock = {
  name: 'process CPU time',
  read: () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  },
};
const WALL: Clock = { name: 'wall time', read: () => Number(process.hrtime.bigint()) / 1000 };

/**
 * The process's CPU time when it resolves a quarter-millisecond call (Linux's getrusage does, to
 * the microsecond; `process.threadCpuUsage()` there counts in scheduler ticks of 4 ms and reads 0),
 * else wall time. In an idle server the loop's thread is nearly all the process runs.
 */
function pickClock(): Clock {
  for (let call = 0; call < 5; call++) {
    const start = PROCESS_CPU.read();
    sink ^= spin(100_000);
    if (PROCESS_CPU.read() === start) return WALL;
  }
  return PROCESS_CPU;
}

/** What a process measured its own CPU loop at: see {@link calibrateWork}. */
export interface WorkCalibration {
  /** Iterations of {@link spin} per call, chosen to take `targetMs` of CPU. */
  iterations: number;
  targetMs: number;
  /** Median CPU time of one call at `iterations`, over every timed call of the check (ms). */
  msPerCall: number;
  /** The check: the median CPU time of each batch of calls at `iterations` (ms). */
  batchMs: number[];
  /** (largest - smallest batch median) / msPerCall. */
  spread: number;
  /** Median wall time of one call in the check (ms): above msPerCall when the machine was busy. */
  wallMsPerCall: number;
  /** Checks made until one was stable (at most {@link MAX_ATTEMPTS}); the best one is kept. */
  attempts: number;
  /** Whether the kept check met the test: batch medians within 5 % of each other, their median within 1.5 % of the target. */
  stable: boolean;
  clock: string;
  /** Wall time the warm-up, calibration and check took (ms). */
  tookMs: number;
}

/** Largest (max - min) / median of the check's batch medians for a stable calibration. */
const MAX_SPREAD = 0.05;
/** Largest distance of the check's median from the target, as a share of it, for a stable calibration. */
const MAX_OFF_TARGET = 0.015;
const MAX_ATTEMPTS = 4;
const BATCHES = 5;
const CALLS_PER_BATCH = 15;

/** CPU and wall ms of each of `calls` calls of spin(iterations). */
function timeCalls(clock: Clock, iterations: number, calls: number): { cpu: number[]; wall: number[] } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let call = 0; call < calls; call++) {
    const wallStart = process.hrtime.bigint();
    const cpuStart = clock.read();
    sink ^= spin(iterations);
    cpu.push((clock.read() - cpuStart) / 1000);
    wall.push(Number(process.hrtime.bigint() - wallStart) / 1e6);
  }
  return { cpu, wall };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Warm the loop up: many short calls first, so V8 optimises it as a whole function (entered at its
 * start, not only through on-stack replacement of a running loop), then long calls. Without the
 * short calls Node 24 can leave every long call in baseline code that on-stack-replaces into a
 * slower loop.
 */
function warmUp(): void {
  for (let call = 0; call < 20_000; call++) sink ^= spin(100 + (call & 7));
  for (let call = 0; call < 40; call++) sink ^= spin(100_000);
}

/**
 * Calibrate {@link spin} in this process to about `targetMs` of CPU per call: warm it up, scale the
 * count roughly to the median CPU time of a few calls, then check it with {@link BATCHES} batches
 * of {@link CALLS_PER_BATCH} timed calls. It is stable when the batch medians lie within
 * {@link MAX_SPREAD} of each other and the median of all within {@link MAX_OFF_TARGET} of the
 * target; otherwise the count is scaled by the check's median and checked again (at most
 * {@link MAX_ATTEMPTS} checks), and the best check is kept. CPU time, not wall time, so a call the
 * OS preempts for another process counts only what it ran.
 */
export function calibrateWork(targetMs = 1): WorkCalibration {
  const started = process.hrtime.bigint();
  warmUp();
  const clock = pickClock();
  // at most 2^30: the loop counts in int32
  const scaled = (iterations: number, msPerCall: number): number =>
    Math.min(2 ** 30, Math.max(1000, Math.round((iterations * targetMs) / Math.max(0.001, msPerCall))));
  let iterations = 100_000;
  for (let pass = 0; pass < 3; pass++) iterations = scaled(iterations, median(timeCalls(clock, iterations, 15).cpu));
  let best: Omit<WorkCalibration, 'tookMs' | 'attempts'> | undefined;
  const badness = (c: Omit<WorkCalibration, 'tookMs' | 'attempts'>): number =>
    Math.max(c.spread / MAX_SPREAD, Math.abs(c.msPerCall - targetMs) / targetMs / MAX_OFF_TARGET);
  let attempts = 0;
  while (attempts < MAX_ATTEMPTS && !best?.stable) {
    attempts++;
    const batches = Array.from({ length: BATCHES }, () => timeCalls(clock, iterations, CALLS_PER_BATCH));
    const batchMs = batches.map((b) => median(b.cpu));
    const msPerCall = median(batches.flatMap((b) => b.cpu));
    const spread = (Math.max(...batchMs) - Math.min(...batchMs)) / msPerCall;
    const check = {
      iterations,
      targetMs,
      msPerCall,
      batchMs,
      spread,
      wallMsPerCall: median(batches.flatMap((b) => b.wall)),
      stable: spread <= MAX_SPREAD && Math.abs(msPerCall - targetMs) <= MAX_OFF_TARGET * targetMs,
      clock: clock.name,
    };
    if (!best || badness(check) < badness(best)) best = check;
    iterations = scaled(iterations, msPerCall);
  }
  if (sink === 0.5) throw new Error('unreachable');
  return { ...best!, attempts, tookMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Iterations of {@link spin} that take about `targetMs` of CPU here (see {@link calibrateWork}). */
export function calibrate(targetMs = 1): number {
  return calibrateWork(targetMs).iterations;
}

/**
 * The `/work` calls of this process since {@link takeWorkTimes} last took them: the wall time of
 * each (ms), so a server can report what its loop cost under load. Wall, not CPU time: the process's
 * CPU time over one call would also count its GC threads marking in parallel, which traced setups
 * keep busier; the median leaves out the calls the OS preempted.
 */
let workTimes: number[] = [];

/** {@link spin}, its wall time recorded: the `/work` route's body in every setup. */
export function timedSpin(iterations: number): number {
  const start = process.hrtime.bigint();
  const result = spin(iterations);
  workTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  return result;
}

/** The `/work` calls since the last take: how many, and their median wall time (ms; 0 without calls). */
export function takeWorkTimes(): { calls: number; medianMs: number } {
  const taken = workTimes;
  workTimes = [];
  return { calls: taken.length, medianMs: taken.length === 0 ? 0 : median(taken) };
}
