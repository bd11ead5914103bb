import { readFileSync } from 'node:fs';

/**
 * The compiled browser script (browser/viewer-app.ts, built by `tsc -b` into dist/browser). The same relative
 * URL finds it from src/page (specs run the sources) and from dist/page (the published package).
 */
const SCRIPT_URL = new URL('../../dist/browser/browser/viewer-app.js', import.meta.url);

let script: string | undefined;

/** The script's text, read once. */
export function viewerScript(): string {
  if (script === undefined) {
    try {
      // `export {}` is what the compiler leaves of the type-only import: an inline classic script has no use for it.
      script = readFileSync(SCRIPT_URL, 'utf8')
        .replace(/^export \{\};?\s*$/m, '')
        .replace(/\/\/# sourceMappingURL=.*$/m, '');
    } catch (error) {
      throw new Error(
        `@huleedu/nest-tracing-viewer: its page script is missing (${SCRIPT_URL.pathname}). ` +
          'Potential solutions: build the package (`npx tsc -b packages/tracing-viewer`), or reinstall it.',
        { cause: error },
      );
    }
  }
  return script;
}
