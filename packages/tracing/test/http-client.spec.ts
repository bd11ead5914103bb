import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HttpModule, HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { lastValueFrom } from 'rxjs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import type { HttpTracingOptions } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { HeaderRecorder } from './fixtures/header-recorder.js';

/** Starting or stopping the header recorder and the Nest app: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

@Injectable()
class ContentClient {
  constructor(readonly http: HttpService) {}
}

async function startApp(
  http: HttpTracingOptions = {},
): Promise<{ app: INestApplication; spans: TestSpans; axios: HttpService }> {
  const moduleRef = await Test.createTestingModule({
    imports: [TracingTestingModule.forRoot({ serviceName: 'file-service', http }), HttpModule],
    providers: [ContentClient],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, spans: app.get(TestSpans), axios: app.get(ContentClient).http };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('outgoing HTTP calls', () => {
  let recorder: HeaderRecorder;
  let app: INestApplication;
  let spans: TestSpans;
  let axios: HttpService;

  beforeAll(async () => {
    recorder = await new HeaderRecorder().start();
    ({ app, spans, axios } = await startApp({ client: { ignoreHosts: ['localhost'] } }));
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await app.close();
    await recorder.stop();
  }, HOOK_TIMEOUT_MS);
  beforeEach(() => {
    spans.reset();
    recorder.received.length = 0;
  });

  const clientSpans = () => spans.find({ kind: SpanKind.CLIENT });

  it.each(['fetch', 'axios'] as const)(
    '%s: a CLIENT span under the caller, whose context and correlation id reach the server',
    async (client) => {
      await withCorrelationId('corr-out-1', () =>
        traceOperation('file.upload', async () => {
          const url = `http://127.0.0.1:${recorder.port}/content?token=abc`;
          if (client === 'fetch') await (await fetch(url, { method: 'POST', body: '{}' })).text();
          else await lastValueFrom(axios.post(url, {}));
        }),
      );
      await spans.waitFor(
        (all) => all.some((span) => span.kind === SpanKind.CLIENT) && all.some((span) => span.name === 'file.upload'),
      );
      const [span] = clientSpans();
      expect(clientSpans()).toHaveLength(1);
      expect(span).toBeChildOf(spans.one('file.upload'));
      expect(span).toHaveAttributes({
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'server.port': recorder.port,
        'http.response.status_code': 200,
        'url.scheme': 'http',
        'url.path': '/content',
        correlation_id: 'corr-out-1',
      });
      // the query's secret-looking value is scrubbed, in url.full and url.query alike
      expect(String(span.attributes['url.full'])).not.toContain('abc');
      expect(JSON.stringify(span.attributes['url.query'] ?? '')).not.toContain('abc');
      const headers = recorder.received[0];
      const [, traceId, spanId] = TRACEPARENT.exec(String(headers.traceparent))!;
      expect(traceId).toBe(span.spanContext().traceId);
      expect(spanId).toBe(span.spanContext().spanId);
      expect(headers['x-correlation-id']).toBe('corr-out-1');
      expect(headers.baggage).toContain('correlation_id=corr-out-1');
    },
  );

  it.each(['fetch', 'axios'] as const)('%s: a 4xx answer is an error on the CLIENT span', async (client) => {
    const url = `http://127.0.0.1:${recorder.port}/status/404`;
    if (client === 'fetch') await (await fetch(url)).text();
    else await lastValueFrom(axios.get(url)).catch(() => undefined);
    await spans.waitFor((all) => all.some((span) => span.kind === SpanKind.CLIENT));
    expect(clientSpans()[0]).toHaveStatus('error');
    expect(clientSpans()[0]).toHaveAttributes({ 'http.response.status_code': 404, 'error.type': '404' });
  });

  it.each(['fetch', 'axios'] as const)(
    '%s: an ignored host gets no span and no propagation headers',
    async (client) => {
      await traceOperation('third.party', async () => {
        const url = `http://localhost:${recorder.port}/`;
        if (client === 'fetch') await (await fetch(url)).text();
        else await lastValueFrom(axios.get(url));
      });
      await spans.waitFor(1);
      expect(clientSpans()).toHaveLength(0);
      expect(recorder.received[0].traceparent).toBeUndefined();
      expect(recorder.received[0]['x-correlation-id']).toBeUndefined();
    },
  );
});

describe('outgoing fetch after an application that was never closed', () => {
  it('takes fetch tracing over from it instead of mistaking it for a foreign instrumentation', async () => {
    const recorder = await new HeaderRecorder().start();
    // the abandoned application ignores this host: were its fetch tracing still in charge, no span
    const abandoned = await startApp({ client: { ignoreHosts: ['127.0.0.1'] } });
    const current = await startApp();
    try {
      await traceOperation('caller', async () => (await fetch(`http://127.0.0.1:${recorder.port}/`)).text());
      await current.spans.waitFor((all) => all.some((span) => span.kind === SpanKind.CLIENT));
      expect(current.spans.find({ kind: SpanKind.CLIENT })).toHaveLength(1);
    } finally {
      await current.app.close();
      await abandoned.app.close();
      await recorder.stop();
    }
  });
});

describe('outgoing fetch with the application own undici instrumentation', () => {
  it('leaves fetch to it: one CLIENT span per call', async () => {
    const recorder = await new HeaderRecorder().start();
    const own = new UndiciInstrumentation();
    own.enable();
    const { app, spans } = await startApp();
    try {
      own.setTracerProvider((await import('@opentelemetry/api')).trace.getTracerProvider());
      await traceOperation('caller', async () => (await fetch(`http://127.0.0.1:${recorder.port}/`)).text());
      await spans.waitFor(
        (all) => all.some((span) => span.kind === SpanKind.CLIENT) && all.some((span) => span.name === 'caller'),
      );
      expect(spans.find({ kind: SpanKind.CLIENT })).toHaveLength(1);
    } finally {
      own.disable();
      await app.close();
      await recorder.stop();
    }
  });
});
