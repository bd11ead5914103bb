import { TracingConfigError } from '../tracing.errors.js';
import type { HttpTracingOptions } from '../tracing.options.js';
import { globToRegExp } from '../utils/glob-to-regexp.js';

/** HTTP options after defaults and validation. @internal */
export interface ResolvedHttpOptions {
  correlationHeader: string;
  traceResponseHeader: 'traceparent' | 'x-trace-id' | false;
  isIgnoredPath: (path: string) => boolean;
  captureRequestHeaders: string[];
  captureResponseHeaders: string[];
  userId: (request: any) => string | number | undefined;
  client: { fetch: boolean; axios: boolean; isIgnoredHost: (host: string) => boolean } | false;
}

const DEFAULT_IGNORED_PATHS = ['/health', '/health/*', '/healthz', '/livez', '/readyz', '/metrics'];
const NEVER_CAPTURED_REQUEST = new Set(['authorization', 'cookie', 'proxy-authorization']);
const NEVER_CAPTURED_RESPONSE = new Set(['set-cookie']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Whether a path (or host) is listed: exact strings by set lookup, globs and regular expressions by
 * one combined expression. A user's `g` or `y` flag is dropped, as it would make `test` depend on the
 * previous call.
 */
function matcher(patterns: Array<string | RegExp>): (value: string) => boolean {
  const exact = new Set(patterns.filter((p): p is string => typeof p === 'string' && !/[*?]/.test(p)));
  const regexps = patterns
    .map((p) => (typeof p === 'string' ? (/[*?]/.test(p) ? globToRegExp(p) : undefined) : p))
    .filter((p): p is RegExp => p !== undefined)
    .map((regexp) => new RegExp(regexp.source, regexp.flags.replace(/[gy]/g, '')));
  const flags = new Set(regexps.map((regexp) => regexp.flags));
  const combined =
    flags.size === 1 ? [new RegExp(regexps.map((r) => `(?:${r.source})`).join('|'), [...flags][0])] : regexps;
  return (value) => {
    if (exact.has(value)) return true;
    for (const regexp of combined) if (regexp.test(value)) return true;
    return false;
  };
}

function headerList(names: string[] | undefined, forbidden: Set<string>, option: string): string[] {
  return (names ?? []).map((name) => {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(lower)) {
      throw TracingConfigError.create(`http.${option} has an invalid header name: ${JSON.stringify(name)}.`, [
        'List header names only, for example x-request-id.',
      ]);
    }
    if (forbidden.has(lower)) {
      throw TracingConfigError.create(
        `http.${option} lists ${lower}, which is never recorded: it carries credentials.`,
        [`Remove ${lower} from http.${option}.`],
      );
    }
    return lower;
  });
}

function defaultUserId(request: { user?: { id?: unknown; sub?: unknown } }): string | number | undefined {
  const user = request.user;
  if (user === undefined || user === null) return undefined;
  const { id, sub } = user;
  if (typeof id === 'string' || typeof id === 'number') return id;
  return typeof sub === 'string' || typeof sub === 'number' ? sub : undefined;
}

/** Apply defaults to the module's `http` option; `undefined` when HTTP tracing is off. @internal */
export function resolveHttpOptions(options: HttpTracingOptions | false | undefined): ResolvedHttpOptions | undefined {
  if (options === false) return undefined;
  const http = options ?? {};
  const correlationHeader = (http.correlationHeader ?? 'x-correlation-id').toLowerCase();
  if (!HEADER_NAME.test(correlationHeader)) {
    throw TracingConfigError.create(
      `http.correlationHeader ${JSON.stringify(http.correlationHeader)} is not a header name.`,
      ["Use a header name such as 'x-correlation-id'."],
    );
  }
  const client = http.client === false ? false : (http.client ?? {});
  return {
    correlationHeader,
    traceResponseHeader: http.traceResponseHeader ?? false,
    isIgnoredPath: matcher(http.ignorePaths ?? DEFAULT_IGNORED_PATHS),
    captureRequestHeaders: headerList(http.captureRequestHeaders, NEVER_CAPTURED_REQUEST, 'captureRequestHeaders'),
    captureResponseHeaders: headerList(http.captureResponseHeaders, NEVER_CAPTURED_RESPONSE, 'captureResponseHeaders'),
    userId: http.userId ?? defaultUserId,
    client: client && {
      fetch: client.fetch ?? true,
      axios: client.axios ?? true,
      isIgnoredHost: matcher(client.ignoreHosts ?? []),
    },
  };
}
