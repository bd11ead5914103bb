import type { ObjectLiteralExpression } from 'typescript';
import type { SourceLocation } from '../types.js';
import type { AnalysisContext } from './analysis-context.js';
import type { ServiceFacts } from './collect-facts.js';
import { propertyOf, staticString } from './static-values.js';

/** `http.ignorePaths` of `@huleedu/nest-tracing` when none is given (kept in step with its resolve-http-options.ts). */
export const DEFAULT_IGNORED_PATHS = ['/health', '/health/*', '/healthz', '/livez', '/readyz', '/metrics'];

/** What a service's tracing set-up means for its entry points. */
export interface TracingSettings {
  initialised: boolean;
  /** SERVER spans for routes: on with a `TracingModule` whose `http` is not `false`. */
  http: { on: boolean; reason: string };
  /** The ignored-path pattern a route matches, if any. */
  ignoredBy(route: string): string | undefined;
  spanNamePrefix: string | undefined;
  serviceName: string | undefined;
  traceMicroservice: SourceLocation | undefined;
  globalPrefix: string | undefined;
}

/** `*` any run of characters, `?` one character, as the core's path matcher reads globs. */
function globMatches(glob: string, value: string): boolean {
  const matchFrom = (g: number, v: number): boolean => {
    if (g === glob.length) return v === value.length;
    if (glob[g] === '*') {
      for (let next = v; next <= value.length; next += 1) if (matchFrom(g + 1, next)) return true;
      return false;
    }
    return v < value.length && (glob[g] === '?' || glob[g] === value[v]) && matchFrom(g + 1, v + 1);
  };
  return matchFrom(0, 0);
}

/** The ignored paths written in `http.ignorePaths`: strings, globs and regular expression literals. */
function ignoredPaths(context: AnalysisContext, http: ObjectLiteralExpression | undefined): Array<string | RegExp> {
  const { ts } = context;
  const list = propertyOf(context, http, 'ignorePaths');
  if (!list || !ts.isArrayLiteralExpression(list)) return DEFAULT_IGNORED_PATHS;
  const patterns: Array<string | RegExp> = [];
  for (const element of list.elements) {
    if (ts.isRegularExpressionLiteral(element)) {
      const text = element.text;
      const end = text.lastIndexOf('/');
      patterns.push(new RegExp(text.slice(1, end), text.slice(end + 1).replace(/[gy]/g, '')));
    } else {
      const value = staticString(context, element);
      if (value !== undefined) patterns.push(value);
    }
  }
  return patterns;
}

/** Reads the options of the first `TracingModule.forRoot` and `startTracing` calls of the service. */
export function tracingSettings(context: AnalysisContext, facts: ServiceFacts): TracingSettings {
  const { ts } = context;
  const module = facts.tracingModule[0];
  const optionSources = [...facts.tracingModule, ...facts.startTracing].map((call) => call.options);
  const option = (name: string): string | undefined =>
    optionSources.map((options) => staticString(context, propertyOf(context, options, name))).find(Boolean);
  const serviceName = option('serviceName');
  const httpOption = propertyOf(context, module?.options, 'http');
  const httpOff = httpOption !== undefined && httpOption.kind === ts.SyntaxKind.FalseKeyword;
  const httpObject = httpOption && ts.isObjectLiteralExpression(httpOption) ? httpOption : undefined;
  const patterns = ignoredPaths(context, httpObject);
  return {
    initialised: facts.startTracing.length > 0 || facts.tracingModule.length > 0,
    http: !module
      ? {
          on: false,
          reason:
            facts.startTracing.length > 0
              ? 'no TracingModule: startTracing() alone makes no SERVER spans'
              : 'tracing is not initialised',
        }
      : httpOff
        ? { on: false, reason: 'TracingModule has http: false' }
        : { on: true, reason: 'SERVER span (TracingModule)' },
    ignoredBy: (route) =>
      patterns
        .map((pattern) =>
          typeof pattern === 'string'
            ? globMatches(pattern, route)
              ? pattern
              : ''
            : pattern.test(route)
              ? String(pattern)
              : '',
        )
        .find((found) => found !== ''),
    spanNamePrefix: option('spanNamePrefix') ?? serviceName?.replace(/[-_.]service$/, ''),
    serviceName,
    traceMicroservice: facts.traceMicroservice[0],
    globalPrefix: facts.globalPrefix,
  };
}
