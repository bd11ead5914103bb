import { Injectable } from '@nestjs/common';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext, withTraceContext } from '../propagation/trace-context.js';
import type { CarrierRecord } from '../propagation/record-carrier.getter.js';
import {
  activeSpan,
  addEvent,
  correlationId,
  recordException,
  setAttributes,
  traceId,
  withCorrelationId,
} from './active-span.js';
import { traceOperation } from './trace-operation.js';
import type { TraceOperationOptions } from './trace-operation.js';

/**
 * Tracing for code inside Nest's DI. Every method is also a plain function exported by the
 * package, for code outside DI; both read the same global context, so they mix freely.
 */
@Injectable()
export class TraceService {
  /** See {@link traceOperation}. */
  traceOperation<T>(name: string, attributes: Attributes, fn: (span: Span) => T, options?: TraceOperationOptions): T {
    return traceOperation(name, attributes, fn, options);
  }

  /** See {@link withTraceContext}. */
  withTraceContext<T>(carrier: unknown, fn: () => T): T {
    return withTraceContext(carrier, fn);
  }

  /** See {@link extractTraceContext}. */
  extractTraceContext(carrier: unknown): Context {
    return extractTraceContext(carrier);
  }

  /** See {@link injectTraceContext}. */
  injectTraceContext<C extends CarrierRecord>(carrier?: C): C {
    return injectTraceContext(carrier);
  }

  activeSpan(): Span | undefined {
    return activeSpan();
  }

  traceId(): string | undefined {
    return traceId();
  }

  setAttributes(attributes: Record<string, unknown>): void {
    setAttributes(attributes);
  }

  addEvent(name: string, attributes?: Record<string, unknown>): void {
    addEvent(name, attributes);
  }

  recordException(error: unknown): void {
    recordException(error);
  }

  correlationId(): string | undefined {
    return correlationId();
  }

  withCorrelationId<T>(id: string, fn: () => T): T {
    return withCorrelationId(id, fn);
  }
}
