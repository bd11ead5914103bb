/** The TypeScript compiler API, as the analysed codebase installed it (a peer dependency). */
export type TypeScript = typeof import('typescript');

/** Thrown when the command cannot run: a usage mistake or a missing peer; the message says how to fix it. */
export class CoverageUsageError extends Error {
  override readonly name = 'CoverageUsageError';
}

/**
 * Load `typescript` at run time: the CLI reads the codebase with the compiler the project already
 * has (5.x or 6.x), rather than bundling one of its own.
 */
export async function loadTypeScript(): Promise<TypeScript> {
  let loaded: { default?: TypeScript } & Partial<TypeScript>;
  try {
    loaded = await import('typescript');
  } catch {
    throw new CoverageUsageError(
      'nest-tracing coverage reads the code with the TypeScript compiler API, and `typescript` is not installed.\n' +
        'Potential solutions:\n- npm install --save-dev typescript@6 (5.x works too)',
    );
  }
  const ts = (loaded.default ?? loaded) as TypeScript;
  const major = Number(ts.versionMajorMinor.split('.')[0]);
  if (major < 5) {
    throw new CoverageUsageError(
      `nest-tracing coverage needs TypeScript 5 or 6; found ${ts.version}.\n` +
        'Potential solutions:\n- npm install --save-dev typescript@6',
    );
  }
  return ts;
}
