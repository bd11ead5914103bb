import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** Folders that never hold a service's production code. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'coverage', 'test', 'tests', '__tests__', 'e2e']);
const SOURCE_FILE = /\.(ts|mts|cts|tsx)$/;
const NOT_PRODUCTION = /(\.d\.[mc]?ts|\.(spec|test|e2e-spec)\.[mc]?tsx?)$/;

/** A folder with a package.json (or the analysed folder itself), and its own TypeScript sources. */
export interface PackageFolder {
  directory: string;
  name: string;
  /** `name` of its package.json, if any. */
  packageName?: string;
  /** Where the package's sources start (for resolving it by name to sources), if known. */
  sourceEntry?: string;
  /** Its production TypeScript files, without those of nested packages, specs and declarations. */
  files: string[];
}

function readPackageJson(directory: string): Record<string, unknown> | undefined {
  const file = join(directory, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The source file a workspace package's published entry comes from: `dist/index.d.ts` or
 * `dist/index.js` is built from `src/index.ts`; else `src/index.ts` itself when it exists.
 */
function sourceEntryOf(directory: string, manifest: Record<string, unknown>): string | undefined {
  const published = [manifest.types, manifest.typings, manifest.main].filter((v): v is string => typeof v === 'string');
  for (const entry of published) {
    const parts = entry.replace(/^\.\//, '').split('/');
    if (parts[0] === 'dist' || parts[0] === 'build' || parts[0] === 'lib') parts[0] = 'src';
    const candidate = join(directory, parts.join('/')).replace(/(\.d)?\.[mc]?[jt]s$/, '.ts');
    if (existsSync(candidate)) return candidate;
  }
  const fallback = join(directory, 'src', 'index.ts');
  return existsSync(fallback) ? fallback : undefined;
}

function walk(directory: string, isRoot: boolean, packages: PackageFolder[], owner: PackageFolder): void {
  let current = owner;
  const manifest = readPackageJson(directory);
  if (manifest && !isRoot) {
    current = { directory, name: basename(directory), files: [] };
    packages.push(current);
  }
  if (manifest) {
    if (typeof manifest.name === 'string') current.packageName = manifest.name;
    current.sourceEntry = sourceEntryOf(directory, manifest);
  }
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) walk(path, false, packages, current);
    } else if (SOURCE_FILE.test(entry.name) && !NOT_PRODUCTION.test(entry.name)) {
      current.files.push(path);
    }
  }
}

/**
 * The packages under `path`: the folder itself (an application, or a monorepo's root) and every
 * folder below it with a package.json. Each keeps only its own files; a nested package's files are
 * its own, not its parent's.
 */
export function discoverPackages(path: string): PackageFolder[] {
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const rootFolder: PackageFolder = { directory: root, name: basename(root), files: [] };
  const packages: PackageFolder[] = [rootFolder];
  walk(root, true, packages, rootFolder);
  return packages.filter((folder) => folder.files.length > 0);
}
