import type { IncomingMessage, ServerResponse } from 'node:http';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing/otlp';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing/otlp';
import { buildViewerData } from '../model/build-viewer-data.js';
import { renderPayloadHtml } from '../page/render-page.js';
import type { ViewerPagePayload } from '../types.js';

/** Options of {@link startTraceViewerServer}. */
export interface TraceViewerServerOptions {
  /** Port on 127.0.0.1. Default: `4318`, the OTLP/HTTP port, so the exporters' default endpoint reaches it. */
  port?: number;
  /** The page's title. Default: `'Traces (live)'`. */
  title?: string;
  /** How often the page asks for new spans. Default: `1000` (ms). */
  pollIntervalMs?: number;
  /** The most spans kept; the oldest go first. Default: `20000`. */
  maxSpans?: number;
}

/** A running viewer server: OTLP in on `/v1/traces`, the page on `/`, its data on `/api/traces`. */
export interface TraceViewerServer {
  /** `http://127.0.0.1:<port>`: the page, and the value for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  /** The spans received so far. */
  readonly spans: readonly ReceivedSpan[];
  stop(): Promise<void>;
}

export const TRACES_ENDPOINT = '/api/traces';

/**
 * Receives OTLP/HTTP traces (protobuf or JSON) with the testing package's `OtlpTraceReceiver`, the receiver
 * the end-to-end tests use, and serves on the same port a viewer page that shows the traces as they arrive
 * (the page polls `/api/traces`, which answers 204 while nothing changed).
 */
export async function startTraceViewerServer(options: TraceViewerServerOptions = {}): Promise<TraceViewerServer> {
  const { port = 4318, title = 'Traces (live)', pollIntervalMs = 1000, maxSpans = 20_000 } = options;
  const payload = (): ViewerPagePayload => {
    // The receiver's array is the store: trimmed here, where it is read, rather than on every export.
    if (receiver.spans.length > maxSpans) receiver.spans.splice(0, receiver.spans.length - maxSpans);
    return {
      data: buildViewerData(receiver.spans, title),
      live: { endpoint: TRACES_ENDPOINT, version: receiver.requests, intervalMs: pollIntervalMs },
    };
  };
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderPayloadHtml(payload()));
    } else if (request.method === 'GET' && url.pathname === TRACES_ENDPOINT) {
      if (url.searchParams.get('version') === String(receiver.requests)) {
        response.writeHead(204).end();
        return;
      }
      const body = JSON.stringify(payload(), (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: the viewer serves /, /api/traces and /v1/traces.');
    }
  };
  const receiver = new OtlpTraceReceiver({ otherRequests: answer });
  await receiver.start(port);
  return {
    url: receiver.endpoint,
    get spans() {
      return receiver.spans;
    },
    stop: () => receiver.stop(),
  };
}
