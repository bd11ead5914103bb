import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import type { TestingModule } from '@nestjs/testing';
import { withCorrelationId } from '@huleedu/nest-tracing';
import { startTestTracing } from './support/traced-context.js';
import { formatTextFields } from '../src/fields/format-text-fields.js';
import { formatTraceFlags } from '../src/fields/format-trace-flags.js';
import { traceLogFields } from '../src/fields/trace-log-fields.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A context whose active span is a remote span context with these flags (no SDK span needed). */
const contextWithFlags = (traceFlags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags, isRemote: true });

describe('traceLogFields', () => {
  let moduleRef: TestingModule;
  beforeAll(async () => ({ moduleRef } = await startTestTracing()));
  afterAll(async () => moduleRef.close());

  it('reads the ids and the W3C flags of the active span context, sampled or not', () => {
    expect(traceLogFields(contextWithFlags(TraceFlags.SAMPLED))).toEqual({
      trace_id: TRACE_ID,
      span_id: SPAN_ID,
      trace_flags: '01',
    });
    expect(traceLogFields(contextWithFlags(TraceFlags.NONE))).toMatchObject({ trace_flags: '00' });
  });

  it('is undefined outside a traced or correlated context, and for an invalid span context', () => {
    expect(traceLogFields(ROOT_CONTEXT)).toBeUndefined();
    expect(traceLogFields()).toBeUndefined();
    const invalid = trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT);
    expect(traceLogFields(invalid)).toBeUndefined();
  });

  it('reads the correlation id of the active context, with or without a span', () => {
    expect(withCorrelationId('corr-unit-1', () => traceLogFields())).toEqual({ correlation_id: 'corr-unit-1' });
    const traced = context.with(contextWithFlags(TraceFlags.SAMPLED), () =>
      withCorrelationId('corr-unit-2', () => traceLogFields()),
    );
    expect(traced).toEqual({ trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: '01', correlation_id: 'corr-unit-2' });
  });
});

describe('formatTraceFlags', () => {
  it('writes two lowercase hex digits', () => {
    expect([0, 1, 0x0b, 0xff, 0x1ff].map(formatTraceFlags)).toEqual(['00', '01', '0b', 'ff', 'ff']);
  });
});

describe('formatTextFields', () => {
  it('writes key=value pairs, quoting values a grep or a logfmt parser would split', () => {
    expect(formatTextFields({ trace_id: TRACE_ID, n: 3, ok: true })).toBe(` trace_id=${TRACE_ID} n=3 ok=true`);
    expect(formatTextFields({ a: 'x y', b: 'k=v', c: 'say "hi"', d: '' })).toBe(
      ' a="x y" b="k=v" c="say \\"hi\\"" d=""',
    );
  });
});
