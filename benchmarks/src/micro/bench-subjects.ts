import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Span as ApiSpan } from '@opentelemetry/api';
import { Traced } from '@huleedu/nest-tracing';
import { Span } from 'nestjs-otel';
import type { Variant } from './interleaved-runner.js';
import { bothKinds } from './variant-loops.js';
import type { Subject } from './variant-loops.js';

/** The measured method bodies: trivial, but their results feed the sink so they cannot vanish. */
export class PlainWork {
  total = 0;
  compute(x: number): number {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  async computeAsync(x: number): Promise<number> {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
}

export class TracedWork {
  total = 0;
  @Traced()
  compute(x: number): number {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  @Traced()
  async computeAsync(x: number): Promise<number> {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
}

class OtelSpanWork {
  total = 0;
  @Span()
  compute(x: number): number {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
  @Span()
  async computeAsync(x: number): Promise<number> {
    this.total = (this.total + x) | 0;
    return this.total & 1023;
  }
}

/** The API's tracer: the registered provider's, or the no-op one when nothing is registered. */
const tracer = trace.getTracer('bench');

function failed(span: ApiSpan, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** What people write by hand: one active span around the call, ended on return or throw. */
export function handWrittenSync(work: PlainWork, x: number): number {
  return tracer.startActiveSpan('bench.hand.compute', (span) => {
    try {
      const result = work.compute(x);
      span.end();
      return result;
    } catch (error) {
      failed(span, error);
      throw error;
    }
  });
}

export function handWrittenAsync(work: PlainWork, x: number): Promise<number> {
  return tracer.startActiveSpan('bench.hand.computeAsync', async (span) => {
    try {
      const result = await work.computeAsync(x);
      span.end();
      return result;
    } catch (error) {
      failed(span, error);
      throw error;
    }
  });
}

const plain = new PlainWork();
const handWork = new PlainWork();
const traced = new TracedWork();
const otel = new OtelSpanWork();

const undecorated: Subject = { sync: (x) => plain.compute(x), async: (x) => plain.computeAsync(x) };
const handWritten: Subject = { sync: (x) => handWrittenSync(handWork, x), async: (x) => handWrittenAsync(handWork, x) };
const tracedSubject: Subject = { sync: (x) => traced.compute(x), async: (x) => traced.computeAsync(x) };
const nestjsOtel: Subject = { sync: (x) => otel.compute(x), async: (x) => otel.computeAsync(x) };

/** Phase A: an SDK is registered; `sampledOutParent` holds a remote parent that was not sampled. */
export function sdkVariants(sampledOutParent: Context): Variant[] {
  return [
    ...bothKinds('undecorated', 'undecorated', undecorated),
    ...bothKinds('hand-written', 'hand-written wrapper', handWritten),
    ...bothKinds('traced', '@Traced', tracedSubject),
    ...bothKinds('nestjs-otel', 'nestjs-otel @Span', nestjsOtel),
    ...bothKinds('undecorated.sampled-out', 'undecorated, sampled-out parent', undecorated, sampledOutParent),
    ...bothKinds('hand-written.sampled-out', 'hand-written, sampled-out parent', handWritten, sampledOutParent),
    ...bothKinds('traced.sampled-out', '@Traced, sampled-out parent', tracedSubject, sampledOutParent),
  ];
}

/** Spans per round that should reach the exporter in phase A (sampled variants only). */
export const SAMPLED_VARIANTS_PER_ROUND = 6;

/** Phase B: nothing registered but a context manager. */
export function noSdkVariants(): Variant[] {
  return [
    ...bothKinds('undecorated', 'undecorated', undecorated),
    ...bothKinds('api-noop', 'API no-op wrapper', handWritten),
    ...bothKinds('traced', '@Traced, no SDK', tracedSubject),
  ];
}
