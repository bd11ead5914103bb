import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VariantStats } from './interleaved-runner.js';

/** The value of `--name=value` on the command line. */
export function argument(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** What a child phase prints as its last line of stdout. */
export function reportPhase(stats: VariantStats[], sink: number): void {
  process.stdout.write(`${JSON.stringify({ stats, sink })}\n`);
}

/**
 * Run `script` again in a fresh Node process (same flags, same arguments) with `--phase=<phase>`,
 * and return the stats it reports. Used for the phase without an SDK: a tracer provider, once
 * registered, cannot be taken away cleanly.
 */
export function runPhaseInChild(scriptUrl: string, phase: string): Promise<VariantStats[]> {
  const passThrough = process.argv.slice(2).filter((a) => !a.startsWith('--phase='));
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(scriptUrl), `--phase=${phase}`, ...passThrough],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`phase ${phase} exited with ${code}`));
      resolve((JSON.parse(output.trim().split('\n').pop()!) as { stats: VariantStats[] }).stats);
    });
  });
}
