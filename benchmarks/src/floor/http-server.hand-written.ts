import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapGetter,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startWithAttributes, stockPropagator } from './floor-sdk.js';

type Request = IncomingMessage & { originalUrl?: string; route?: { path?: unknown } };

const CORRELATION_HEADER = 'x-correlation-id';
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** An incoming correlation id worth keeping (the same rule as nest-tracing's): else a new one. */
function correlationIdOf(value: string | string[] | undefined): string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256 && PRINTABLE_ASCII.test(value)
    ? value
    : randomUUID();
}

/** The request attributes of the stable HTTP semantic conventions (no query here; a query would go to `url.query`). */
function requestAttributes(request: Request, method: string, path: string): Attributes {
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    'network.protocol.version': request.httpVersion,
  };
  const host = request.headers.host;
  if (host) {
    const colon = host.lastIndexOf(':');
    attributes['server.address'] = colon < 0 ? host : host.slice(0, colon);
    if (colon >= 0) attributes['server.port'] = Number(host.slice(colon + 1));
  }
  const client = request.socket.remoteAddress;
  if (client !== undefined) attributes['client.address'] = client;
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
  return attributes;
}

/**
 * The Express middleware a careful engineer writes for the same SERVER span as nest-tracing's:
 * the correlation id taken (or made) and echoed, the caller's trace continued, the span started
 * with the request attributes, the rest of the pipeline run with the span active and the correlation
 * id in baggage, and at `close` the route Express matched (span name and `http.route`), the status
 * code and the outcome. No route table, ignore list or `@NoTrace()`: what a single application
 * hard-wires.
 */
export function handWrittenServerSpans() {
  return (request: Request, response: ServerResponse, next: () => void): void => {
    const headers = request.headers;
    const correlationId = correlationIdOf(headers[CORRELATION_HEADER]);
    response.setHeader(CORRELATION_HEADER, correlationId);
    const url = request.originalUrl ?? request.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const method = request.method ?? 'GET';
    const parent = stockPropagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const attributes = requestAttributes(request, method, path);
    attributes.correlation_id = correlationId;
    attributes['operation.type'] = 'server';
    const span = startWithAttributes(method, SpanKind.SERVER, attributes, parent);
    response.once('close', () => {
      const route = request.route?.path;
      if (typeof route === 'string' && response.statusCode !== 404) {
        span.setAttribute('http.route', route);
        span.updateName(`${method} ${route}`);
      }
      const status = response.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      const result = !response.writableFinished ? 'cancelled' : status >= 500 ? 'error' : 'success';
      span.setAttribute('operation.result', result);
      span.end();
    });
    const baggage = (propagation.getBaggage(parent) ?? propagation.createBaggage()).setEntry('correlation_id', {
      value: correlationId,
    });
    context.with(trace.setSpan(propagation.setBaggage(parent, baggage), span), next);
  };
}
