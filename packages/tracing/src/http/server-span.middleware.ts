import { Inject, Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AttributeNames } from '../attribute-names.js';
import { isValidCorrelationId, setValidCorrelationId } from '../propagation/correlation-context.js';
import { recordCarrierGetter } from '../propagation/record-carrier.getter.js';
import { currentTracer, runtime } from '../runtime/tracing-runtime.js';
import { HTTP_TRACING_OPTIONS } from './http-tracing.tokens.js';
import { httpSpanName, normaliseMethod, serverRequestAttributes, splitUrl } from './http-attributes.js';
import { HttpRouteTable } from './http-route-table.js';
import type { ResolvedHttpOptions } from './resolve-http-options.js';
import {
  attachServerSpanState,
  completeServerSpan,
  endServerSpan,
  serverSpanStateOf,
  setServerRoute,
} from './server-span.state.js';
import type { RequestSource, ServerSpanState } from './server-span.state.js';

type Request = IncomingMessage & { originalUrl?: string };

/** The SERVER span `instrumentation-http` already started for this request, if any. */
function instrumentationServerSpan(): Span | undefined {
  const span: (Span & { kind?: SpanKind; ended?: boolean }) | undefined = trace.getActiveSpan();
  return span?.isRecording() && span.kind === SpanKind.SERVER && span.ended !== true ? span : undefined;
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
    if (!runtime.enabled || serverSpanStateOf(request)) return next();
    const { path, query } = splitUrl(request.originalUrl ?? request.url ?? '/');
    if (this.options.isIgnoredPath(path)) return next();
    const { method } = normaliseMethod(request.method);
    const found = this.routes.find(method, path);
    if (found?.noTrace) return next();
    const route = routeHint !== undefined ? { template: routeHint } : found;

    const incoming = recordCarrierGetter.get(request.headers, this.options.correlationHeader);
    const correlationId = typeof incoming === 'string' && isValidCorrelationId(incoming) ? incoming : randomUUID();
    response.setHeader(this.options.correlationHeader, correlationId);

    const adopted = instrumentationServerSpan();
    const parent = adopted ? context.active() : propagation.extract(ROOT_CONTEXT, request.headers, recordCarrierGetter);
    const attributes = serverRequestAttributes(
      request,
      path,
      query,
      route?.template,
      this.options.captureRequestHeaders,
    );
    attributes[AttributeNames.CORRELATION_ID] = correlationId;
    attributes[AttributeNames.OPERATION_TYPE] = 'server';
    let span: Span;
    if (adopted) {
      span = adopted;
      span.setAttributes(attributes);
      const rpc = getRPCMetadata(parent);
      if (route && rpc?.type === RPCType.HTTP) rpc.route = route.template;
    } else {
      span = currentTracer().startSpan(
        httpSpanName(method, route?.template),
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
    }
    const state: ServerSpanState = { span, owned: !adopted, method, route: undefined, completed: false };
    if (route && adopted) setServerRoute(state, route.template);
    else state.route = route?.template;
    attachServerSpanState(request, state);
    this.writeTraceHeader(response, span);
    // one listener per request: our own span is completed and ended when the response closes; an
    // adopted one is completed just before instrumentation-http ends it on 'finish'
    if (state.owned) {
      response.once('close', () => {
        completeServerSpan(state, source, this.options.userId);
        endServerSpan(state, response, this.options.captureResponseHeaders);
      });
    } else {
      response.once('prefinish', () => completeServerSpan(state, source, this.options.userId));
    }
    const active = trace.setSpan(setValidCorrelationId(parent, correlationId), span);
    context.with(active, next);
  }

  private writeTraceHeader(response: ServerResponse, span: Span): void {
    const header = this.options.traceResponseHeader;
    if (!header) return;
    const { traceId, spanId, traceFlags } = span.spanContext();
    const value =
      header === 'x-trace-id' ? traceId : `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
    response.setHeader(header, value);
  }
}
