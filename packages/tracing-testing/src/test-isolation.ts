import { TracingConfigError } from '@huleedu/nest-tracing';
import { getTestSpans } from './test-spans.js';
import type { TestSpans } from './test-spans.js';

/** Options of `useTracingTestIsolation()`. */
export interface TestIsolationOptions {
  /** Fail a test that leaves a span open, ends one twice or changes one after it ended. Default: `true`. */
  checkLifecycle?: boolean;
}

type HookRegistrar = (fn: () => void) => void;

/**
 * Per-test isolation, like the seed's `opentelemetry_test_isolation` fixture: call it at the top of
 * a test file (or a `describe`) and every test starts with no spans and, unless switched off, fails
 * when it leaves broken span lifecycles behind. Returns the `TestSpans` to assert on.
 */
export function useTracingTestIsolation(options: TestIsolationOptions = {}): TestSpans {
  const hooks = globalThis as unknown as { beforeEach?: HookRegistrar; afterEach?: HookRegistrar };
  if (typeof hooks.beforeEach !== 'function' || typeof hooks.afterEach !== 'function') {
    throw TracingConfigError.create('useTracingTestIsolation() found no beforeEach/afterEach.', [
      'Call it in a jest test file, at the top level or inside describe().',
      'With injectGlobals: false, call getTestSpans().reset() and assertLifecycle() in your own hooks.',
    ]);
  }
  const spans = getTestSpans();
  hooks.beforeEach(() => spans.reset());
  if (options.checkLifecycle ?? true) hooks.afterEach(() => spans.assertLifecycle());
  return spans;
}
