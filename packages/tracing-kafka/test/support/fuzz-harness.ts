import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { TestSpans } from '@huleedu/nest-tracing-testing';
import type { HeaderShapes } from './header-shapes.js';

/** What the user's handler does with a call. */
export type HandlerMode = 'value' | 'promise' | 'throw' | 'reject';

/** The handler's own result and failure: whatever tracing does, the caller must get exactly these. */
export const HANDLER_RESULT = Object.freeze({ handled: true });
export const HANDLER_FAILURE = new Error('the handler failed');

/** The user's handler: records every call (`this` and arguments) and answers as `mode` says. */
export class RecordingHandler {
  calls: Array<{ self: unknown; args: unknown[] }> = [];
  mode: HandlerMode = 'value';

  run(self: unknown, args: unknown[]): unknown {
    this.calls.push({ self, args });
    switch (this.mode) {
      case 'value':
        return HANDLER_RESULT;
      case 'promise':
        return Promise.resolve(HANDLER_RESULT);
      case 'throw':
        throw HANDLER_FAILURE;
      default:
        return Promise.reject(HANDLER_FAILURE);
    }
  }
}

/** What one case expects besides "the handler ran once with these arguments". */
export interface CaseExpectation {
  readonly args: readonly unknown[];
  /** `this` the handler must see, when the caller sets one. */
  readonly self?: unknown;
  /** A Nest request handler's value comes back as a reply `{ value, headers }`. */
  readonly reply?: boolean;
  /** The call returns the handler's value synchronously (kafkajs handlers, decorated methods). */
  readonly synchronous?: boolean;
  /** The caller gets the handler's value (false for Nest's `handleEvent`, which only settles with the handler). */
  readonly returnsValue?: boolean;
  /** The spans the case made, once the call settled; returns the problems found. */
  readonly spans: (finished: readonly ReadableSpan[]) => string[];
}

/** The failed cases of a run: how many, of how many, and the first few with their shapes. */
export class FuzzFindings {
  private cases = 0;
  private readonly failed: string[] = [];

  record(label: string, problems: string[]): void {
    this.cases++;
    if (problems.length > 0) this.failed.push(`${label}: ${problems.join('; ')}`);
  }

  summary(): { failed: number; of: number; first: string[] } {
    return { failed: this.failed.length, of: this.cases, first: this.failed.slice(0, 6) };
  }

  expectedSummary(): { failed: number; of: number; first: string[] } {
    return { failed: 0, of: this.cases, first: [] };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Run one case: the handler is called once with the same arguments, the caller gets its result or error. */
export async function runCase(
  spans: TestSpans,
  handler: RecordingHandler,
  expectation: CaseExpectation,
  call: () => unknown,
): Promise<string[]> {
  spans.reset();
  handler.calls = [];
  const problems: string[] = [];
  let outcome: { returned: unknown } | { threw: unknown };
  try {
    const raw = call();
    if (expectation.synchronous && handler.mode === 'value' && !expectation.reply && raw !== HANDLER_RESULT) {
      problems.push('a synchronous value did not come back synchronously');
    }
    outcome = { returned: await raw };
  } catch (error) {
    outcome = { threw: error };
  }
  if (handler.calls.length !== 1) problems.push(`handler called ${handler.calls.length} times`);
  const [first] = handler.calls;
  if (first) {
    const same =
      first.args.length === expectation.args.length &&
      first.args.every((arg, i) => Object.is(arg, expectation.args[i]));
    if (!same) problems.push('handler called with other arguments');
    if ('self' in expectation && first.self !== expectation.self) problems.push('handler called with another `this`');
  }
  const fails = handler.mode === 'throw' || handler.mode === 'reject';
  if ('threw' in outcome) {
    if (!fails || outcome.threw !== HANDLER_FAILURE) problems.push(`threw ${describeError(outcome.threw)}`);
  } else if (fails) {
    problems.push('the handler failure was swallowed');
  } else if (expectation.reply) {
    const reply = outcome.returned as { value?: unknown; headers?: Record<string, unknown> } | undefined;
    if (reply?.value !== HANDLER_RESULT || typeof reply.headers?.['traceparent'] !== 'string') {
      problems.push('the reply is not { value, headers with traceparent }');
    }
  } else if (expectation.returnsValue !== false && outcome.returned !== HANDLER_RESULT) {
    problems.push('returned another value');
  }
  // a span the transport ends a moment after the caller resumed (the processing end hook)
  if (spans.open().length > 0) await spans.waitFor(() => spans.open().length === 0, 10_000).catch(() => undefined);
  problems.push(...expectation.spans(spans.all()), ...spans.lifecycleProblems());
  if (spans.open().length > 0) problems.push(`${spans.open().length} spans left open`);
  return problems;
}

/** Exactly one CONSUMER span of this name, valid, continuing `traceId` when the carrier plainly had one. */
export function oneConsumerSpan(name: string, traceId: string | undefined, mode: HandlerMode) {
  return (finished: readonly ReadableSpan[]): string[] => {
    if (finished.length !== 1) return [`${finished.length} spans: ${finished.map((s) => s.name).join(', ')}`];
    const span = finished[0];
    const problems: string[] = [];
    if (span.kind !== SpanKind.CONSUMER || span.name !== name) problems.push(`span ${span.name} of kind ${span.kind}`);
    if (!trace.isSpanContextValid(span.spanContext())) problems.push('invalid span context');
    if (traceId !== undefined && span.spanContext().traceId !== traceId) problems.push('did not continue the trace');
    const result = mode === 'value' || mode === 'promise' ? 'success' : 'error';
    if (span.attributes['operation.result'] !== result)
      problems.push(`operation.result ${String(span.attributes['operation.result'])}`);
    return problems;
  };
}

/** A kafkajs message with these headers, and a value, key and offset of any kind. */
export function kafkaMessage(shapes: HeaderShapes, headers: unknown): Record<string, unknown> {
  const { header } = shapes.traceparent();
  const value = shapes.pick<unknown>([
    null,
    Buffer.from(JSON.stringify({ data: 1, metadata: { traceparent: header, correlation_id: 'corr-envelope' } })),
    Buffer.from(JSON.stringify({ metadata: shapes.pick<unknown>([null, 'x', [header], 5]), correlation_id: 7 })),
    Buffer.from('{not json'),
    '{"correlation_id":"corr-value"}',
    Buffer.alloc(0),
  ]);
  return {
    key: shapes.pick<unknown>([null, 'key-1', Buffer.from('key-2'), undefined]),
    value,
    headers,
    offset: shapes.pick<unknown>(['0', '42', 'not-a-number', undefined]),
    timestamp: '0',
    attributes: 0,
  };
}
