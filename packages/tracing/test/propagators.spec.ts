import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { injectTraceContext, traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { startHttpApp } from './fixtures/http-app.js';
import type { HttpTestApp } from './fixtures/http-app.js';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

/** `propagators` (the option behind `OTEL_PROPAGATORS`): W3C and B3 side by side, over real HTTP. */
describe('propagators: tracecontext, baggage and b3multi', () => {
  let http: HttpTestApp;

  beforeAll(async () => {
    http = await startHttpApp('express', {}, undefined, ['tracecontext', 'baggage', 'b3multi']);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => http.spans.reset());

  async function serverSpanFor(headers: Record<string, string>) {
    const response = await fetch(`${http.url}/api/v1/essays/1`, { headers });
    expect(response.status).toBe(200);
    await http.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    return http.spans.one({ kind: SpanKind.SERVER });
  }

  it('continues a trace that arrives in B3 headers only', async () => {
    const span = await serverSpanFor({ 'X-B3-TraceId': TRACE_ID, 'X-B3-SpanId': PARENT_ID, 'X-B3-Sampled': '1' });
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it('still continues a W3C traceparent', async () => {
    const span = await serverSpanFor({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it('writes every format when it injects: traceparent, baggage and the B3 headers', () => {
    const headers = withCorrelationId('corr-b3-1', () =>
      traceOperation('gateway.route.upload', (span) => {
        const { traceId, spanId } = span.spanContext();
        return { traceId, spanId, carrier: injectTraceContext<Record<string, string>>({}) };
      }),
    );
    expect(headers.carrier.baggage).toContain('correlation_id=corr-b3-1');
    expect(headers.carrier.traceparent).toBe(`00-${headers.traceId}-${headers.spanId}-01`);
    expect(headers.carrier['x-b3-traceid']).toBe(headers.traceId);
    expect(headers.carrier['x-b3-spanid']).toBe(headers.spanId);
    expect(headers.carrier['x-b3-sampled']).toBe('1');
  });
});
