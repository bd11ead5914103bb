// Runs the scratch app as a user would (`node --import ./instrumentation.mjs app.mjs`), sends it requests,
// stops it so that its NodeSDK flushes, and returns the requests and the spans it exported.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { cleanEnvironment } from './npm-command.mjs';

const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
const SCRATCH_APP_FILES = ['app.mjs', 'instrumentation.mjs', 'file-span-exporter.mjs'];

/** The requests sent: the second continues a caller's trace. */
export const REQUESTS = [
  { name: 'ada' },
  { name: 'grace', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  { name: 'linus' },
];

function get(port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves when `child` exits; after `timeoutMs` it is killed with SIGKILL. */
function exited(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function waitForReady(child, output) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the app did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', () => {
      const port = /^READY (\d+)$/m.exec(output())?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code ?? signal}) before it listened`));
    });
  });
}

/** Starts the app in `appDir`, sends REQUESTS, stops it; `{ responses, spans, output }`. */
export async function runScratchApp(appDir, sourceDir) {
  for (const file of SCRATCH_APP_FILES) copyFileSync(join(sourceDir, file), join(appDir, file));
  const spansFile = join(appDir, 'spans.jsonl');
  const env = {
    ...cleanEnvironment({ withoutOpenTelemetry: true }),
    SPANS_FILE: spansFile,
    OTEL_BSP_SCHEDULE_DELAY: '50',
  };
  const child = spawn(process.execPath, ['--import', './instrumentation.mjs', 'app.mjs'], { cwd: appDir, env });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  const output = () => text;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const port = await waitForReady(child, output);
    const responses = [];
    for (const { name, traceparent } of REQUESTS) {
      responses.push(await get(port, `/greet/${name}`, traceparent ? { traceparent } : {}));
    }
    child.kill('SIGTERM'); // the app's instrumentation.mjs shuts the SDK down, which flushes every span
    await exited(child, STOP_TIMEOUT_MS);
    const lines = existsSync(spansFile) ? readFileSync(spansFile, 'utf8').split('\n').filter(Boolean) : [];
    return { responses, spans: lines.map((line) => JSON.parse(line)), output };
  } catch (error) {
    error.message += `\nthe app's output:\n${output()}`;
    throw error;
  } finally {
    child.kill('SIGKILL');
    await exited(child, STOP_TIMEOUT_MS);
    process.off('exit', killOnExit);
  }
}
