import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, createContextKey, propagation, trace } from '@opentelemetry/api';
import { getCorrelationId } from '../propagation/correlation-context.js';
import { apiServerRequestContext, serverRequestContext } from './server-request-context.js';

const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
const OTHER = createContextKey('spec.other');

describe.each([
  ['serverRequestContext', serverRequestContext],
  ['its fallback from the API contexts', apiServerRequestContext],
])('%s', (_name, requestContext) => {
  const parent = propagation
    .setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 't1' } }))
    .setValue(OTHER, 'kept');

  it("reads as the parent plus the span, the correlation id and the correlation id in the parent's baggage", () => {
    const ctx = requestContext(parent, span, 'corr-1');
    expect(trace.getSpan(ctx)).toBe(span);
    expect(getCorrelationId(ctx)).toBe('corr-1');
    expect(ctx.getValue(OTHER)).toBe('kept');
    const baggage = propagation.getBaggage(ctx);
    expect(baggage?.getEntry('correlation_id')?.value).toBe('corr-1');
    expect(baggage?.getEntry('tenant')?.value).toBe('t1');
    expect(propagation.getBaggage(parent)?.getEntry('correlation_id')).toBeUndefined();
  });

  it('keeps every value in the contexts derived from it', () => {
    const ctx = requestContext(parent, span, 'corr-2');
    const child = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), traceFlags: 1 });
    const derived = trace.setSpan(ctx, child);
    expect(trace.getSpan(derived)).toBe(child);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(getCorrelationId(derived)).toBe('corr-2');
    expect(propagation.getBaggage(derived)?.getEntry('correlation_id')?.value).toBe('corr-2');
    expect(derived.getValue(OTHER)).toBe('kept');
    const withoutSpan = trace.deleteSpan(ctx);
    expect(trace.getSpan(withoutSpan)).toBeUndefined();
    expect(getCorrelationId(withoutSpan)).toBe('corr-2');
  });
});
