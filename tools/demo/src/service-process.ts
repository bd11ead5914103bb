import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The repository root, from `tools/demo/dist/`. */
export const ROOT_DIR = resolve(import.meta.dirname, '../../..');
const MAX_OUTPUT_CHARS = 20_000;
const HEALTH_POLL_INTERVAL_MS = 100;
const HEALTH_REQUEST_TIMEOUT_MS = 1000;

/** A sample service running as its own Node.js process. */
export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>`, or `(Kafka only)` for a service without an HTTP server. */
  readonly url: string;
  /** What the process wrote to stdout and stderr (the last 20 000 characters). */
  output(): string;
  /**
   * Resolve once the service is ready: `GET /health` answers 200 or, for a service started with a `readyLine`,
   * its output matches that line. Reject if the process exits first or `timeoutMs` passes.
   */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** SIGTERM, then wait for the exit (the service flushes its spans on the way out); SIGKILL after `killAfterMs`. */
  stop(killAfterMs: number): Promise<void>;
  /** SIGKILL at once, without waiting (for `process.on('exit')`). */
  kill(): void;
}

/** A listening server on a port of 127.0.0.1 the system picks. */
function listenOnFreePort(): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

/**
 * `count` different TCP ports on 127.0.0.1 that were free a moment ago. They are held open together until all
 * are picked: a port closed and asked for again at once can come back, and two services would then share it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let index = 0; index < count; index += 1) servers.push(await listenOnFreePort());
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  }
}

/** Our environment without `OTEL_*` variables: the demo alone decides where the services' spans go. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** How to start a service. */
export interface SpawnServiceOptions {
  /** `PORT` for an HTTP service. Default: none (a Kafka service without an HTTP server). */
  readonly port?: number;
  /** More environment variables (upstream URLs, `KAFKA_BROKERS`, `OTEL_*`). */
  readonly env: Record<string, string>;
  /**
   * For a service without an HTTP server: ready once its output matches this line (such as
   * `/listening on Kafka/`) instead of once `GET /health` answers 200.
   */
  readonly readyLine?: RegExp;
}

/**
 * Start `node sample-services/<name>/dist/main.js` with `options.env` (and `PORT`), without waiting for it.
 * Throws if the service is not built.
 */
export function spawnService(name: string, options: SpawnServiceOptions): ServiceProcess {
  const { port, env, readyLine } = options;
  const url = port === undefined ? '(Kafka only)' : `http://127.0.0.1:${port}`;
  const main = resolve(ROOT_DIR, 'sample-services', name, 'dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: build the workspace first (npx tsc -b).`);
  const child = spawn(process.execPath, [main], {
    cwd: ROOT_DIR,
    env: { ...inheritedEnv(), ...(port === undefined ? {} : { PORT: String(port) }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let spawnError: Error | undefined;
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  child.on('error', (error) => {
    spawnError = error;
  });

  const isReady = readyLine ? async () => readyLine.test(output) : () => answersHealth(url);
  const readiness = readyLine ? `logged ${String(readyLine)}` : `answered ${url}/health`;
  const waitUntilReady = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await isReady())) {
      if (spawnError) throw new Error(`${name} could not be started: ${spawnError.message}`);
      if (exited(child)) {
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it ${readiness}.`);
      }
      if (Date.now() > deadline) throw new Error(`${name} had not ${readiness} within ${timeoutMs} ms.`);
      await delay(HEALTH_POLL_INTERVAL_MS);
    }
  };

  const stop = async (killAfterMs: number): Promise<void> => {
    if (exited(child) || child.pid === undefined) return;
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    try {
      await exit;
    } finally {
      clearTimeout(killer);
    }
  };

  const kill = (): void => {
    if (!exited(child)) child.kill('SIGKILL');
  };

  return { name, url, output: () => output, waitUntilReady, stop, kill };
}
