import type { Program } from 'typescript';
import type { PackageFolder } from './discover-packages.js';
import type { TypeScript } from './load-typescript.js';

/**
 * The compiler options of the nearest tsconfig.json at or above `directory` (so the project's own
 * path aliases and module settings apply), or NodeNext defaults.
 */
function projectOptions(ts: TypeScript, directory: string): import('typescript').CompilerOptions {
  const configFile = ts.findConfigFile(directory, (file) => ts.sys.fileExists(file));
  if (configFile) {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configFile,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    if (parsed) return parsed.options;
  }
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    experimentalDecorators: true,
  };
}

/**
 * One program over every package's files. Workspace packages found under the analysed path resolve
 * by name to their sources (as a monorepo's jest or tsconfig paths do), so a helper a service calls
 * from a shared package (a traced Kafka strategy, a database module) is read, not only its
 * declaration. Nothing is emitted and diagnostics are not asked for: only the checker is used.
 */
export function createProgram(ts: TypeScript, root: string, packages: PackageFolder[]): Program {
  const options = projectOptions(ts, root);
  const paths: Record<string, string[]> = { ...options.paths };
  for (const folder of packages) {
    if (folder.packageName && folder.sourceEntry && !paths[folder.packageName])
      paths[folder.packageName] = [folder.sourceEntry];
  }
  return ts.createProgram({
    rootNames: packages.flatMap((folder) => folder.files),
    options: {
      ...options,
      paths,
      noEmit: true,
      composite: false,
      declaration: false,
      incremental: false,
      skipLibCheck: true,
      allowJs: false,
    },
  });
}
