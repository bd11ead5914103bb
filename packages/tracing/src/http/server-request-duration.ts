import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import type { ServerResponse } from 'node:http';
import { DurationHistogram } from '../metrics/duration-histogram.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import type { ServerSpanState } from './server-span.state.js';

/**
 * `http.server.request.duration` (stable HTTP semantic conventions) for requests whose SERVER span
 * this library made. A request `instrumentation-http` handles is left to it: it records the same
 * metric, with the route this library hands it.
 */
export const serverRequestDuration = new DurationHistogram(
  'http.server.request.duration',
  'Duration of HTTP server requests.',
  { name: PACKAGE_NAME, version: PACKAGE_VERSION },
);

/**
 * Record one request, from `startedAt` (`performance.now()` when the middleware saw it) to the
 * response's close: `http.request.method`, `url.scheme`, `http.route` when known,
 * `http.response.status_code`, `network.protocol.version`, and `error.type` (the status code) for 5xx.
 * In the SERVER span's context, for exemplars.
 */
export function recordServerRequestDuration(
  state: ServerSpanState,
  spanAttributes: Attributes,
  response: ServerResponse,
  startedAt: number,
): void {
  const status = response.statusCode;
  const attributes: Attributes = {
    'http.request.method': state.method,
    'url.scheme': spanAttributes['url.scheme'],
    'http.response.status_code': status,
  };
  const version = spanAttributes['network.protocol.version'];
  if (version !== undefined) attributes['network.protocol.version'] = version;
  if (state.route !== undefined) attributes['http.route'] = state.route;
  if (status >= 500) attributes['error.type'] = String(status);
  serverRequestDuration.record(
    (performance.now() - startedAt) / 1000,
    attributes,
    trace.setSpan(ROOT_CONTEXT, state.span),
  );
}
