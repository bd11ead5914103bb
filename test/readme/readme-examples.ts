import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The marker a README puts right before a ```ts fence (blank lines between are fine) whose code is a complete module that
 * compiles as written. `<!-- example: full, commonjs -->` marks one written for a CommonJS application.
 */
const MARKER = /^<!--\s*example:\s*full(?<commonjs>,\s*commonjs)?\s*-->$/;
const TS_FENCE = /^```(?:ts|typescript)\s*$/;
const CLOSING_FENCE = /^```\s*$/;
/** A first line `// src/app.module.ts` (maybe followed by a comment) names the example's file. */
const FILE_NAME_COMMENT = /^\/\/\s*(?<file>[\w./-]+\.ts)\b/;

/** One marked code block of one README. */
export interface ReadmeExample {
  /** The README, relative to the repository root (`packages/tracing/README.md`). */
  readme: string;
  /** 1-based line of the opening fence in the README. */
  fenceLine: number;
  /** Where the block goes in its README's example folder: its first-line file name, else `example-<line>.ts`. */
  file: string;
  /** Written beside a `package.json` that says `"type": "commonjs"`. */
  commonjs: boolean;
  code: string;
}

/** Folders whose READMEs are the project's documentation (never installed or built copies). */
const README_FOLDERS = ['.', 'packages', 'sample-services', 'test', 'benchmarks', 'tools'];
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', '.git']);

/** Every README.md of the repository: the root's, and those under the documented folders. */
export function findReadmes(rootDir: string): string[] {
  const found = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && entry.name === 'README.md') found.add(relative(rootDir, join(dir, entry.name)));
      else if (entry.isDirectory() && depth > 0 && !SKIPPED.has(entry.name) && !entry.name.startsWith('.'))
        visit(join(dir, entry.name), depth - 1);
    }
  };
  for (const folder of README_FOLDERS) visit(join(rootDir, folder), folder === '.' ? 0 : 3);
  return [...found].sort();
}

/** The marked blocks of one README; a marker not followed by a ```ts fence, or a fence never closed, throws. */
export function extractExamples(rootDir: string, readme: string): ReadmeExample[] {
  const lines = readFileSync(join(rootDir, readme), 'utf8').split('\n');
  const examples: ReadmeExample[] = [];
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (!marker) return;
    // Prettier puts a blank line between an HTML comment and a fence: blank lines may sit between them
    let fenceIndex = index + 1;
    while (lines[fenceIndex]?.trim() === '') fenceIndex += 1;
    if (!TS_FENCE.test(lines[fenceIndex] ?? '')) {
      throw new Error(`${readme}:${index + 1}: "${line.trim()}" must come right before a \`\`\`ts fence.`);
    }
    const end = lines.findIndex((candidate, at) => at > fenceIndex && CLOSING_FENCE.test(candidate));
    if (end < 0) throw new Error(`${readme}:${fenceIndex + 1}: the marked code block is never closed.`);
    const code = lines.slice(fenceIndex + 1, end);
    const named = FILE_NAME_COMMENT.exec(code[0] ?? '')?.groups?.file;
    if (named?.split('/').includes('..')) {
      throw new Error(`${readme}:${fenceIndex + 2}: an example's file name stays inside its folder (no "..").`);
    }
    examples.push({
      readme,
      fenceLine: fenceIndex + 1,
      file: named ?? `example-${fenceIndex + 1}.ts`,
      commonjs: marker.groups?.commonjs !== undefined,
      code: code.join('\n') + '\n',
    });
  });
  return examples;
}
