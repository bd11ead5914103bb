import { context } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { channel } from 'node:diagnostics_channel';
import { AttributeNames } from '../../attribute-names.js';
import { getCorrelationId } from '../../propagation/correlation-context.js';
import { scrubbedClientUrl } from '../http-attributes.js';
import { runtimeTracerProvider } from '../../runtime/tracing-runtime.js';

const OURS = Symbol.for('huleedu.nest-tracing.fetch-tracing');

/**
 * The undici instrumentation records the query as sent; secret-looking values (`token=…`,
 * `api_key=…`) are replaced as on SERVER spans, in `url.full` and `url.query`.
 */
function scrubRequestUrl(span: Span, origin: string, path: string): void {
  if (!path.includes('?')) return;
  const { full, query } = scrubbedClientUrl(new URL(path, origin));
  span.setAttribute('url.full', full);
  if (query !== undefined) span.setAttribute('url.query', query);
}

/** What turning fetch tracing on returns: a way to turn it off again. */
export interface FetchTracing {
  disable(): void;
}

/**
 * Trace global `fetch` with OpenTelemetry's undici instrumentation, which works through Node's
 * diagnostics channels (no module patching, so it works under ESM): CLIENT spans with semantic
 * conventions, `traceparent`/`tracestate`/`baggage` injected, 4xx/5xx marked as errors. On top,
 * the correlation id header and attribute. Returns undefined when another undici instrumentation
 * (not one of ours) already listens: no duplicate spans.
 */
export async function enableFetchTracing(
  correlationHeader: string,
  isIgnoredHost: (host: string) => boolean,
): Promise<FetchTracing | undefined> {
  // The channel object is process-wide (shared even across jest's module realms): it remembers which
  // instrumentation nest-tracing enabled last, so one left behind by an application that was never
  // closed is taken over rather than mistaken for the application's own undici instrumentation.
  const requests = channel('undici:request:create') as ReturnType<typeof channel> & { [OURS]?: FetchTracing };
  requests[OURS]?.disable();
  if (requests.hasSubscribers) return undefined;
  const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
  // constructed enabled: the instrumentation checks its config's `enabled` on every request
  const instrumentation = new UndiciInstrumentation({
    ignoreRequestHook: (request) => {
      try {
        return isIgnoredHost(new URL(request.origin).hostname);
      } catch {
        return false;
      }
    },
    requestHook: (span, request) => {
      const correlationId = getCorrelationId(context.active());
      span.setAttribute(AttributeNames.OPERATION_TYPE, 'client');
      scrubRequestUrl(span, request.origin, request.path);
      if (correlationId === undefined) return;
      span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
      request.addHeader(correlationHeader, correlationId);
    },
  });
  instrumentation.setTracerProvider(runtimeTracerProvider);
  const tracing: FetchTracing = {
    disable: () => {
      instrumentation.disable();
      if (requests[OURS] === tracing) delete requests[OURS];
    },
  };
  requests[OURS] = tracing;
  return tracing;
}
