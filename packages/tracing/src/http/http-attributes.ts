import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
const SENSITIVE_QUERY_KEY = /token|secret|passw|pwd|key|sig|auth|credential|session|code/i;

/** `http.request.method`: the method, or `_OTHER` for non-standard ones (the original is kept apart). */
export function normaliseMethod(method: string | undefined): { method: string; original?: string } {
  const normalised = serverMethod(method);
  return normalised === '_OTHER' ? { method: normalised, original: method } : { method: normalised };
}

/** `normaliseMethod(method).method`, without the object (one call per request). */
export function serverMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
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

/** `server.address` and `server.port` from a `Host` header (`[::1]:3000`, `example.com`), into `attributes`. */
function setHostAndPort(attributes: Attributes, host: string | undefined): void {
  if (!host) return;
  const bracket = host.charCodeAt(0) === 91 /* [ */ ? host.indexOf(']') : -1;
  const colon = bracket >= 0 ? host.indexOf(':', bracket) : host.lastIndexOf(':');
  if (colon < 0) {
    attributes['server.address'] = host;
    return;
  }
  attributes['server.address'] = host.slice(0, colon);
  const port = Number(host.slice(colon + 1));
  if (Number.isInteger(port)) attributes['server.port'] = port;
}

/** Header values as the string array semantic conventions want for `http.*.header.<name>`. */
export function headerValues(value: string | string[] | number | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [String(value)];
}

/**
 * The SERVER span's start attributes (stable HTTP semantic conventions). `method` is the request's
 * method as `normaliseMethod` gives it.
 */
export function serverRequestAttributes(
  request: IncomingMessage,
  method: string,
  path: string,
  query: string | undefined,
  route: string | undefined,
  captureHeaders: string[],
): Attributes {
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': encrypted ? 'https' : 'http',
    'network.protocol.version': request.httpVersion,
  };
  if (method === '_OTHER') attributes['http.request.method_original'] = request.method;
  if (route !== undefined) attributes['http.route'] = route;
  if (query !== undefined) attributes['url.query'] = scrubQuery(query);
  setHostAndPort(attributes, request.headers.host);
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
