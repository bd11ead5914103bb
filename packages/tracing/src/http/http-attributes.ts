import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
const SENSITIVE_QUERY_KEY = /token|secret|passw|pwd|key|sig|auth|credential|session|code/i;

/** `http.request.method`: the method, or `_OTHER` for non-standard ones (the original is kept apart). */
export function normaliseMethod(method: string | undefined): { method: string; original?: string } {
  const upper = (method ?? 'GET').toUpperCase();
  return KNOWN_METHODS.has(upper) ? { method: upper } : { method: '_OTHER', original: method };
}

/** Span name per semantic conventions: `{method} {route}`, `{method}`, or `HTTP` for `_OTHER`. */
export function httpSpanName(method: string, route: string | undefined): string {
  const base = method === '_OTHER' ? 'HTTP' : method;
  return route ? `${base} ${route}` : base;
}

/** The query with values of secret-looking keys replaced by `REDACTED` (`token`, `key`, `sig`, ...). */
export function scrubQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      if (separator < 0) return pair;
      const key = pair.slice(0, separator);
      let decoded = key;
      try {
        decoded = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return SENSITIVE_QUERY_KEY.test(decoded) ? `${key}=REDACTED` : pair;
    })
    .join('&');
}

/**
 * `url.full` and `url.query` (without its `?`) of an outgoing request, secret-looking query values
 * `REDACTED` as on SERVER spans; no query, no `url.query`.
 */
export function scrubbedClientUrl(url: URL): { full: string; query: string | undefined } {
  const raw = url.search.slice(1);
  const query = raw ? scrubQuery(raw) : undefined;
  return { full: `${url.origin}${url.pathname}${query !== undefined ? `?${query}` : ''}`, query };
}

/** Split `/a/b?x=1` into path and query (without `?`). */
export function splitUrl(url: string): { path: string; query: string | undefined } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: undefined } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

function hostAndPort(host: string | undefined): { address?: string; port?: number } {
  if (!host) return {};
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = bracket >= 0 ? host.indexOf(':', bracket) : host.lastIndexOf(':');
  if (colon < 0) return { address: host };
  const port = Number(host.slice(colon + 1));
  return { address: host.slice(0, colon), ...(Number.isInteger(port) ? { port } : {}) };
}

/** Header values as the string array semantic conventions want for `http.*.header.<name>`. */
export function headerValues(value: string | string[] | number | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [String(value)];
}

/** The SERVER span's start attributes (stable HTTP semantic conventions). */
export function serverRequestAttributes(
  request: IncomingMessage,
  path: string,
  query: string | undefined,
  route: string | undefined,
  captureHeaders: string[],
): Attributes {
  const { method, original } = normaliseMethod(request.method);
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const { address, port } = hostAndPort(request.headers.host);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': encrypted ? 'https' : 'http',
    'network.protocol.version': request.httpVersion,
  };
  if (original !== undefined) attributes['http.request.method_original'] = original;
  if (route !== undefined) attributes['http.route'] = route;
  if (query !== undefined) attributes['url.query'] = scrubQuery(query);
  if (address !== undefined) attributes['server.address'] = address;
  if (port !== undefined) attributes['server.port'] = port;
  const client = request.socket?.remoteAddress;
  if (client !== undefined) attributes['client.address'] = client;
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
  for (const name of captureHeaders) {
    const values = headerValues(request.headers[name]);
    if (values !== undefined) attributes[`http.request.header.${name}`] = values;
  }
  return attributes;
}
