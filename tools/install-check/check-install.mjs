// npm run check:install — installs the packed tarballs of the eight packages into a scratch app beside
// OpenTelemetry's sdk-node and auto-instrumentations-node, and checks the install and the traces.
// Needs the packages built (`npm run build`) and the npm registry (or a warm npm cache). See README.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installStack, installTarballs, assertInstallOfTarballs, packWorkspaces } from './install-steps.mjs';
import { copiesByName, formatCopies, formatResolvedPeers } from './opentelemetry-inventory.mjs';
import { REQUESTS, runScratchApp } from './one-trace-per-request.mjs';
import { assertOneTracePerRequest } from './span-assertions.mjs';

const OUR_SCOPE = '@huleedu';
const WORKSPACES = [
  'packages/tracing',
  'packages/tracing-testing',
  'packages/tracing-kafka',
  'packages/tracing-typeorm',
  'packages/tracing-resilience',
  'packages/tracing-logging',
  'packages/tracing-cli',
  'packages/tracing-viewer',
];
/** The application's OpenTelemetry stack, at exact versions. */
const STACK = [
  '@opentelemetry/api@1.10.0',
  '@opentelemetry/sdk-node@0.301.0',
  '@opentelemetry/auto-instrumentations-node@0.82.0',
];
/** The rest of the stack at the ranges the repository develops against (its root devDependencies). */
const FROM_ROOT = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/microservices',
  'kafkajs',
  'typeorm',
  'pg',
  'reflect-metadata',
  'rxjs',
];

const here = import.meta.dirname;
const repoRoot = resolve(here, '../..');
const say = (text = '') => process.stdout.write(`${text}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function fail(message) {
  process.stderr.write(`check:install: ${message}\n`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  fail(
    `Node ${process.versions.node} is too old (the packages need >= 22.15): run tools/node-runtime/with-node 24 npm run check:install`,
  );
}
const unbuilt = WORKSPACES.filter((workspace) => !existsSync(join(repoRoot, workspace, 'dist', 'index.js')));
if (unbuilt.length > 0) fail(`${unbuilt.map((w) => `${w}/dist`).join(', ')} missing: run \`npm run build\` first.`);

const rootDevDependencies = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies;
const stackSpecs = [...STACK, ...FROM_ROOT.map((name) => `${name}@${rootDevDependencies[name]}`)];

const started = Date.now();
const workDir = mkdtempSync(join(tmpdir(), 'nest-tracing-install-check-'));
const appDir = join(workDir, 'app');
mkdirSync(appDir);
const failures = [];
try {
  say(`check:install in ${workDir} (KEEP_SCRATCH=1 keeps it)`);
  const tarballs = await packWorkspaces(repoRoot, WORKSPACES, workDir);
  say(`packed ${tarballs.length} tarballs`);

  const stack = await installStack(appDir, stackSpecs);
  say(
    `A. the stack alone: npm install ${stackSpecs.join(' ')} (${seconds(stack.ms)}), npm ls --all exit ${stack.ls.code}`,
  );
  const ours = await installTarballs(appDir, tarballs);
  say(`B. our tarballs on top (${seconds(ours.ms)}), npm ls --all exit ${ours.ls.code}`);

  const install = assertInstallOfTarballs(stack, ours, OUR_SCOPE);
  failures.push(...install.failures);
  say(`npm warnings during B:${install.warnings.length === 0 ? ' none' : `\n  ${install.warnings.join('\n  ')}`}`);
  const before = new Set(stack.installed.map((entry) => `${entry.name}@${entry.version} ${entry.path}`));
  const added = ours.installed.filter((entry) => !before.has(`${entry.name}@${entry.version} ${entry.path}`));
  say(`B added ${added.length} packages: ${added.map((entry) => `${entry.name}@${entry.version}`).join(', ')}`);
  say(
    `@opentelemetry packages installed: ${stack.openTelemetry.length} with the stack alone, ${ours.openTelemetry.length} after ours.`,
  );
  say("Copies per package with more than one, stack alone -> after our install. They are the stack's own:");
  say('OpenTelemetry packages pin each other exactly (3.1.0 nested under a hoisted 3.1.1), and');
  say(
    'auto-instrumentations-node 0.82.0 depends on sdk-node ^0.300.0, which brings a second SDK tree (0.300.x, 3.0.x).',
  );
  say(formatCopies(stack.openTelemetry, ours.openTelemetry));

  say(`The copies of its @opentelemetry peers that ${OUR_SCOPE}/nest-tracing resolves, beside sdk-node's:`);
  say(formatResolvedPeers(appDir, `${OUR_SCOPE}/nest-tracing`, '@opentelemetry/sdk-node'));
  if (copiesByName(ours.openTelemetry).get('@opentelemetry/api')?.length === 1) say('@opentelemetry/api: one copy.');

  const app = await runScratchApp(appDir, join(here, 'scratch-app'));
  const traces = assertOneTracePerRequest(REQUESTS, app.responses, app.spans);
  failures.push(...traces.failures);
  say(`one trace per request (${app.spans.length} spans exported):`);
  for (const line of traces.summary) say(`  ${line}`);
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (process.env.KEEP_SCRATCH === '1') say(`scratch app kept in ${appDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  process.stderr.write(`\ncheck:install FAILED (${failures.length}), after ${seconds(Date.now() - started)}:\n\n`);
  process.stderr.write(`${failures.map((failure, index) => `${index + 1}. ${failure}`).join('\n\n')}\n`);
  process.exit(1);
}
say(`\ncheck:install passed in ${seconds(Date.now() - started)}: no ERESOLVE, no peer warning, npm ls --all clean,`);
say('no OpenTelemetry copy or version added by our packages, one @opentelemetry/api, one trace per request.');
