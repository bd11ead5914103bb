import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Same name as in `build-failure.ts`. Jest loads this file on its own, without the module mapping that
 * lets specs import `.ts` files as `.js`, so it imports nothing from the harness.
 */
const BUILD_FAILURE_ENV = 'E2E_BUILD_FAILURE';
/** The services the end-to-end suites run from `dist/`. */
const SERVICES = [
  'sample-services/api-gateway',
  'sample-services/file-service',
  'sample-services/content-service',
  'sample-services/essay-lifecycle-service',
  'sample-services/spellchecker-service',
  'test/fixtures/otel-setups',
  'test/commonjs/fixture',
  // The viewer's specs run its CLI from dist/, and its page inlines the browser script built into dist/browser.
  'packages/tracing-viewer',
];
const MAX_REPORTED_OUTPUT = 4000;

/**
 * Jest global setup: builds the sample services (and the packages they reference) with `tsc -b`, so
 * `npm test` works on a fresh clone. Incremental: after `npm run build` it only checks that the
 * outputs are up to date. A failed build does not stop the run (the unit specs need no build): the
 * compiler's output goes to the test processes in `E2E_BUILD_FAILURE`, and the end-to-end suites
 * fail with it.
 */
export default async function buildSampleServices(): Promise<void> {
  const rootDir = resolve(import.meta.dirname, '../..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-b', ...SERVICES], {
      cwd: rootDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    delete process.env[BUILD_FAILURE_ENV];
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    const output = `${stdout}${stderr}`.trim() || message;
    process.env[BUILD_FAILURE_ENV] =
      `tsc -b ${SERVICES.join(' ')} failed:\n${output.length > MAX_REPORTED_OUTPUT ? `…${output.slice(-MAX_REPORTED_OUTPUT)}` : output}`;
  }
}
