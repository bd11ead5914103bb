import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository's root directory (from `benchmarks/dist/workload/`). */
export const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));

const MAX_OUTPUT_CHARS = 20_000;
const READY_POLL_MS = 100;
const KILL_AFTER_MS = 10_000;

/** A sample service running as its own Node.js process (as `test/harness/start-service.ts` runs them). */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` (meaningful for HTTP services only). */
  readonly url: string;
  /** The last 20 000 characters the process wrote. */
  output(): string;
  /** SIGTERM (the service flushes its spans), then wait for the exit; SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  port?: number;
  env: Record<string, string>;
  /** Ready once the output matches this line (Kafka consumers) instead of once `GET /health` answers 200. */
  readyLine?: RegExp;
  startTimeoutMs?: number;
}

/** CPU time (user + system) a process has used so far, in microseconds, from /proc; undefined if unreadable. */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after "(comm)": state is field 3, utime 14 and stime 15 (in USER_HZ, 100 per second)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** The environment without `OTEL_*` variables: the benchmark alone decides how the services trace. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const exit = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  try {
    await exit;
  } finally {
    clearTimeout(killer);
  }
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Run `node sample-services/<name>/dist/main.js` (built by `tsc -b`) with `PORT` and `env`, with this
 * process's Node.js, and resolve once it is ready. Rejects with its output if it exits first or is
 * not ready in time.
 */
export async function startServiceProcess(name: string, options: ServiceProcessOptions): Promise<ServiceProcess> {
  const url = `http://127.0.0.1:${options.port ?? 0}`;
  const child = spawn(process.execPath, [`${ROOT_DIR}sample-services/${name}/dist/main.js`], {
    cwd: ROOT_DIR,
    env: { ...inheritedEnv(), ...(options.port ? { PORT: String(options.port) } : {}), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const service: ServiceProcess = {
    name,
    pid: child.pid ?? -1,
    url,
    output: () => output,
    stop: () => stopProcess(child),
  };
  const readyLine = options.readyLine;
  const isReady = readyLine ? async () => readyLine.test(output) : () => answersHealth(url);
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (!(await isReady())) {
    if (exited(child))
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${name} was not ready in time:\n${output}`);
    }
    await sleep(READY_POLL_MS);
  }
  return service;
}
