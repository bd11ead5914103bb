import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';

/** A fixed start, so that the page (and its screenshot) is the same on every run. */
export const TRACE_START_MS = Date.UTC(2026, 11, 3, 10, 0, 0);
export const SERVICES = ['api-gateway', 'file-service', 'content-service'] as const;

/** Ids that count up from a seed: the same trace on every run. */
function countingIds(seed: number) {
  let next = seed;
  const id = (length: number): string => (next++).toString(16).padStart(length, '0');
  return { generateTraceId: () => id(32), generateSpanId: () => id(16) };
}

/** What the upload trace holds, by span name: service, parent, depth in the waterfall. */
export const UPLOAD_SPANS = [
  { name: 'POST /essays', service: 'api-gateway', parent: undefined, depth: 0 },
  { name: 'EssaysController.upload', service: 'api-gateway', parent: 'POST /essays', depth: 1 },
  { name: 'POST', service: 'api-gateway', parent: 'EssaysController.upload', depth: 2 },
  { name: 'POST /files', service: 'file-service', parent: 'POST', depth: 3 },
  { name: 'FileService.store', service: 'file-service', parent: 'POST /files', depth: 4 },
  { name: 'POST /content', service: 'content-service', parent: 'FileService.store', depth: 5 },
  { name: 'ContentService.save', service: 'content-service', parent: 'POST /content', depth: 6 },
  { name: 'essay.uploaded publish', service: 'file-service', parent: 'POST /files', depth: 4 },
] as const;
/** The span that fails (status ERROR, an `exception` event). */
export const ERROR_SPAN = 'ContentService.save';
/** The span with a `file.stored` event and a `file.size` attribute. */
export const EVENT_SPAN = 'FileService.store';
/** The second trace's only span, linked to the publish span of the first. */
export const LINKED_SPAN = 'essay.uploaded process';

/**
 * Two traces of three services, made by the real SDK (one provider per service, as three processes would
 * have) and handed to `exporterFor`: an upload through the gateway, the file service and the content service
 * whose last span fails, and a consumer span, in a trace of its own, linked to the upload's publish span.
 */
export async function makeMultiServiceTraces(exporterFor: (service: string) => SpanExporter): Promise<void> {
  const providers = SERVICES.map(
    (service, index) =>
      new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.0.0' }),
        idGenerator: countingIds(0x1000 * (index + 1)),
        spanProcessors: [new SimpleSpanProcessor({ exporter: exporterFor(service) })],
      }),
  );
  const [gateway, files, content] = providers.map((provider) => provider.getTracer('viewer-fixture', '1.0.0'));
  const at = (ms: number): number => TRACE_START_MS + ms;
  const child = (tracer: Tracer, name: string, parent: Span, kind: SpanKind, start: number): Span =>
    tracer.startSpan(name, { kind, startTime: at(start) }, trace.setSpan(context.active(), parent));

  const root = gateway.startSpan('POST /essays', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: { 'http.request.method': 'POST', 'http.route': '/essays', 'http.response.status_code': 201 },
  });
  const controller = child(gateway, 'EssaysController.upload', root, SpanKind.INTERNAL, 1);
  const call = child(gateway, 'POST', controller, SpanKind.CLIENT, 2);
  const server = child(files, 'POST /files', call, SpanKind.SERVER, 4);
  const store = child(files, 'FileService.store', server, SpanKind.INTERNAL, 5);
  store.setAttribute('file.size', 54);
  store.addEvent('file.stored', { 'file.name': 'summer-holiday.txt' }, at(9));
  const save = child(content, 'POST /content', store, SpanKind.SERVER, 10);
  const saveMethod = child(content, 'ContentService.save', save, SpanKind.INTERNAL, 11);
  // No stack: the page (and the screenshot) stays the same wherever the spec runs.
  saveMethod.recordException({ name: 'ContentStoreError', message: 'content store unavailable' }, at(16));
  saveMethod.setStatus({ code: SpanStatusCode.ERROR, message: 'content store unavailable' });
  saveMethod.end(at(17));
  save.end(at(18));
  store.end(at(19));
  const publish = child(files, 'essay.uploaded publish', server, SpanKind.PRODUCER, 20);
  publish.setAttribute('messaging.destination.name', 'essay.uploaded');
  publish.end(at(23));
  server.end(at(24));
  call.end(at(25));
  controller.end(at(26));
  root.end(at(27));

  const consume = content.startSpan('essay.uploaded process', {
    kind: SpanKind.CONSUMER,
    startTime: at(30),
    root: true,
    links: [{ context: publish.spanContext(), attributes: { 'link.reason': 'message' } }],
  });
  consume.end(at(42));

  await Promise.all(providers.map((provider) => provider.shutdown()));
}

/** The traces exported over OTLP/HTTP (protobuf) to `endpoint`, as a service would. */
export function exportMultiServiceTraces(endpoint: string): Promise<void> {
  return makeMultiServiceTraces(() => new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }));
}

/** The traces exported over OTLP and decoded by the testing package's receiver, every span of them. */
export async function receivedMultiServiceTraces(): Promise<ReceivedSpan[]> {
  const receiver = await new OtlpTraceReceiver().start();
  try {
    await exportMultiServiceTraces(receiver.endpoint);
    await receiver.waitFor(UPLOAD_SPANS.length + 1);
  } finally {
    await receiver.stop();
  }
  return receiver.spans;
}

/** The traces as the SDK's finished spans (`ReadableSpan`), in memory. */
export async function readableMultiServiceTraces(): Promise<ReturnType<InMemorySpanExporter['getFinishedSpans']>> {
  const exporter = new InMemorySpanExporter();
  // The exporter is shared by the three providers: shutdown of one must not clear it.
  const shared: SpanExporter = {
    export: (spans, done) => exporter.export(spans, done),
    shutdown: async () => undefined,
  };
  await makeMultiServiceTraces(() => shared);
  return exporter.getFinishedSpans();
}
