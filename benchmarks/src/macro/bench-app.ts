import { Controller, Get, Inject, Module } from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Attributes } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { timedSpin } from './cpu-work.js';
import type { Setup } from './setups.js';

const WORK_ITERATIONS = Symbol('WORK_ITERATIONS');
const HELLO = Object.freeze({ message: 'hello' });

/** The two measured routes: a constant answer, and about 1 ms of CPU work (timed, in every setup alike). */
@Controller()
class BenchController {
  constructor(@Inject(WORK_ITERATIONS) private readonly iterations: number) {}

  @Get('hello')
  hello(): { message: string } {
    return HELLO;
  }

  @Get('work')
  work(): { result: number } {
    return { result: timedSpin(this.iterations) };
  }
}

@Module({})
class BenchAppModule {
  /** The same controller in every setup; only what the setup imports differs. */
  static async forSetup(setup: Setup, exporter: SpanExporter, workIterations: number): Promise<DynamicModule> {
    const imports: DynamicModule[] = [];
    // Imported only by the setups that use them, so no other process even loads these libraries.
    if (
      setup.module === 'nest-tracing' ||
      setup.module === 'nest-tracing-http-off' ||
      setup.module === 'nest-tracing-1pct'
    ) {
      const { TracingModule } = await import('@huleedu/nest-tracing');
      // The measured setup leaves `http` at its default (on); the diagnostic one turns it off.
      const httpOff = setup.module === 'nest-tracing-http-off' ? { http: false as const } : {};
      // 1 % head sampling, as a high-traffic service runs it (parent-based stays on, the default)
      const sampling = setup.module === 'nest-tracing-1pct' ? { sampling: { ratio: 0.01 } } : {};
      imports.push(TracingModule.forRoot({ serviceName: 'bench-http', exporter, ...httpOff, ...sampling }));
    } else if (setup.module === 'nestjs-otel') {
      const { OpenTelemetryModule } = await import('nestjs-otel');
      imports.push(OpenTelemetryModule.forRoot({ metrics: { hostMetrics: false } }));
    } else if (setup.module === 'nestjs-otel-readme') {
      // nestjs-otel 8.1.1's README, step 3.1, as it has it
      const { OpenTelemetryModule } = await import('nestjs-otel');
      imports.push(OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } }));
    }
    return {
      module: BenchAppModule,
      imports,
      controllers: [BenchController],
      providers: [{ provide: WORK_ITERATIONS, useValue: workIterations }],
    };
  }
}

/**
 * Diagnostic: what any AsyncLocalStorage-based tracer pays before making a span. Registers
 * OpenTelemetry's context manager and runs every request's pipeline inside a fresh context, as a
 * tracing middleware does, but records nothing.
 */
async function enterContextPerRequest(app: INestApplication): Promise<void> {
  const { ROOT_CONTEXT, context, createContextKey } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const key = createContextKey('bench.request');
  app.use((request: unknown, _response: unknown, next: () => void) =>
    context.with(ROOT_CONTEXT.setValue(key, request), next),
  );
}

/**
 * Diagnostic: the least a tracer that makes a SERVER span active per request can do, written by
 * hand: one span with a fixed name and no attributes, the pipeline run with it active, ended when
 * the response closes. What no design that keeps the span active can go below on this runtime.
 */
async function bareSpanPerRequest(
  app: INestApplication,
  exporter: SpanExporter,
  withAttributes: boolean,
): Promise<void> {
  const { ROOT_CONTEXT, SpanKind, context, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { TracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer('bare-span');
  const { randomUUID } = await import('node:crypto');
  type Request = import('node:http').IncomingMessage & { originalUrl: string };
  type Response = import('node:http').ServerResponse;
  app.use((request: Request, response: Response, next: () => void) => {
    if (!withAttributes) {
      const span = tracer.startSpan('GET /hello', { kind: SpanKind.SERVER });
      response.once('close', () => span.end());
      context.with(trace.setSpan(ROOT_CONTEXT, span), next);
      return;
    }
    const correlationId = randomUUID();
    response.setHeader('x-correlation-id', correlationId);
    const span = tracer.startSpan('GET /hello', {
      kind: SpanKind.SERVER,
      attributes: helloServerAttributes(request, correlationId),
    });
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    context.with(trace.setSpan(ROOT_CONTEXT, span), next);
  });
}

/** What the issue asks a SERVER span to carry at start, as the hand-written setups write it for `GET /hello`. */
function helloServerAttributes(
  request: import('node:http').IncomingMessage & { originalUrl: string },
  correlationId: string,
): Attributes {
  return {
    'http.request.method': request.method,
    'url.path': request.originalUrl,
    'url.scheme': 'http',
    'http.route': '/hello',
    'server.address': '127.0.0.1',
    'server.port': 3710,
    'client.address': request.socket.remoteAddress,
    'user_agent.original': request.headers['user-agent'],
    'network.protocol.version': request.httpVersion,
    correlation_id: correlationId,
  };
}

/** The benchmark's Nest application (Express adapter) for one setup, initialised but not listening. */
export async function createBenchApp(
  setup: Setup,
  exporter: SpanExporter,
  workIterations: number,
): Promise<INestApplication> {
  const module = await BenchAppModule.forSetup(setup, exporter, workIterations);
  const app = await NestFactory.create(module, new ExpressAdapter(), { logger: ['error', 'warn'] });
  if (setup.module === 'context-manager') await enterContextPerRequest(app);
  if (setup.module === 'bare-span' || setup.module === 'bare-span-attributes') {
    await bareSpanPerRequest(app, exporter, setup.module === 'bare-span-attributes');
  }
  if (setup.module === 'hand-written-server-span' || setup.module === 'hand-written-server-span-1pct') {
    await handWrittenServerSpan(app, exporter, setup.module === 'hand-written-server-span-1pct' ? 0.01 : 1);
  }
  return app;
}

/**
 * Diagnostic: the floor of what nest-tracing's SERVER span does, written by hand as a user would with
 * the API and SDK alone: W3C trace context and baggage propagators, a parent-based sampler (with a
 * ratio root sampler below 1), the caller's context extracted from the headers, a correlation id read
 * or made and echoed, the span started with the semantic-convention attributes under that parent and
 * kept active for the pipeline, the status code set and the span ended when the response closes.
 * Under a sampled-out parent (or a root the ratio drops) the SDK hands back a non-recording span: the
 * hand-written sampled-out floor, next to nest-tracing's, which skips the span altogether.
 */
async function handWrittenServerSpan(app: INestApplication, exporter: SpanExporter, ratio: number): Promise<void> {
  const { ROOT_CONTEXT, SpanKind, context, propagation, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { TracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, AlwaysOnSampler } =
    await import('@opentelemetry/sdk-trace');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const root = ratio < 1 ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  const provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer('hand-written');
  const { randomUUID } = await import('node:crypto');
  type Request = import('node:http').IncomingMessage & { originalUrl: string };
  type Response = import('node:http').ServerResponse;
  app.use((request: Request, response: Response, next: () => void) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const incoming = request.headers['x-correlation-id'];
    const correlationId = typeof incoming === 'string' && incoming.length > 0 ? incoming : randomUUID();
    response.setHeader('x-correlation-id', correlationId);
    const span = tracer.startSpan(
      `${request.method} /hello`,
      {
        kind: SpanKind.SERVER,
        attributes: helloServerAttributes(request, correlationId),
      },
      parent,
    );
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  });
}
