// What an install holds: every installed copy of every @opentelemetry/* package, found by walking
// node_modules (nested node_modules folders included), and which copy a package resolves by Node's rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const SCOPE = '@opentelemetry';

function readVersion(packageDir) {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
}

/** The package folders directly inside one node_modules folder (scoped ones included). */
function packageDirsIn(nodeModules) {
  const dirs = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
    const path = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(path, { withFileTypes: true })) {
        if (scoped.isDirectory()) dirs.push({ name: `${entry.name}/${scoped.name}`, dir: join(path, scoped.name) });
      }
    } else {
      dirs.push({ name: entry.name, dir: path });
    }
  }
  return dirs;
}

/** Every installed package under `appDir` (nested ones included): `{ name, version, path }`, path relative. */
export function listInstalledPackages(appDir) {
  const found = [];
  const walk = (nodeModules) => {
    for (const { name, dir } of packageDirsIn(nodeModules)) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      found.push({ name, version: readVersion(dir), path: relative(appDir, dir) });
      if (existsSync(join(dir, 'node_modules'))) walk(join(dir, 'node_modules'));
    }
  };
  walk(join(appDir, 'node_modules'));
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
}

/** The @opentelemetry/* packages of a list from listInstalledPackages. */
export const openTelemetryPackages = (packages) => packages.filter((entry) => entry.name.startsWith(`${SCOPE}/`));

/** name -> its copies, for a list from listInstalledPackages. */
export function copiesByName(packages) {
  const byName = new Map();
  for (const entry of packages) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  return byName;
}

/** The copy of `name` that code in `fromPath` (relative to appDir) imports, by Node's node_modules lookup. */
function resolveCopy(appDir, fromPath, name) {
  for (let dir = join(appDir, fromPath); dir.startsWith(appDir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      return { name, version: readVersion(candidate), path: relative(appDir, candidate) };
    }
    if (dir === appDir) break;
  }
  return undefined;
}

/**
 * What the second install changed: copies whose name@version the first lacked, names with more copies,
 * and copies installed inside one of our packages (which would be a private copy of our own).
 */
export function compareInventories(before, after, ourScope) {
  const known = new Set(before.map((entry) => `${entry.name}@${entry.version}`));
  const beforeCopies = copiesByName(before);
  return {
    newVersions: after.filter((entry) => !known.has(`${entry.name}@${entry.version}`)),
    moreCopies: [...copiesByName(after)]
      .filter(([name, copies]) => copies.length > (beforeCopies.get(name)?.length ?? 0))
      .map(([name, copies]) => ({ name, before: beforeCopies.get(name)?.length ?? 0, after: copies.length })),
    insideOurs: after.filter((entry) => entry.path.includes(`node_modules/${ourScope}/`)),
  };
}

/** One line per package that has more than one copy: `name  before -> after  (versions)`. */
export function formatCopies(before, after) {
  const beforeCopies = copiesByName(before);
  const afterCopies = copiesByName(after);
  const lines = [];
  for (const [name, copies] of afterCopies) {
    const was = beforeCopies.get(name) ?? [];
    if (copies.length < 2 && was.length < 2) continue;
    const versions = [...new Set(copies.map((copy) => copy.version))].sort().join(', ');
    lines.push(
      `  ${name.padEnd(48)} ${String(was.length).padStart(2)} -> ${String(copies.length).padEnd(3)} (${versions})`,
    );
  }
  const single = [...afterCopies].filter(
    ([name, copies]) => copies.length < 2 && (beforeCopies.get(name) ?? []).length < 2,
  );
  lines.push(`  ${single.length} other @opentelemetry packages: one copy each, before and after`);
  return lines.join('\n');
}

/** For each @opentelemetry peer of `ourPackage`: the copy it resolves, and whether `otherPackage` resolves the same. */
export function formatResolvedPeers(appDir, ourPackage, otherPackage) {
  const manifest = JSON.parse(readFileSync(join(appDir, 'node_modules', ourPackage, 'package.json'), 'utf8'));
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith(`${SCOPE}/`));
  const describe = (from, name) => {
    const found = resolveCopy(appDir, join('node_modules', from), name);
    return found ? `${found.version} (${found.path})` : 'not installed';
  };
  return peers
    .map((name) => {
      const [ours, other] = [describe(ourPackage, name), describe(otherPackage, name)];
      return `  ${name.padEnd(44)} ${ours}${ours === other ? ', the same copy' : `; ${otherPackage} has ${other}`}`;
    })
    .join('\n');
}
