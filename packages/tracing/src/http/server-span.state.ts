import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { ServerResponse } from 'node:http';
import { AttributeNames, OperationResult } from '../attribute-names.js';
import { safeExecute } from '../utils/safe-execute.js';
import { headerValues, httpSpanName } from './http-attributes.js';

/** What the middleware keeps for the end of a request (in the response's listener). */
export interface ServerSpanState {
  span: Span;
  /** True when this library made the span (else instrumentation-http did, and ends it). */
  owned: boolean;
  method: string;
  route: string | undefined;
  /** Late attributes (route fallback, `user.id`) were set. */
  completed: boolean;
}

/** Name the span after its route once the route is known (and set `http.route`). */
export function setServerRoute(state: ServerSpanState, route: string): void {
  if (state.route === route || !state.span.isRecording()) return;
  state.route = route;
  state.span.setAttribute('http.route', route);
  state.span.updateName(httpSpanName(state.method, route));
}

/** The request object guards write to: Express's request, or Fastify's (not the raw one). */
export type RequestSource = { route?: { path?: unknown }; user?: unknown };

/**
 * Just before the response finishes (`prefinish`, ahead of instrumentation-http's own `finish`
 * listener): the framework's matched route when the route table had none, and `user.id`, which
 * guards have set by then. Once per request. A 404 that the route table did not match is an
 * unmatched request: the route Express reports for it is the catch-all Nest mounts under a global
 * prefix to answer 404 (`*path`), not a route of the application, so it is not taken.
 */
export function completeServerSpan(
  state: ServerSpanState,
  source: RequestSource,
  response: ServerResponse,
  userId: (request: any) => string | number | undefined,
): void {
  if (state.completed) return;
  state.completed = true;
  if (!state.span.isRecording()) return;
  if (state.route === undefined && typeof source.route?.path === 'string' && response.statusCode !== 404) {
    setServerRoute(state, source.route.path);
  }
  const user = safeExecute('http.userId', () => userId(source));
  if (user !== undefined) state.span.setAttribute('user.id', String(user));
}

/**
 * End a span this library started, from the response: status code, captured response headers and
 * the outcome. 5xx is ERROR with `error.type` set to the status code; 4xx leaves the status unset; a
 * response that closed before it finished is `cancelled`. (The exception itself is recorded on the
 * `@Traced()` span it escaped from.)
 */
export function endServerSpan(state: ServerSpanState, response: ServerResponse, captureHeaders: string[]): void {
  const { span } = state;
  if (span.isRecording()) {
    span.setAttribute('http.response.status_code', response.statusCode);
    for (const name of captureHeaders) {
      const values = headerValues(response.getHeader(name));
      if (values !== undefined) span.setAttribute(`http.response.header.${name}`, values);
    }
    const failed = response.statusCode >= 500;
    if (failed) {
      span.setAttribute('error.type', String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    const result = !response.writableFinished
      ? OperationResult.CANCELLED
      : failed
        ? OperationResult.ERROR
        : OperationResult.SUCCESS;
    span.setAttribute(AttributeNames.OPERATION_RESULT, result);
  }
  span.end();
}
