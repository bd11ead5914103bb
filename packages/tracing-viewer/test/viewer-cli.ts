import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

/** The built CLI (jest's global setup builds the package). */
export const CLI = resolve(import.meta.dirname, '../dist/cli.js');

/** `nest-tracing-viewer <args>` as a process, its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exit(): Promise<number | null>;
}

export function runCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exit: () => exited };
}

/** Resolves with the first match of `pattern` in the process's stdout; rejects if the process exits first. */
export function waitForOutput(cli: CliProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = cli.output().match(pattern);
      if (match) {
        cli.child.stdout!.off('data', check);
        resolve(match);
      }
    };
    cli.child.stdout!.on('data', check);
    cli.child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${cli.output()}`)));
    check();
  });
}
