import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describeFilter, matchesFilter } from './span-filter.js';
import type { SpanFilter } from './span-filter.js';
import { getTestSpanStore } from './span-store.js';
import type { TestSpanStore } from './span-store.js';
import { describeSpan, formatSpanTree } from './span-tree.js';

/** What `waitFor` waits for: a number of finished spans, or a condition over them. */
export type SpanCondition = number | ((spans: readonly ReadableSpan[]) => boolean);

/**
 * The spans finished in this test process, to query and assert on. Injectable from
 * `TracingTestingModule`, or `getTestSpans()` outside DI; both see the same spans.
 */
export class TestSpans {
  constructor(private readonly store: TestSpanStore = getTestSpanStore()) {}

  /** Every finished span, in the order they ended. */
  all(): ReadableSpan[] {
    return [...this.store.finished];
  }

  /** Spans with this exact name, or whose name matches the pattern. */
  byName(name: string | RegExp): ReadableSpan[] {
    return this.find({ name });
  }

  find(filter: SpanFilter): ReadableSpan[] {
    return this.store.finished.filter((span) => matchesFilter(span, filter));
  }

  /** The one span matching; otherwise throws, printing what there is. */
  one(nameOrFilter: string | RegExp | SpanFilter): ReadableSpan {
    const filter =
      typeof nameOrFilter === 'object' && !(nameOrFilter instanceof RegExp) ? nameOrFilter : { name: nameOrFilter };
    const found = this.find(filter);
    if (found.length !== 1) {
      throw new Error(
        `Expected exactly one span matching ${describeFilter(filter)}, found ${found.length}.\n\n${this.tree()}`,
      );
    }
    return found[0];
  }

  /** Finished spans of one trace. */
  inTrace(traceIdOrSpan: string | ReadableSpan): ReadableSpan[] {
    const traceId = typeof traceIdOrSpan === 'string' ? traceIdOrSpan : traceIdOrSpan.spanContext().traceId;
    return this.find({ traceId });
  }

  childrenOf(parent: ReadableSpan): ReadableSpan[] {
    return this.find({ parent });
  }

  parentOf(span: ReadableSpan): ReadableSpan | undefined {
    const parentId = span.parentSpanContext?.spanId;
    return parentId ? this.store.finished.find((candidate) => candidate.spanContext().spanId === parentId) : undefined;
  }

  /** Forget every span and lifecycle finding (the per-test reset). */
  reset(): void {
    this.store.reset();
  }

  /**
   * Resolve with the finished spans once there are at least `count` of them, or once `condition`
   * holds; reject after `timeoutMs` with the span tree. Event-driven: no polling.
   */
  waitFor(condition: SpanCondition, timeoutMs = 5000): Promise<ReadableSpan[]> {
    const holds = (): boolean =>
      typeof condition === 'number' ? this.store.finished.length >= condition : condition(this.store.finished);
    if (holds()) return Promise.resolve(this.all());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        const wanted = typeof condition === 'number' ? `${condition} spans` : 'the condition';
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${wanted}.\n\n${this.tree()}`));
      }, timeoutMs);
      const unsubscribe = this.store.subscribe(() => {
        if (!holds()) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(this.all());
      });
    });
  }

  /** The finished spans (or those given) as an indented tree with durations and key attributes. */
  tree(spans: readonly ReadableSpan[] = this.store.finished): string {
    return formatSpanTree(spans);
  }

  /** Spans started and not yet ended. */
  open(): ReadableSpan[] {
    return [...this.store.open];
  }

  /** OpenTelemetry diagnostics other than lifecycle violations (for example reported hook failures). */
  diagnostics(): string[] {
    return [...this.store.diagnostics];
  }

  /** Spans left open, ended twice, or changed after they ended. */
  lifecycleProblems(): string[] {
    return [...[...this.store.open].map((span) => `span left open: ${describeSpan(span)}`), ...this.store.violations];
  }

  /** Throw, with the tree, if there are lifecycle problems. */
  assertLifecycle(): void {
    const problems = this.lifecycleProblems();
    if (problems.length > 0) {
      throw new Error(`Span lifecycle problems:\n- ${problems.join('\n- ')}\n\n${this.tree()}`);
    }
  }
}

/** The test spans of this process, for code outside Nest's DI. */
export function getTestSpans(): TestSpans {
  return new TestSpans(getTestSpanStore());
}
