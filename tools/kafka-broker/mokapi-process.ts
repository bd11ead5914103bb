import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

const MAX_OUTPUT_CHARS = 20_000;

/**
 * mokapi's command line for a Kafka-only mock: the one AsyncAPI file, and none of its HTTP servers on a
 * fixed port. The API (no dashboard, no search index) listens on a port the system picks; health and MCP,
 * which default to :8080, are off. Two brokers started at once therefore collide on nothing but a Kafka port.
 */
function mokapiArguments(documentPath: string): string[] {
  return [
    '--providers-file-filename',
    documentPath,
    '--api-port',
    '0',
    '--api-dashboard',
    'false',
    '--api-search-enabled',
    'false',
    '--health-enabled',
    'false',
    '--mcp-server-enabled',
    'false',
  ];
}

/** Our environment without `MOKAPI_*` variables, through which mokapi would take settings from outside. */
function mokapiEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('MOKAPI_')));
}

/** A mokapi process serving one AsyncAPI file. */
export interface MokapiProcess {
  readonly pid: number | undefined;
  /** What mokapi wrote to stdout and stderr (the last 20 000 characters). */
  output(): string;
  /** Why the process is gone (`exit code 1`, `signal SIGKILL`, a spawn error), or undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM, wait for the exit, SIGKILL after `killAfterMs`. Resolves at once when it has already exited. */
  stop(killAfterMs: number): Promise<void>;
}

/**
 * Run the mokapi binary on an AsyncAPI file, in `cwd`. The process is killed with SIGKILL if this Node.js
 * process exits before {@link MokapiProcess.stop} (a test run that forgot to stop it, or was interrupted).
 */
export function spawnMokapi(binaryPath: string, documentPath: string, cwd: string): MokapiProcess {
  const child: ChildProcess = spawn(binaryPath, mokapiArguments(documentPath), {
    cwd,
    env: mokapiEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitReason: string | undefined;
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exitReason ??= `could not run ${binaryPath}: ${error.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitReason ??= signal === null ? `exit code ${code}` : `signal ${signal}`;
    });
    // 'close' follows 'exit' once stdout and stderr are drained, so output() then holds mokapi's last words.
    child.once('close', () => resolve());
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  return {
    pid: child.pid,
    output: () => output,
    exitReason: () => exitReason,
    async stop(killAfterMs: number): Promise<void> {
      if (exitReason !== undefined) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
