import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { appendSpanLines } from './spans-file.writer.js';

const ENDED_TWICE = 'You can only call end() on a span once';
const CHANGED_AFTER_END = 'Cannot execute the operation on ended Span';
const CHANGED_PREFIX = 'span changed after end: ';

/**
 * Where test spans go: a span processor that keeps every finished span in memory, synchronously,
 * and watches span lifecycles (spans still open, ended twice, changed after end) through
 * OpenTelemetry's diagnostics. One per process (per jest test file).
 */
export class TestSpanStore implements SpanProcessor {
  finished: ReadableSpan[] = [];
  readonly open = new Set<ReadableSpan>();
  violations: string[] = [];
  diagnostics: string[] = [];
  private endedTwice = new Set<string>();
  private readonly listeners = new Set<() => void>();

  onStart(span: Span): void {
    this.open.add(span);
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span);
    this.finished.push(span);
    appendSpanLines([
      {
        name: span.name,
        kind: span.kind,
        service: span.resource.attributes['service.name'],
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        attributes: span.attributes,
      },
    ]);
    for (const listener of this.listeners) listener();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Keeps the spans: tests read them after the application closed. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  reset(): void {
    this.finished = [];
    this.open.clear();
    this.violations = [];
    this.diagnostics = [];
    this.endedTwice = new Set();
  }

  /** Call `listener` after each span ends; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Diag messages: lifecycle violations are kept apart from other diagnostics. */
  readonly diagLogger: DiagLogger = {
    error: (message) => this.record(message),
    warn: (message) => this.record(message),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };

  /**
   * Ending a span twice makes the SDK report both "ended span" and "end() once": keep one finding
   * per span and problem.
   */
  private record(message: string): void {
    const spanId = /([0-9a-f]{16})\b(?!.*[0-9a-f]{16})/.exec(message)?.[1] ?? message;
    if (message.includes(ENDED_TWICE)) {
      this.endedTwice.add(spanId);
      this.violations = this.violations.filter((line) => !(line.startsWith(CHANGED_PREFIX) && line.includes(spanId)));
      this.violations.push(`span ended twice: ${message}`);
    } else if (message.includes(CHANGED_AFTER_END)) {
      if (!this.endedTwice.has(spanId)) this.violations.push(`${CHANGED_PREFIX}${message}`);
    } else {
      this.diagnostics.push(message);
    }
  }
}

const STORE_KEY = Symbol.for('huleedu.nest-tracing-testing.store');
type StoreHost = { [STORE_KEY]?: TestSpanStore };

/** The process's test span store, created (and its diag logger installed) on first use. */
export function getTestSpanStore(): TestSpanStore {
  const host = globalThis as StoreHost;
  let store = host[STORE_KEY];
  if (!store) {
    store = new TestSpanStore();
    host[STORE_KEY] = store;
    diag.setLogger(store.diagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  }
  return store;
}
