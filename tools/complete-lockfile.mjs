// Records, in package-lock.json, optional platform-binding packages that the registry this project
// installs from does not serve (for example unrs-resolver's non-Linux bindings, used by jest-resolve).
// `npm install` silently skips them, and `npm ci` then calls the lock file out of sync. Each missing
// binding is entered with the os/cpu/libc its name declares, so `npm ci` skips it as a platform
// mismatch without fetching it. Run after `npm install` changes the lock: `npm run lockfile:complete`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const PLATFORM =
  /[-/](android|darwin|freebsd|linux|openharmony|win32)-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x)(?:-(gnu|musl|gnueabihf|musleabihf|eabi|msvc))?$/;

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    const nested = `${path}/node_modules/${name}`;
    if (packages[target] || packages[nested]) continue;
    const match = PLATFORM.exec(name);
    if (!match) continue;
    const [, os, cpu, abi] = match;
    const libc = abi?.startsWith('gnu') ? ['glibc'] : abi?.startsWith('musl') ? ['musl'] : undefined;
    packages[target] = {
      // an exact version, else (a range such as `*`) the version of the package that asks for it
      version: /^\d+\.\d+\.\d+/.test(version) ? version : entry.version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc } : {}),
    };
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
process.stdout.write(`complete-lockfile: recorded ${added} unavailable optional platform package(s)\n`);
