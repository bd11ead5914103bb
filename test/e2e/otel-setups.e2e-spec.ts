import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { formatReceivedSpanTree } from '../harness/received-span-tree.js';
import { startOtelSetupsApp } from '../harness/otel-setups-app.js';
import type { OtelSetup } from '../harness/otel-setups-app.js';
import type { RunningService } from '../harness/start-service.js';

/**
 * One request is one trace with one SERVER span, whatever OpenTelemetry set-up the application runs
 * beside nest-tracing: ours alone, the application's NodeSDK with `getNodeAutoInstrumentations()`
 * defaults (http, express, router, undici, ... through the ESM loader hook), or `HttpInstrumentation`
 * alone. The fixture (`test/fixtures/otel-setups`) runs as a real process with its set-up preloaded by
 * `node --import`, and exports over OTLP to the receiver here.
 */
const PROCESS_TIMEOUT_MS = 120_000;
const SERVER = 2;
const INCOMING_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const SETUPS: ReadonlyArray<[OtelSetup, 'express' | 'fastify', string]> = [
  ['ours', 'express', '@huleedu/nest-tracing'],
  ['ours', 'fastify', '@huleedu/nest-tracing'],
  ['node-sdk', 'express', '@opentelemetry/instrumentation-http'],
  ['node-sdk', 'fastify', '@opentelemetry/instrumentation-http'],
  ['http-only', 'express', '@opentelemetry/instrumentation-http'],
  ['http-only', 'fastify', '@opentelemetry/instrumentation-http'],
  // startTracing() beside the NodeSDK reuses its provider: nothing is started or exported twice
  ['node-sdk-and-ours', 'express', '@opentelemetry/instrumentation-http'],
];

/** The spans of the trace `traceId`, once its `greeter.greet` span and its SERVER span have arrived. */
async function traceOf(receiver: OtlpTraceReceiver, find: (spans: readonly ReceivedSpan[]) => string | undefined) {
  await receiver
    .waitFor((spans) => {
      const traceId = find(spans);
      const trace = spans.filter((span) => span.traceId === traceId);
      return trace.some((span) => span.kind === SERVER) && trace.some((span) => span.name === 'greeter.greet');
    }, 20_000)
    .catch(() => undefined);
  const traceId = find(receiver.spans);
  return receiver.spans.filter((span) => span.traceId === traceId);
}

/** A span of a `GET /greet/...` request (not of the health checks that tell the process is up). */
const isGreeting = (span: ReceivedSpan): boolean => String(span.attributes['url.path']).startsWith('/greet/');

/** True when `descendant` sits under `ancestor` through spans of `trace`. */
function isDescendant(trace: readonly ReceivedSpan[], descendant: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  for (let span = byId.get(descendant.parentSpanId); span; span = byId.get(span.parentSpanId)) {
    if (span.spanId === ancestor.spanId) return true;
  }
  return false;
}

describe.each(SETUPS)('beside OpenTelemetry set-up %s on %s', (setup, adapter, serverScope) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningService;

  beforeAll(async () => {
    receiver = await new OtlpTraceReceiver().start();
    app = await startOtelSetupsApp(setup, receiver.endpoint, { ADAPTER: adapter });
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  }, PROCESS_TIMEOUT_MS);

  const explain = (spans: readonly ReceivedSpan[]): string =>
    `every span received:\n${formatReceivedSpanTree(spans)}\n\nthe application's output:\n${app.output()}`;

  it(
    'makes one trace with one SERVER span per request, named by the route, over the @Traced span',
    async () => {
      const response = await fetch(`${app.url}/greet/ada`, { headers: { 'x-correlation-id': `corr-${setup}-1` } });
      expect(await response.json()).toEqual({ greeting: 'Hello, ada' });
      const correlated = (spans: readonly ReceivedSpan[]) =>
        spans.find((span) => span.kind === SERVER && span.attributes.correlation_id === `corr-${setup}-1`)?.traceId;
      const trace = await traceOf(receiver, correlated);

      const context = explain(receiver.spans);
      // the health checks of start-up are SERVER spans of instrumentation-http: only this request's count
      const servers = receiver.spans.filter((span) => span.kind === SERVER && isGreeting(span));
      expect(servers.length === 1 ? 'one SERVER span' : context).toBe('one SERVER span');
      const [server] = servers;
      expect({ name: server.name, scope: server.scope.name, parent: server.parentSpanId }).toEqual({
        name: 'GET /greet/:name',
        scope: serverScope,
        parent: '',
      });
      expect(server.attributes).toMatchObject({
        'http.route': '/greet/:name',
        'http.response.status_code': 200,
        correlation_id: `corr-${setup}-1`,
      });
      // every span of the request is in the one trace
      const greetingSpans = receiver.spans.filter((span) => isGreeting(span) || span.name === 'greeter.greet');
      expect(new Set(greetingSpans.map((span) => span.traceId))).toEqual(new Set([server.traceId]));
      if (setup !== 'ours' && setup !== 'http-only' && adapter === 'express') {
        // the set-up that used to split a request in two: the router's middleware spans are active when ours runs
        const scopes = new Set(trace.map((span) => span.scope.name));
        expect(scopes).toEqual(
          new Set([
            '@opentelemetry/instrumentation-http',
            '@opentelemetry/instrumentation-express',
            '@opentelemetry/instrumentation-router',
            '@huleedu/nest-tracing',
          ]),
        );
      }
      // exported once: no second provider of nest-tracing's own beside the application's
      expect(trace.filter((span) => span.name === 'greeter.greet')).toHaveLength(1);
      const greet = trace.find((span) => span.name === 'greeter.greet');
      expect(greet && isDescendant(trace, greet, server) ? 'under the SERVER span' : context).toBe(
        'under the SERVER span',
      );
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'honours an incoming traceparent once',
    async () => {
      const parent = '00f067aa0ba902b7';
      const response = await fetch(`${app.url}/greet/grace`, {
        headers: { traceparent: `00-${INCOMING_TRACE_ID}-${parent}-01` },
      });
      expect(response.status).toBe(200);
      const trace = await traceOf(receiver, () => INCOMING_TRACE_ID);
      const servers = trace.filter((span) => span.kind === SERVER);
      const context = explain(receiver.spans);
      const parents = servers.map((span) => span.parentSpanId).join();
      expect(parents === parent ? 'one SERVER span, under the caller' : context).toBe(
        'one SERVER span, under the caller',
      );
      expect(servers[0].name).toBe('GET /greet/:name');
      expect(trace.some((span) => span.name === 'greeter.greet')).toBe(true);
    },
    PROCESS_TIMEOUT_MS,
  );
});
