import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Context, Span, SpanOptions } from '@opentelemetry/api';
import { Traced } from '@huleedu/nest-tracing';
import {
  ATTRIBUTES_AT_START,
  SERVICE_NAME,
  baggageCorrelationId,
  endWithFailure,
  endWithSuccess,
  handWrittenTracer,
  startWithAttributes,
} from './floor-sdk.js';
import { seeContext } from './floor-transport.js';
import type { ContextSeen, FloorTransport } from './floor-transport.js';

/** The measured method bodies: trivial, so what is measured is the tracing around them. */
class Work {
  total = 0;
  seen: ContextSeen | undefined;
  observing = false;
  compute(x: number): number {
    if (this.observing) this.seen = seeContext();
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  async computeAsync(x: number): Promise<number> {
    if (this.observing) this.seen = seeContext();
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
}

/** The same class with `@Traced()` on both methods (what a service writes). */
class FloorWork extends Work {
  @Traced()
  override compute(x: number): number {
    return super.compute(x);
  }
  @Traced()
  override async computeAsync(x: number): Promise<number> {
    return super.computeAsync(x);
  }
}

/** The untraced and hand-written variants call the same bodies through the same one-level override. */
class PlainWork extends Work {
  override compute(x: number): number {
    return super.compute(x);
  }
  override async computeAsync(x: number): Promise<number> {
    return super.computeAsync(x);
  }
}

const INTERNAL: SpanOptions = { kind: SpanKind.INTERNAL };
const SYNC_NAME = `${SERVICE_NAME}.FloorWork.compute`;
const ASYNC_NAME = `${SERVICE_NAME}.FloorWork.computeAsync`;
const SYNC_ATTRIBUTES = { 'operation.type': 'internal', 'code.function.name': 'FloorWork.compute' };
const ASYNC_ATTRIBUTES = { 'operation.type': 'internal', 'code.function.name': 'FloorWork.computeAsync' };

/** A span under the active context, with the static attributes and the correlation id from baggage. */
function startSpan(name: string, attributes: Record<string, string>, parent: Context): Span {
  const correlationId = baggageCorrelationId(parent);
  if (ATTRIBUTES_AT_START) {
    const all = correlationId === undefined ? attributes : { ...attributes, correlation_id: correlationId };
    return startWithAttributes(name, SpanKind.INTERNAL, all, parent);
  }
  const span = handWrittenTracer().startSpan(name, INTERNAL, parent);
  span.setAttributes(attributes);
  if (correlationId !== undefined) span.setAttribute('correlation_id', correlationId);
  return span;
}

/** Passed to `context.with` with their arguments, so no closure is made per call. */
const callCompute = (work: PlainWork, x: number): number => work.compute(x);
const callComputeAsync = (work: PlainWork, x: number): Promise<number> => work.computeAsync(x);

function handWrittenSync(work: PlainWork, x: number): number {
  const parent = context.active();
  const span = startSpan(SYNC_NAME, SYNC_ATTRIBUTES, parent);
  let result: number;
  try {
    result = context.with(trace.setSpan(parent, span), callCompute, undefined, work, x);
  } catch (error) {
    endWithFailure(span, error);
    throw error;
  }
  endWithSuccess(span);
  return result;
}

function handWrittenAsync(work: PlainWork, x: number): Promise<number> {
  const parent = context.active();
  const span = startSpan(ASYNC_NAME, ASYNC_ATTRIBUTES, parent);
  let result: Promise<number>;
  try {
    result = context.with(trace.setSpan(parent, span), callComputeAsync, undefined, work, x);
  } catch (error) {
    endWithFailure(span, error);
    throw error;
  }
  return result.then(
    (value) => {
      endWithSuccess(span);
      return value;
    },
    (error: unknown) => {
      endWithFailure(span, error);
      throw error;
    },
  );
}

/** `@Traced` on a sync and on an async method, each call under the request's context. */
export function tracedMethodTransports(requestContext: Context): FloorTransport[] {
  const plain = new PlainWork();
  const hand = new PlainWork();
  const traced = new FloorWork();
  const inRequest =
    <T>(loop: (n: number) => T) =>
    (n: number): T =>
      context.with(requestContext, loop, undefined, n);
  const syncLoop = (call: (x: number) => number) =>
    inRequest((n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum = (sum + call(i)) | 0;
      return sum;
    });
  const asyncLoop = (call: (x: number) => Promise<number>) =>
    inRequest(async (n: number): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum = (sum + (await call(i))) | 0;
      return sum;
    });
  const observe = async (work: Work, call: () => unknown): Promise<ContextSeen | undefined> => {
    work.observing = true;
    await context.with(requestContext, call);
    work.observing = false;
    return work.seen;
  };
  return [
    {
      id: 'traced-sync',
      label: '@Traced, sync method',
      iterations: 1000,
      warmupBatches: 200,
      spansPerOperation: 1,
      batches: {
        untraced: syncLoop((x) => plain.compute(x)),
        'hand-written': syncLoop((x) => handWrittenSync(hand, x)),
        'nest-tracing': syncLoop((x) => traced.compute(x)),
      },
      observe: (variant) =>
        variant === 'nest-tracing'
          ? observe(traced, () => traced.compute(1))
          : observe(hand, () => handWrittenSync(hand, 1)),
    },
    {
      id: 'traced-async',
      label: '@Traced, async method',
      iterations: 1000,
      warmupBatches: 200,
      spansPerOperation: 1,
      batches: {
        untraced: asyncLoop((x) => plain.computeAsync(x)),
        'hand-written': asyncLoop((x) => handWrittenAsync(hand, x)),
        'nest-tracing': asyncLoop((x) => traced.computeAsync(x)),
      },
      observe: (variant) =>
        variant === 'nest-tracing'
          ? observe(traced, () => traced.computeAsync(1))
          : observe(hand, () => handWrittenAsync(hand, 1)),
    },
  ];
}
