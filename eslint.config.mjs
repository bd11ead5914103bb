// @ts-check
/**
 * Lint rules of the repository (CONVENTIONS.md, "Lint and format"; style anchor 16).
 * TypeScript is linted with type information: through `tsconfig.spec.json` for the packages (src and test)
 * and the sample services, and through the project service for the benchmarks, whose tsconfig references
 * the packages (so their types come from the packages' sources, with or without a build).
 */
import { existsSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const rootDir = import.meta.dirname;
const hasBenchmarks = existsSync(`${rootDir}/benchmarks/tsconfig.json`);

/** Files type-checked through tsconfig.spec.json (keep in step with its "include"). */
const SPEC_PROJECT_FILES = [
  'jest.setup.ts',
  'packages/*/src/**/*.ts',
  'packages/*/test/**/*.ts',
  'sample-services/*/src/**/*.ts',
  'sample-services/*/test/**/*.ts',
  'test/**/*.ts',
  'tools/**/*.ts',
];
const BENCHMARK_FILES = ['benchmarks/src/**/*.ts'];

/** Node's globals, for the few JavaScript config files (the `globals` package is not a dependency). */
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
};

export default defineConfig(
  globalIgnores(
    ['**/dist/**', '**/node_modules/**', '**/coverage/**', ...(hasBenchmarks ? [] : ['benchmarks/**'])],
    'nest-tracing/ignores',
  ),

  {
    name: 'nest-tracing/javascript-config-files',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', globals: nodeGlobals },
  },

  {
    name: 'nest-tracing/typescript',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        tsconfigRootDir: rootDir,
        // Nest's DI reads constructor parameter types from decorator metadata: an import used there is a
        // value import, and consistent-type-imports must know it (also inferred from the tsconfig).
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: "Name every export: `export { A, B } from './x.js'` (no `export *`, CONVENTIONS.md, Public API).",
        },
      ],
      // Public function types take `any[]` arguments on purpose (attribute extractors, onResult).
      '@typescript-eslint/no-explicit-any': 'off',
      // Decorator targets are typed `Function`, as Nest's own decorators do.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // "Light": the no-unsafe-* family flags every use of reflect-metadata's and the `any[]` hooks' values.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // An `async` method without `await` is how code here makes a Promise-returning method on purpose: such
      // methods are exactly what @Traced must handle, and what the tests, samples and benchmarks exercise.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },

  {
    name: 'nest-tracing/typescript-spec-project',
    files: SPEC_PROJECT_FILES,
    languageOptions: { parserOptions: { project: ['./tsconfig.spec.json'] } },
  },

  {
    name: 'nest-tracing/typescript-benchmarks',
    files: BENCHMARK_FILES,
    languageOptions: { parserOptions: { projectService: true } },
  },

  {
    name: 'nest-tracing/specs',
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      // `expect(service.method).toHaveBeenCalled()` passes a method without calling it.
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  {
    name: 'nest-tracing/typescript-outside-projects',
    files: ['**/*.ts'],
    ignores: [...SPEC_PROJECT_FILES, ...(hasBenchmarks ? BENCHMARK_FILES : [])],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
