import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { propagation } from '@opentelemetry/api';
import { withTraceHeaders } from './inject-headers.js';

propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const ctx = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
});

describe('withTraceHeaders', () => {
  it('adds the trace context to a copy and leaves the caller object alone', () => {
    const caller = { 'x-tenant': 'school-1' };
    const headers = withTraceHeaders(caller, ctx);
    expect(headers).toEqual({
      'x-tenant': 'school-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(caller).toEqual({ 'x-tenant': 'school-1' });
  });

  it('never replaces a traceparent the caller set, whatever its case', () => {
    const headers = withTraceHeaders(
      { TraceParent: Buffer.from('00-11111111111111111111111111111111-2222222222222222-01') },
      ctx,
    );
    expect(Object.keys(headers)).toEqual(['TraceParent']);
  });

  it('adds nothing outside a trace', () => {
    expect(withTraceHeaders(undefined, ROOT_CONTEXT)).toEqual({});
  });
});
