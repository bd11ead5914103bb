// Runs a child process to completion with a time limit, collecting its output.
import { spawn } from 'node:child_process';
import { setTimeout, clearTimeout } from 'node:timers';

/**
 * Runs `command args` in `cwd`. Resolves with `{ code, stdout, stderr, ms }` whatever the exit code; rejects
 * only when the process cannot start or outlives `timeoutMs` (it is then killed with SIGKILL).
 */
export function runCommand(command, args, { cwd, timeoutMs, env = process.env }) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
