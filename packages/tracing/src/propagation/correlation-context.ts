import { context, createContextKey, propagation } from '@opentelemetry/api';
import type { Baggage, Context } from '@opentelemetry/api';
import { CORRELATION_BAGGAGE_KEY } from '../tracing.internal-constants.js';

/** @internal */
export const CORRELATION_ID_KEY = createContextKey('huleedu.nest-tracing.correlation-id');
const MAX_CORRELATION_ID_LENGTH = 256;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** A correlation id worth keeping: a non-empty printable-ASCII string of at most 256 characters. */
export function isValidCorrelationId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_CORRELATION_ID_LENGTH &&
    PRINTABLE_ASCII.test(value)
  );
}

/** The correlation id in `ctx`: set with `withCorrelationId`, or arrived in baggage. */
export function getCorrelationId(ctx: Context = context.active()): string | undefined {
  const own = ctx.getValue(CORRELATION_ID_KEY);
  if (own !== undefined) return own as string;
  return propagation.getBaggage(ctx)?.getEntry(CORRELATION_BAGGAGE_KEY)?.value;
}

/**
 * `ctx` with `id` as its correlation id, also written to baggage so it travels onward with the
 * trace context. An invalid id (empty, too long, not printable ASCII) leaves `ctx` unchanged.
 */
export function setCorrelationId(ctx: Context, id: string): Context {
  return isValidCorrelationId(id) ? setValidCorrelationId(ctx, id) : ctx;
}

/** `setCorrelationId` for an id the caller has already validated (or generated). */
export function setValidCorrelationId(ctx: Context, id: string): Context {
  return propagation.setBaggage(ctx.setValue(CORRELATION_ID_KEY, id), correlationBaggage(ctx, id));
}

/** The baggage of `ctx` (or new baggage) with `id` as its `correlation_id` entry. @internal */
export function correlationBaggage(ctx: Context, id: string): Baggage {
  return (propagation.getBaggage(ctx) ?? propagation.createBaggage()).setEntry(CORRELATION_BAGGAGE_KEY, { value: id });
}
