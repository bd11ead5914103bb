import { Inject, Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { RPCType, getRPCMetadata, suppressTracing } from '@opentelemetry/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AttributeNames } from '../attribute-names.js';
import { isValidCorrelationId } from '../propagation/correlation-context.js';
import { incomingHeadersGetter } from '../propagation/record-carrier.getter.js';
import { currentTracer, runtime } from '../runtime/tracing-runtime.js';
import { makesNoSpanUnder } from '../wrapping/start-operation-span.js';
import { HTTP_TRACING_OPTIONS } from './http-tracing.tokens.js';
import { httpSpanName, serverMethod, serverRequestAttributes } from './http-attributes.js';
import { serverRequestContext } from './server-request-context.js';
import { HttpRouteTable } from './http-route-table.js';
import type { ResolvedHttpOptions } from './resolve-http-options.js';
import { completeServerSpan, endServerSpan, setServerRoute } from './server-span.state.js';
import { recordServerRequestDuration } from './server-request-duration.js';
import type { RequestSource, ServerSpanState } from './server-span.state.js';

type Request = IncomingMessage & { originalUrl?: string };

type SdkSpan = Span & { kind?: SpanKind; ended?: boolean };

const isOpenServerSpan = (span: SdkSpan | undefined): span is SdkSpan =>
  span !== undefined && span.isRecording() && span.kind === SpanKind.SERVER && span.ended !== true;

/**
 * The SERVER span `instrumentation-http` already started for this request, if any. It is the active
 * span when nothing runs between node:http and this middleware; under the express or router
 * instrumentation a middleware span is active instead, and the SERVER span is found through the RPC
 * metadata instrumentation-http puts in the request's context (where instrumentation-express finds it
 * to set the route).
 */
function instrumentationServerSpan(active: Context): Span | undefined {
  const span: SdkSpan | undefined = trace.getSpan(active);
  if (isOpenServerSpan(span)) return span;
  const rpc = getRPCMetadata(active);
  const server: SdkSpan | undefined = rpc?.type === RPCType.HTTP ? rpc.span : undefined;
  return isOpenServerSpan(server) ? server : undefined;
}

/** The parts of a Fastify request and reply this uses (Fastify is never imported). */
export interface FastifyRequestLike extends RequestSource {
  raw: Request;
  routeOptions?: { url?: unknown };
}

/**
 * Runs first for every request (an Express middleware, or a Fastify `onRequest` hook): takes the correlation id
 * (or makes one) and echoes it, continues the caller's trace, starts the SERVER span named after
 * the route (or adopts the one instrumentation-http made), and runs the rest of the pipeline
 * (guards, interceptors, the handler) with that span active. Ignored paths and `@NoTrace()` routes
 * get no span at all.
 */
@Injectable()
export class ServerSpanMiddleware implements NestMiddleware {
  constructor(
    @Inject(HTTP_TRACING_OPTIONS) private readonly options: ResolvedHttpOptions,
    private readonly routes: HttpRouteTable,
  ) {}

  /** Express (and any adapter with middleware): guards write to this same request object. */
  use(request: Request & RequestSource, response: ServerResponse, next: (error?: unknown) => void): void {
    this.begin(request, response, request, undefined, next);
  }

  /** Fastify `onRequest` hook: the route template is known, and guards write to Fastify's request. */
  onFastifyRequest(request: FastifyRequestLike, reply: { raw: ServerResponse }, done: () => void): void {
    const route = request.routeOptions?.url;
    this.begin(request.raw, reply.raw, request, typeof route === 'string' ? route : undefined, done);
  }

  private begin(
    request: Request,
    response: ServerResponse,
    source: RequestSource,
    routeHint: string | undefined,
    next: (error?: unknown) => void,
  ): void {
    if (!runtime.enabled) return next();
    const url = request.originalUrl ?? request.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const options = this.options;
    if (options.isIgnoredPath(path)) return untraced(next);
    const method = serverMethod(request.method);
    const found = this.routes.find(method, path);
    if (found?.noTrace) return untraced(next);
    const route = routeHint ?? found?.template;

    const headers = request.headers;
    const incoming = incomingHeadersGetter.get(headers, options.correlationHeader);
    const correlationId = isValidCorrelationId(incoming) ? incoming : randomUUID();
    response.setHeader(options.correlationHeader, correlationId);

    const current = context.active();
    const adopted = instrumentationServerSpan(current);
    const parent = adopted ? current : propagation.extract(ROOT_CONTEXT, headers, incomingHeadersGetter);
    // a sampled-out caller under parent-based sampling: a SERVER span would record nothing, so none is
    // made, nor its name and attributes (as @Traced does); the request continues the caller's context,
    // which stays sampled out downstream. With metrics on, the request is timed on the normal path.
    if (!adopted && !runtime.metrics && makesNoSpanUnder(parent)) {
      const caller = trace.getSpan(parent)!;
      if (options.traceResponseHeader) writeTraceHeader(response, options.traceResponseHeader, caller);
      context.with(serverRequestContext(parent, caller, correlationId), next);
      return;
    }
    const query = mark < 0 ? undefined : url.slice(mark + 1);
    let state: ServerSpanState;
    if (adopted) {
      adopted.setAttributes(spanAttributes(request, method, path, query, route, options, correlationId));
      const rpc = getRPCMetadata(parent);
      if (route !== undefined && rpc?.type === RPCType.HTTP) rpc.route = route;
      state = { span: adopted, owned: false, method, route: undefined, completed: false };
      if (route !== undefined) setServerRoute(state, route);
      // completed just before instrumentation-http ends the span on 'finish'
      response.once('prefinish', () => completeServerSpan(state, source, response, options.userId));
    } else {
      // the request's attributes at start when the sampler may read them (an application's provider);
      // under nest-tracing's own samplers (trace id, parent and name only) they are built once the
      // span is known to record, so a request that head sampling drops never builds them
      const atStart = runtime.samplerReadsAttributes || runtime.metrics;
      let attributes = atStart
        ? spanAttributes(request, method, path, query, route, options, correlationId)
        : undefined;
      const span = currentTracer().startSpan(
        httpSpanName(method, route),
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
      state = { span, owned: true, method, route, completed: false };
      const recording = span.isRecording();
      if (!atStart && recording) {
        span.setAttributes((attributes = spanAttributes(request, method, path, query, route, options, correlationId)));
      }
      // metrics on: timed here, unless instrumentation-http handles the request (its metric has it)
      const startedAt = runtime.metrics && getRPCMetadata(current)?.type !== RPCType.HTTP ? performance.now() : -1;
      // one listener per request: the span is completed and ended when the response closes (a span
      // that records nothing and a request that is not timed need no listener)
      if (recording || startedAt >= 0) {
        response.once('close', () => {
          completeServerSpan(state, source, response, options.userId);
          endServerSpan(state, response, options.captureResponseHeaders);
          if (startedAt >= 0) recordServerRequestDuration(state, attributes!, response, startedAt);
        });
      }
    }
    if (options.traceResponseHeader) writeTraceHeader(response, options.traceResponseHeader, state.span);
    context.with(serverRequestContext(parent, state.span, correlationId), next);
  }
}

/** The SERVER span's request attributes, with the correlation id and `operation.type`. */
function spanAttributes(
  request: Request,
  method: string,
  path: string,
  query: string | undefined,
  route: string | undefined,
  options: ResolvedHttpOptions,
  correlationId: string,
): Attributes {
  const attributes = serverRequestAttributes(request, method, path, query, route, options.captureRequestHeaders);
  attributes[AttributeNames.CORRELATION_ID] = correlationId;
  attributes[AttributeNames.OPERATION_TYPE] = 'server';
  return attributes;
}

/**
 * An ignored path or a `@NoTrace()` route makes no span at all: not the SERVER span, and nothing the
 * handler calls (`@Traced` methods, outgoing calls, statements), which would otherwise start traces
 * of their own. The rest of the pipeline runs with tracing suppressed.
 */
function untraced(next: (error?: unknown) => void): void {
  context.with(suppressTracing(context.active()), next);
}

function writeTraceHeader(response: ServerResponse, header: 'traceparent' | 'x-trace-id', span: Span): void {
  const { traceId, spanId, traceFlags } = span.spanContext();
  const value =
    header === 'x-trace-id' ? traceId : `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
  response.setHeader(header, value);
}
