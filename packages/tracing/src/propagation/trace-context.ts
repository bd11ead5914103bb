import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { reportTelemetryFault } from '../utils/report-telemetry-fault.js';
import { getCorrelationId, setCorrelationId } from './correlation-context.js';
import { recordCarrierGetter } from './record-carrier.getter.js';
import type { CarrierRecord } from './record-carrier.getter.js';
import { recordCarrierSetter } from './record-carrier.setter.js';

/** Carrier keys that may hold a correlation id, in the order they are tried (case-insensitive). */
const CORRELATION_KEYS = ['correlation_id', 'correlationId', 'x-correlation-id'];

/**
 * The context a carrier describes, built on the root context: its trace context and baggage through
 * the global propagator, and its correlation id (`correlation_id`, `correlationId` or
 * `x-correlation-id`). A missing or malformed carrier yields a context without a parent, so the
 * next span starts a new trace; it never throws.
 */
export function extractTraceContext(carrier: unknown): Context {
  if (!carrier || typeof carrier !== 'object') return ROOT_CONTEXT;
  const record = carrier as CarrierRecord;
  try {
    let extracted = propagation.extract(ROOT_CONTEXT, record, recordCarrierGetter);
    for (const key of CORRELATION_KEYS) {
      const id = recordCarrierGetter.get(record, key);
      if (typeof id === 'string') {
        // unless the carrier's baggage already carries the same id
        if (getCorrelationId(extracted) !== id) extracted = setCorrelationId(extracted, id);
        break;
      }
    }
    return extracted;
  } catch (error) {
    reportTelemetryFault('extractTraceContext', 'Could not read trace context from a carrier', error);
    return ROOT_CONTEXT;
  }
}

/**
 * Run `fn` in the context extracted from `carrier` (request headers, an event envelope's metadata):
 * the seed's `use_trace_context(metadata)`. Spans `fn` starts continue the carrier's trace; a
 * malformed carrier starts a new one.
 */
export function withTraceContext<T>(carrier: unknown, fn: () => T): T {
  return context.with(extractTraceContext(carrier), fn);
}

/**
 * Write the current trace context (`traceparent`, `tracestate`, `baggage`, through the global
 * propagator) and correlation id (`correlation_id`) into `carrier`, and return it.
 */
export function injectTraceContext<C extends CarrierRecord>(carrier: C = {} as C, ctx: Context = context.active()): C {
  try {
    propagation.inject(ctx, carrier, recordCarrierSetter);
    const correlationId = getCorrelationId(ctx);
    if (correlationId !== undefined) recordCarrierSetter.set(carrier, 'correlation_id', correlationId);
  } catch (error) {
    reportTelemetryFault('injectTraceContext', 'Could not write trace context into a carrier', error);
  }
  return carrier;
}
