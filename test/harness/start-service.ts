import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { assertServicesBuilt } from './build-failure.js';
import { freePort } from './free-port.js';

const ROOT_DIR = resolve(import.meta.dirname, '../..');
const MAX_OUTPUT_CHARS = 20_000;
const HEALTH_POLL_INTERVAL_MS = 100;
const KILL_AFTER_MS = 10_000;

/** A sample service running as its own Node.js process. */
export interface RunningService {
  readonly name: string;
  /** `http://127.0.0.1:<port>` (meaningful for HTTP services only). */
  readonly url: string;
  /** What the process wrote to stdout and stderr (the last 20 000 characters). */
  output(): string;
  /** SIGTERM, then wait for the exit (the service flushes its spans on the way out); SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** How to start a service. */
export interface StartServiceOptions {
  /** Port to listen on. Default: a free one. */
  port?: number;
  /** More environment variables (upstream URLs, `OTEL_*`). */
  env?: Record<string, string>;
  /** Longest wait for the service to be ready (an embedded PostgreSQL takes seconds to start). Default: 60 000 ms. */
  startTimeoutMs?: number;
  /**
   * For services without an HTTP server (Kafka consumers): ready once their output matches this line
   * (such as `/listening on Kafka/`) instead of once `GET /health` answers 200.
   */
  readyLine?: RegExp;
  /** The script to run, relative to the repository. Default: `sample-services/<name>/dist/main.js`. */
  script?: string;
  /** Node.js options before the script, such as `--import` of a preloaded instrumentation file. Default: none. */
  nodeArgs?: readonly string[];
}

/** The test's environment without `OTEL_*` variables: the suite decides alone where the services' spans go. */
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
 * Start `node sample-services/<name>/dist/main.js` (built by the global setup) with `PORT` and `env`,
 * and resolve once `GET /health` answers 200 (or, with `readyLine`, once the output matches it).
 * Rejects, with the process's output, if it exits first or is not ready in time.
 */
export async function startService(name: string, options: StartServiceOptions = {}): Promise<RunningService> {
  assertServicesBuilt();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const script = resolve(ROOT_DIR, options.script ?? `sample-services/${name}/dist/main.js`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    cwd: ROOT_DIR,
    env: { ...inheritedEnv(), PORT: String(port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const service: RunningService = { name, url, output: () => output, stop: () => stopProcess(child) };

  const readyLine = options.readyLine;
  const isReady = readyLine ? async () => readyLine.test(output) : () => answersHealth(url);
  const readiness = readyLine ? `logged ${String(readyLine)}` : `answered ${url}/health`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await isReady())) {
    if (exited(child)) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it ${readiness}:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${name} had not ${readiness} in time:\n${output}`);
    }
    await delay(HEALTH_POLL_INTERVAL_MS);
  }
  return service;
}
