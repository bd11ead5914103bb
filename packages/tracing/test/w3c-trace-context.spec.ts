import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startHttpApp } from './fixtures/http-app.js';
import type { HttpTestApp } from './fixtures/http-app.js';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const P = '00f067aa0ba902b7';
const VALID = `00-${T}-${P}-01`;

/** Cases from the W3C trace-context test suite (w3c/trace-context test/test.py), over real HTTP. */
const RESTARTS: Array<[string, Record<string, string> | Array<[string, string]>]> = [
  ['no traceparent', {}],
  ['version ff', { traceparent: `ff-${T}-${P}-01` }],
  ['version 00 with trailing data', { traceparent: `${VALID}-what-the-future-will-be-like` }],
  ['a too short trace id', { traceparent: `00-${T.slice(1)}-${P}-01` }],
  ['a too long parent id', { traceparent: `00-${T}-${P}0-01` }],
  ['a too long flags field', { traceparent: `00-${T}-${P}-011` }],
  ['an illegal character', { traceparent: `00-${T.slice(0, -1)}.-${P}-01` }],
  ['upper-case hex', { traceparent: `00-${T.toUpperCase()}-${P}-01` }],
  ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${P}-01` }],
  ['an all-zero parent id', { traceparent: `00-${T}-${'0'.repeat(16)}-01` }],
  ['a future version that is too short', { traceparent: `cc-${T}-${P}` }],
  [
    'duplicated traceparent headers',
    [
      ['traceparent', VALID],
      ['traceparent', `00-${'a'.repeat(32)}-${P}-01`],
    ],
  ],
  ['a wrong header name', { 'trace-parent': VALID }],
  ['an empty traceparent', { traceparent: '' }],
];

const CONTINUES: Array<[string, Record<string, string>]> = [
  ['a valid traceparent', { traceparent: VALID }],
  ['any header name case', { TraceParent: VALID }],
  ['surrounding whitespace', { traceparent: ` ${VALID} ` }],
  ['a future version with a valid prefix', { traceparent: `cc-${T}-${P}-01-extra-fields` }],
];

describe('W3C trace-context conformance over HTTP', () => {
  let http: HttpTestApp;

  beforeAll(async () => {
    http = await startHttpApp('express');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => http.spans.reset());

  async function serverSpanFor(headers: Record<string, string> | Array<[string, string]>): Promise<ReadableSpan> {
    const response = await fetch(`${http.url}/api/v1/essays/1`, { headers });
    expect(response.status).toBe(200);
    await http.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    return http.spans.one({ kind: SpanKind.SERVER });
  }

  it.each(RESTARTS)('starts a new trace, and serves the request, for %s', async (_case, headers) => {
    const span = await serverSpanFor(headers);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(T);
  });

  it.each(CONTINUES)('continues the trace for %s', async (_case, headers) => {
    const span = await serverSpanFor(headers);
    expect(span.spanContext().traceId).toBe(T);
    expect(span.parentSpanContext?.spanId).toBe(P);
  });

  it('keeps tracestate with a valid traceparent', async () => {
    const span = await serverSpanFor({ traceparent: VALID, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
    expect(span.spanContext().traceState?.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  });

  it('drops tracestate when traceparent is invalid', async () => {
    const span = await serverSpanFor({ traceparent: `00-${T}-${P}-0x`, tracestate: 'rojo=1' });
    expect(span.spanContext().traceState).toBeUndefined();
  });

  it('drops an invalid tracestate but keeps the trace', async () => {
    const span = await serverSpanFor({ traceparent: VALID, tracestate: 'BAD KEY=1' });
    expect(span.spanContext().traceId).toBe(T);
    expect(span.spanContext().traceState?.serialize() ?? '').toBe('');
  });

  it('serves the request with an oversized tracestate, keeping at most 32 members', async () => {
    const members = Array.from({ length: 40 }, (_, index) => `k${index}=v${index}`).join(',');
    const span = await serverSpanFor({ traceparent: VALID, tracestate: members });
    expect(span.spanContext().traceId).toBe(T);
    expect((span.spanContext().traceState?.serialize() ?? '').split(',').filter(Boolean).length).toBeLessThanOrEqual(
      32,
    );
  });

  it('keeps the sampled flag bitwise: flags 00 are not sampled, so no span is recorded', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/1`, { headers: { traceparent: `00-${T}-${P}-00` } });
    expect(response.status).toBe(200);
    expect(http.spans.all()).toHaveLength(0);
  });
});
