import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { ReadmeExample } from './readme-examples.js';

/** One compiler diagnostic, placed in the README the example came from. */
export interface ExampleProblem {
  /** `packages/tracing/README.md:57 (example src/app.module.ts, line 3): TS2307 Cannot find module ...` */
  message: string;
}

/**
 * Type-check the examples the way an application of this repository compiles: tsconfig.spec.json's
 * options (NodeNext, strict, experimentalDecorators, emitDecoratorMetadata) and its paths, so
 * `@huleedu/*` imports resolve to the packages' sources with no build. The examples are written under
 * `outDir` (inside the repository's node_modules, so that library imports resolve as an application's
 * would and no test runner or linter picks them up), one folder per README: a README's examples are the
 * files of one small application, and may import each other by their first-line file names. One
 * `ts.Program` checks them all.
 */
export function typeCheckExamples(rootDir: string, outDir: string, examples: ReadmeExample[]): ExampleProblem[] {
  rmSync(outDir, { recursive: true, force: true });
  const origins = new Map<string, { example: ReadmeExample }>();
  for (const example of examples) {
    const folder = join(outDir, example.readme.replace(/[/\\.]/g, '_'), example.commonjs ? 'commonjs' : 'esm');
    const file = join(folder, example.file);
    if (origins.has(file)) {
      const first = origins.get(file)!.example;
      throw new Error(
        `${example.readme}:${example.fenceLine} and line ${first.fenceLine} both name their example ${example.file}.`,
      );
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, example.code);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: example.commonjs ? 'commonjs' : 'module' }));
    origins.set(file, { example });
  }

  const configPath = join(rootDir, 'tsconfig.spec.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`Cannot read ${configPath}.`);
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // a README shows a piece of an application: a name it declares and leaves unused is not a mistake
    noUnusedLocals: false,
    noUnusedParameters: false,
    rootDir: undefined,
  };
  const program = ts.createProgram({ rootNames: [...origins.keys()], options });

  // the examples' own diagnostics only: the packages' sources they import are checked by `npm run typecheck`
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of origins.keys()) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} was not part of the program.`);
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => ({ message: describe(diagnostic, origins) }));
}

function describe(diagnostic: ts.Diagnostic, origins: Map<string, { example: ReadmeExample }>): string {
  const text = `TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  const origin = diagnostic.file ? origins.get(diagnostic.file.fileName) : undefined;
  if (!diagnostic.file || !origin || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const { readme, fenceLine, file } = origin.example;
  return `${readme}:${fenceLine + 1 + line}:${character + 1} (the example at line ${fenceLine}, ${file}): ${text}`;
}
