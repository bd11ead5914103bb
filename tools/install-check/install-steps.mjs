// The two installs into the scratch app, and what is asserted about the second: our tarballs beside the
// application's OpenTelemetry stack add no npm warning, no dependency problem and no OpenTelemetry copy.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNpm } from './npm-command.mjs';
import {
  compareInventories,
  copiesByName,
  listInstalledPackages,
  openTelemetryPackages,
} from './opentelemetry-inventory.mjs';

const PACK_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 600_000;
const LS_TIMEOUT_MS = 120_000;
const INSTALL_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];

/** Packs the workspaces into `destination`; returns the tarballs' paths. */
export async function packWorkspaces(repoRoot, workspaces, destination) {
  const args = ['pack', '--json', '--pack-destination', destination, ...workspaces.flatMap((w) => ['--workspace', w])];
  const result = await runNpm(args, { cwd: repoRoot, timeoutMs: PACK_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`npm pack failed (exit ${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout).map((entry) => join(destination, entry.filename));
}

async function install(appDir, specs) {
  const result = await runNpm(['install', '--save-exact', ...INSTALL_FLAGS, ...specs], {
    cwd: appDir,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (result.code !== 0)
    throw new Error(`npm install ${specs.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  const ls = await runNpm(['ls', '--all'], { cwd: appDir, timeoutMs: LS_TIMEOUT_MS });
  const installed = listInstalledPackages(appDir);
  return { ...result, ls, installed, openTelemetry: openTelemetryPackages(installed) };
}

/** Step A: the application's stack alone, in a fresh app. */
export function installStack(appDir, specs) {
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  return install(appDir, specs);
}

/** Step B: our tarballs on top of step A. */
export function installTarballs(appDir, tarballs) {
  return install(appDir, tarballs);
}

const warnLines = (stderr) =>
  stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^npm warn/i.test(line));

/** The failed assertions about step B (an empty list when all hold). */
export function assertInstallOfTarballs(stack, ours, ourScope) {
  const failures = [];
  const stderrBlock = `npm install stderr of our tarballs:\n${ours.stderr || '(empty)'}`;
  if (/ERESOLVE/.test(ours.stderr)) failures.push(`npm reported ERESOLVE.\n${stderrBlock}`);
  const peerWarnings = warnLines(ours.stderr).filter((line) => /peer/i.test(line));
  if (peerWarnings.length > 0) failures.push(`npm warned about peer dependencies.\n${stderrBlock}`);
  const stackWarnings = new Set(warnLines(stack.stderr));
  const newWarnings = warnLines(ours.stderr).filter((line) => !stackWarnings.has(line));
  if (newWarnings.length > 0 && peerWarnings.length === 0) {
    failures.push(`npm warned about something the stack alone did not:\n  ${newWarnings.join('\n  ')}\n${stderrBlock}`);
  }
  if (ours.ls.code !== 0) {
    failures.push(`npm ls --all exited ${ours.ls.code}:\n${ours.ls.stderr}\n${ours.ls.stdout.slice(-4000)}`);
  }
  const change = compareInventories(stack.openTelemetry, ours.openTelemetry, ourScope);
  const describe = (entries) => entries.map((e) => `  ${e.name}@${e.version} at ${e.path}`).join('\n');
  if (change.newVersions.length > 0) {
    failures.push(`our packages added OpenTelemetry versions the stack did not have:\n${describe(change.newVersions)}`);
  }
  for (const { name, before, after } of change.moreCopies) {
    failures.push(`our packages added a copy of ${name}: ${before} with the stack alone, ${after} after our install`);
  }
  if (change.insideOurs.length > 0) {
    failures.push(`OpenTelemetry packages installed inside our packages:\n${describe(change.insideOurs)}`);
  }
  const apiCopies = copiesByName(ours.openTelemetry).get('@opentelemetry/api') ?? [];
  if (apiCopies.length !== 1) {
    failures.push(`expected exactly one @opentelemetry/api, found ${apiCopies.length}:\n${describe(apiCopies)}`);
  }
  return { failures, warnings: warnLines(ours.stderr) };
}
