/**
 * One jest run for the whole repository, in ESM mode (NestJS 12 is ESM-only).
 * Workspace packages resolve to their TypeScript sources, so `npm test` needs no build first;
 * types are checked separately by `npm run typecheck` (tsconfig.spec.json).
 * @type {import('jest').Config}
 */
const workspaceSources = {
  '^@huleedu/nest-tracing$': '<rootDir>/packages/tracing/src/index.ts',
  '^@huleedu/nest-tracing-testing$': '<rootDir>/packages/tracing-testing/src/index.ts',
  '^@huleedu/nest-tracing-testing/otlp$': '<rootDir>/packages/tracing-testing/src/otlp/index.ts',
  '^@huleedu/nest-tracing-kafka$': '<rootDir>/packages/tracing-kafka/src/index.ts',
  '^@huleedu/nest-tracing-typeorm$': '<rootDir>/packages/tracing-typeorm/src/index.ts',
  '^@huleedu/nest-tracing-resilience$': '<rootDir>/packages/tracing-resilience/src/index.ts',
  '^@huleedu/nest-tracing-logging$': '<rootDir>/packages/tracing-logging/src/index.ts',
  '^@huleedu/nest-tracing-logging/(pino|nestjs-pino|winston)$': '<rootDir>/packages/tracing-logging/src/$1.ts',
  '^@huleedu/nest-tracing-cli$': '<rootDir>/packages/tracing-cli/src/index.ts',
  '^@huleedu/nest-tracing-viewer$': '<rootDir>/packages/tracing-viewer/src/index.ts',
  '^@huleedu/sample-database$': '<rootDir>/sample-services/sample-database/src/index.ts',
  '^@huleedu/sample-kafka$': '<rootDir>/sample-services/sample-kafka/src/index.ts',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/sample-services', '<rootDir>/test', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  moduleNameMapper: {
    ...workspaceSources,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // Builds the sample services the end-to-end suites run as processes (incremental: quick when built).
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  // The default of every test and hook without its own timeout (5 s otherwise). Above the specs' bounded
  // waits (TestSpans.waitFor's 5 s default, the 10-15 s broker waits), so those fail first and say what
  // is missing; low enough that a hang still ends the run soon. Hooks that start or stop servers,
  // brokers, databases or processes keep their own explicit timeout.
  testTimeout: 30_000,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
