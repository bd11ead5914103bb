import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AttributeNames, OperationResult } from '../attribute-names.js';
import { runtime } from '../runtime/tracing-runtime.js';
import { safeExecute } from '../utils/safe-execute.js';
import { headerValues, httpSpanName } from './http-attributes.js';

const STATE_KEY = Symbol.for('huleedu.nest-tracing.server-span');

/** What the middleware leaves on the request for the interceptor and the response's end. */
export interface ServerSpanState {
  span: Span;
  /** True when this library made the span (else instrumentation-http did, and ends it). */
  owned: boolean;
  method: string;
  route: string | undefined;
  /** An error the handler threw, seen by the interceptor. */
  error?: unknown;
  enriched: boolean;
}

type StateCarrier = { [STATE_KEY]?: ServerSpanState };

export function serverSpanStateOf(request: object): ServerSpanState | undefined {
  return (request as StateCarrier)[STATE_KEY];
}

export function attachServerSpanState(request: object, state: ServerSpanState): void {
  (request as StateCarrier)[STATE_KEY] = state;
}

/** Name the span after its route once the route is known (and set `http.route`). */
export function setServerRoute(state: ServerSpanState, route: string): void {
  if (state.route === route || !state.span.isRecording()) return;
  state.route = route;
  state.span.setAttribute('http.route', route);
  state.span.updateName(httpSpanName(state.method, route));
}

/**
 * End a span this library started, from the response: status code, captured response headers,
 * and the outcome. 5xx (or an error the classifier counts) is ERROR with `error.type` (the thrown
 * class when the interceptor saw one, else the status code); 4xx leaves the status unset; a
 * response that closed before it finished is `cancelled`.
 */
export function endServerSpan(
  state: ServerSpanState,
  request: IncomingMessage & { route?: { path?: unknown } },
  response: ServerResponse,
  captureHeaders: string[],
): void {
  const { span } = state;
  if (span.isRecording()) {
    if (state.route === undefined && typeof request.route?.path === 'string') setServerRoute(state, request.route.path);
    span.setAttribute('http.response.status_code', response.statusCode);
    for (const name of captureHeaders) {
      const values = headerValues(response.getHeader(name));
      if (values !== undefined) span.setAttribute(`http.response.header.${name}`, values);
    }
    const failed = response.statusCode >= 500 && (state.error === undefined || classifiedAsError(state));
    if (failed) {
      const error = state.error;
      span.setAttribute('error.type', error instanceof Error ? error.constructor.name : String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
      if (error instanceof Error)
        span.recordException({ name: error.constructor.name, message: error.message, stack: error.stack });
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

function classifiedAsError(state: ServerSpanState): boolean {
  return (
    (safeExecute('http server span (errorClassifier)', () => runtime.errorClassifier(state.error, 2)) ?? 'error') ===
    'error'
  );
}
