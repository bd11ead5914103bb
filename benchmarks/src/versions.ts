import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages every benchmark report names: the OpenTelemetry pieces nest-tracing runs on. */
export const CORE_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
];

/**
 * The HTTP benchmark's peers, as their setups load them. A `a > b` entry is `b` as `a` resolves it:
 * auto-instrumentations-node and sdk-node can bring their own copies (an older instrumentation-http
 * than the one the `instrumentation-http` setup loads; the sdk-trace NodeSDK runs on).
 */
export const HTTP_PEER_PACKAGES = [
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/auto-instrumentations-node',
  '@opentelemetry/auto-instrumentations-node > @opentelemetry/instrumentation-http',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-node > @opentelemetry/sdk-trace',
  'nestjs-otel',
];

/** The benchmarks package's folder: where its own imports resolve from. */
const BENCHMARKS_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * The folder of `name` as Node resolves it from `fromDir`: the first `node_modules/<name>` with a
 * package.json, walking up. Not `require.resolve('<name>/package.json')`, which a package's
 * `exports` can forbid.
 */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The installed version of `spec` (`name`, or `parent > name`: name as parent resolves it). */
function installedVersion(spec: string): string {
  let dir = BENCHMARKS_DIR;
  for (const name of spec.split(' > ')) {
    const found = packageDir(name, dir);
    if (!found) return 'not installed';
    dir = found;
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/**
 * The runtime and the installed versions of `packages` (default: {@link CORE_PACKAGES}) as this
 * benchmark resolves them, for the header of a report and its results file.
 */
export function stackVersions(packages: string[] = CORE_PACKAGES): Record<string, string> {
  return {
    node: process.version,
    v8: process.versions.v8,
    ...Object.fromEntries(packages.map((name) => [name, installedVersion(name)])),
  };
}

/** One line: `Node v24.22.3 (V8 ...); @opentelemetry/api 1.10.0, ...`. */
export function formatVersions(versions: Record<string, string>): string {
  const { node, v8, ...packages } = versions;
  const list = Object.entries(packages).map(([name, version]) => `${name} ${version}`);
  return `Node ${node} (V8 ${v8}); ${list.join(', ')}`;
}
