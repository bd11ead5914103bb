import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { HarnessMessage, ServerMessage, ServerReadyMessage, ServerSnapshot } from './http-server.js';
import type { FromLoadClient, LoadResult, ToLoadClient } from './load-client.js';
import type { ApplicationSetUp, Setup } from './setups.js';

const script = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
/** The preload of the instrumentation setups, given to `node --import`. */
export const REGISTER_SCRIPT = script('./instrumentation.register.js');
const SERVER_SCRIPT = script('./http-server.js');
const LOAD_CLIENT_SCRIPT = script('./load-client.js');
const READY_TIMEOUT_MS = 60_000;

/** The preloads of the setups that start an application's whole OpenTelemetry set-up file. */
const APPLICATION_SET_UP_SCRIPTS: Record<ApplicationSetUp, string> = {
  'node-sdk': script('./node-sdk.register.js'),
  'nestjs-otel-readme': script('./nestjs-otel.register.js'),
};

/** The `--import` preload of a setup's server, if it has one. */
export function preloadScript(setup: Setup): string | undefined {
  if (!Array.isArray(setup.preload)) return APPLICATION_SET_UP_SCRIPTS[setup.preload];
  return setup.preload.length > 0 ? REGISTER_SCRIPT : undefined;
}

/**
 * The headers each server's setup asks the load client to send (by the server's URL), so every
 * measurement and warm-up of that server carries them, whoever asks the load client for it.
 */
const requestHeadersByServer = new Map<string, Record<string, string>>();

function requestHeadersFor(url: string): Record<string, string> | undefined {
  return requestHeadersByServer.get(new URL(url).origin);
}

/** One setup's server process, started with its own flags, reached over its IPC channel. */
export class ServerProcess {
  readonly command: string[];
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, (snapshot: ServerSnapshot) => void>();

  private constructor(
    readonly setup: Setup,
    readonly port: number,
    workIterations: number | undefined,
  ) {
    const preload = preloadScript(setup);
    this.command = [
      ...(preload ? ['--import', preload] : []),
      SERVER_SCRIPT,
      `--setup=${setup.name}`,
      `--port=${port}`,
    ];
    // the setup's own environment variables (in the report's setup list) on top of the harness's
    // no count: the server calibrates /work's loop itself
    const work = workIterations === undefined ? [] : [`--work-iterations=${workIterations}`];
    this.child = spawn(process.execPath, [...this.command, ...work], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...setup.env },
    });
    if (setup.requestHeaders) requestHeadersByServer.set(this.url, setup.requestHeaders);
    this.child.on('message', (message: ServerMessage) => {
      if (message.type !== 'snapshot') return;
      this.pending.get(message.id)?.(message.snapshot);
      this.pending.delete(message.id);
    });
  }

  /** Start the server and wait until it listens; returns what it announced. */
  static async start(
    setup: Setup,
    port: number,
    workIterations?: number,
  ): Promise<[ServerProcess, ServerReadyMessage]> {
    const server = new ServerProcess(setup, port, workIterations);
    const ready = new Promise<ServerReadyMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${setup.name}: not ready after ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      server.child.once('exit', (code) => reject(new Error(`${setup.name}: server exited with ${code} before ready`)));
      server.child.on('message', (message: ServerMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
    });
    return [server, await ready];
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Flush the server's spans, then read its span counts, CPU and GC totals. */
  snapshot(): Promise<ServerSnapshot> {
    const id = this.nextId++;
    const answer = new Promise<ServerSnapshot>((resolve) => this.pending.set(id, resolve));
    this.child.send({ type: 'snapshot', id } satisfies HarnessMessage);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ type: 'stop' } satisfies HarnessMessage);
    await exited;
  }
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  warmupS: number;
}

/** The load-client process (autocannon), started once and reused for every measurement. */
export class LoadClient {
  private nextId = 0;

  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadClient {
    return new LoadClient(
      spawn(process.execPath, [LOAD_CLIENT_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
  }

  /**
   * One measurement: warm-up, then `betweenRuns()` (the harness reads the server's counters), then
   * the measured run. Returns the client's result.
   */
  run(url: string, options: LoadOptions, betweenRuns: () => Promise<void>): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise<LoadResult>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`load client exited with ${code}`));
      const onMessage = (message: FromLoadClient): void => {
        if (message.id !== id) return;
        if (message.type === 'warmed') {
          betweenRuns().then(() => this.child.send({ type: 'go', id } satisfies ToLoadClient), reject);
        } else {
          this.child.off('message', onMessage);
          this.child.off('exit', onExit);
          resolve(message.result);
        }
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      const headers = requestHeadersFor(url);
      this.child.send({ type: 'run', id, request: { url, ...options, headers } } satisfies ToLoadClient);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}
