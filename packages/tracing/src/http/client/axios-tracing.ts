import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import http from 'node:http';
import { AttributeNames, OperationResult } from '../../attribute-names.js';
import { getCorrelationId } from '../../propagation/correlation-context.js';
import { currentTracer, runtime } from '../../runtime/tracing-runtime.js';
import { httpSpanName, normaliseMethod, scrubbedClientUrl } from '../http-attributes.js';

/** The parts of an axios instance this uses (axios is never imported at runtime). */
export interface AxiosLike {
  getUri(config?: AxiosConfigLike): string;
  interceptors: {
    request: { use(onFulfilled: (config: AxiosConfigLike) => AxiosConfigLike): unknown };
    response: {
      use(onFulfilled: (response: AxiosResponseLike) => unknown, onRejected: (error: unknown) => unknown): unknown;
    };
  };
}
interface AxiosConfigLike {
  method?: string;
  url?: string;
  headers?: { set?: (name: string, value: string) => unknown } & Record<string, unknown>;
  [key: symbol]: unknown;
}
interface AxiosResponseLike {
  status: number;
  config: AxiosConfigLike;
}

const TRACED = Symbol.for('huleedu.nest-tracing.axios-traced');
const SPAN = Symbol.for('huleedu.nest-tracing.axios-span');

/** instrumentation-http patched `http.request` (shimmer marks wrappers): it makes the CLIENT spans. */
function httpInstrumentationActive(): boolean {
  return (http.request as { __wrapped?: boolean }).__wrapped === true;
}

function clientAttributes(method: string, original: string | undefined, url: URL): Attributes {
  const { full, query } = scrubbedClientUrl(url);
  const attributes: Attributes = {
    'http.request.method': method,
    'server.address': url.hostname,
    'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    'url.full': full,
    // what the undici instrumentation sets on fetch's CLIENT spans too
    'url.scheme': url.protocol.replace(/:$/, ''),
    'url.path': url.pathname,
    [AttributeNames.OPERATION_TYPE]: 'client',
  };
  if (query !== undefined) attributes['url.query'] = query;
  if (original !== undefined) attributes['http.request.method_original'] = original;
  return attributes;
}

function endClientSpan(span: Span | undefined, status: number | undefined, error?: unknown): void {
  if (!span) return;
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const failed = status === undefined ? error !== undefined : status >= 400;
  if (failed) {
    const code = (error as { code?: unknown } | undefined)?.code;
    span.setAttribute('error.type', status !== undefined ? String(status) : typeof code === 'string' ? code : '_OTHER');
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.setAttribute(AttributeNames.OPERATION_RESULT, failed ? OperationResult.ERROR : OperationResult.SUCCESS);
  span.end();
}

/**
 * Trace an axios instance (for example `HttpService.axiosRef` of `@nestjs/axios`) through axios's
 * own interceptors: a CLIENT span per request (unless instrumentation-http already makes them),
 * `traceparent`/`tracestate`/`baggage` and the correlation id header on the request. Hosts for
 * which `isIgnoredHost` is true are left alone. Idempotent per instance.
 */
export function traceAxios(
  axios: AxiosLike,
  correlationHeader: string,
  isIgnoredHost: (host: string) => boolean,
): void {
  const marked = axios as AxiosLike & { [TRACED]?: boolean };
  if (marked[TRACED]) return;
  marked[TRACED] = true;
  axios.interceptors.request.use((config) => {
    if (!runtime.enabled) return config;
    let url: URL;
    try {
      url = new URL(axios.getUri(config));
    } catch {
      return config;
    }
    if (isIgnoredHost(url.hostname)) return config;
    const parent = context.active();
    const { method, original } = normaliseMethod(config.method);
    const span = httpInstrumentationActive()
      ? undefined
      : currentTracer().startSpan(
          httpSpanName(method, undefined),
          { kind: SpanKind.CLIENT, attributes: clientAttributes(method, original, url) },
          parent,
        );
    const carrier: Record<string, string> = {};
    propagation.inject(span ? trace.setSpan(parent, span) : parent, carrier);
    const correlationId = getCorrelationId(parent);
    if (correlationId !== undefined) {
      carrier[correlationHeader] = correlationId;
      span?.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
    }
    for (const [name, value] of Object.entries(carrier)) {
      if (typeof config.headers?.set === 'function') config.headers.set(name, value);
      else config.headers = { ...config.headers, [name]: value };
    }
    config[SPAN] = span;
    return config;
  });
  axios.interceptors.response.use(
    (response) => {
      endClientSpan(response.config[SPAN] as Span | undefined, response.status);
      return response;
    },
    (error: unknown) => {
      const failure = error as { config?: AxiosConfigLike; response?: { status?: number } };
      endClientSpan(failure.config?.[SPAN] as Span | undefined, failure.response?.status, error);
      // the caller must get axios's own error object, whatever it is
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    },
  );
}
