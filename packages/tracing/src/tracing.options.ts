import type { Attributes, Link, MeterProvider, Span, SpanKind } from '@opentelemetry/api';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Where finished spans go: a built-in exporter by name, or any OpenTelemetry `SpanExporter`. */
export type ExporterOption = 'otlp' | 'console' | 'none' | SpanExporter;

/** How a thrown error counts on a span: `error` marks the span failed, `expected` leaves it unset. */
export type ErrorClassification = 'error' | 'expected';

/**
 * Decides whether an error that escaped a traced operation is a failure of that operation.
 * Runs only when the span is recording; a classifier that throws counts the error as `error`.
 */
export type ErrorClassifier = (error: unknown, spanKind: SpanKind) => ErrorClassification;

/** Sampling: a ratio, parent-based by default, with per-span-name rules. */
export interface SamplingOptions {
  /** Share of new traces to record, from 0 to 1. Default: `1`, or `OTEL_TRACES_SAMPLER_ARG` for ratio samplers. */
  ratio?: number;
  /**
   * Follow the parent's decision when there is a parent. Default: `true` (as OpenTelemetry's default
   * sampler), or what `OTEL_TRACES_SAMPLER` says when this option and `ratio` are both absent.
   */
  parentBased?: boolean;
  /**
   * Ratios per span name, exact (`'kafka.consume.heartbeat'`) or glob (`'kafka.consume.heartbeat*'`,
   * `*` any run of characters, `?` one character). A rule decides for spans that start a trace or
   * continue a remote one; spans under a local parent always follow that parent, so a trace is never
   * cut in the middle of a process. Exact names win over globs; globs are tried in the order given.
   * Default: `{}`.
   */
  rules?: Record<string, number>;
}

/** Batch processor tuning; the queue is bounded so a slow backend cannot exhaust memory. */
export interface BatchOptions {
  /**
   * Spans waiting for export; a span ended while it is full is dropped, counted (`getSpanLoss()`) and
   * reported at WARN. Size it for the largest burst: spans ended per second at peak times the time an
   * export takes. Default: `8192` (`OTEL_BSP_MAX_QUEUE_SIZE`; OpenTelemetry's own default is 2048).
   */
  maxQueueSize?: number;
  /** Default: `512` (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). */
  maxExportBatchSize?: number;
  /** Default: `1000` ms (`OTEL_BSP_SCHEDULE_DELAY`; OpenTelemetry's own default is 5000). */
  scheduledDelayMillis?: number;
  /** Default: `30000` ms. */
  exportTimeoutMillis?: number;
}

/** Outgoing HTTP calls: CLIENT spans and propagation for global `fetch` and `@nestjs/axios`. */
export interface HttpClientTracingOptions {
  /** Trace global `fetch` (undici), unless another undici instrumentation is already active. Default: `true`. */
  fetch?: boolean;
  /** Trace every `@nestjs/axios` `HttpService` in the application. Default: `true`. */
  axios?: boolean;
  /**
   * Hosts to leave alone (third parties): no span and no propagation headers. Exact host names,
   * globs (`*.example.com`) or regular expressions, matched against the URL's host name.
   * Default: `[]`.
   */
  ignoreHosts?: Array<string | RegExp>;
}

/** Server spans for incoming HTTP requests (Express and Fastify). */
export interface HttpTracingOptions {
  /** Header that carries the correlation id in and out; read, else generated. Default: `'x-correlation-id'`. */
  correlationHeader?: string;
  /** Also answer with the trace id: `'traceparent'` or `'x-trace-id'`. Default: `false`. */
  traceResponseHeader?: 'traceparent' | 'x-trace-id' | false;
  /**
   * Request paths that get no span at all (health checks, metrics): exact paths, globs
   * (`/health/*`) or regular expressions, matched against the path without query (a regular
   * expression's `g` and `y` flags are ignored). Default: `['/health', '/health/*', '/healthz', '/livez', '/readyz', '/metrics']`.
   */
  ignorePaths?: Array<string | RegExp>;
  /** Request headers recorded as `http.request.header.<name>`; `authorization` and `cookie` never are. Default: `[]`. */
  captureRequestHeaders?: string[];
  /** Response headers recorded as `http.response.header.<name>`; `set-cookie` never is. Default: `[]`. */
  captureResponseHeaders?: string[];
  /**
   * The authenticated user's id for `user.id`, read after guards ran. Default: `request.user.id`,
   * else `request.user.sub`, when it is a string or a number.
   */
  userId?: (request: any) => string | number | undefined;
  /** Outgoing calls. `false` turns client tracing off. Default: `{}` (fetch and axios traced). */
  client?: HttpClientTracingOptions | false;
}

/**
 * Duration histograms recorded by the same decorators and spans: `nest_tracing.operation.duration`
 * (`@Traced`, `traceOperation`), `http.server.request.duration`, and those of the Kafka and TypeORM
 * packages. They need the optional peers `@opentelemetry/sdk-metrics` and, for OTLP,
 * `@opentelemetry/exporter-metrics-otlp-proto`, loaded only when metrics are on.
 */
export interface MetricsOptions {
  /**
   * Where metrics go when nest-tracing starts the meter provider itself (no provider registered, no
   * `meterProvider` given). `'otlp'` is OTLP/HTTP protobuf and honours `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`
   * and `OTEL_EXPORTER_OTLP_ENDPOINT`; or any `PushMetricExporter`. Default: `OTEL_METRICS_EXPORTER`
   * when set (`otlp`, `console` or `none`), else `'otlp'`.
   */
  exporter?: 'otlp' | 'console' | 'none' | PushMetricExporter;
  /** Collection and export interval of the exporter's reader. Default: `OTEL_METRIC_EXPORT_INTERVAL`, else `60000` ms. */
  exportIntervalMillis?: number;
  /** More readers of the provider nest-tracing starts (an in-memory reader in tests, a pull exporter). Default: `[]`. */
  readers?: IMetricReader[];
  /**
   * Record into this meter provider: nest-tracing neither registers nor shuts it down (it flushes it
   * at shutdown). Default: the meter provider the application registered with the OpenTelemetry API,
   * else one nest-tracing starts, registers and shuts down.
   */
  meterProvider?: MeterProvider;
}

/** Options of `TracingModule.forRoot()`, `forRootAsync()` and `startTracing()`. */
export interface TracingModuleOptions {
  /** The service's name (`service.name`). Required, unless `OTEL_SERVICE_NAME` is set. */
  serviceName?: string;
  /** `service.version`. Default: none. */
  serviceVersion?: string;
  /** `deployment.environment.name`. Default: none. */
  environment?: string;
  /** More resource attributes; `OTEL_RESOURCE_ATTRIBUTES` is read as well. Default: `{}`. */
  resourceAttributes?: Attributes;
  /**
   * First segment of default span names (`{prefix}.{Class}.{method}`). Default: `serviceName`
   * without a trailing `-service`, `_service` or `.service` (`spellchecker-service` gives `spellchecker`).
   */
  spanNamePrefix?: string;
  /**
   * Where spans go. `'otlp'` is OTLP/HTTP protobuf and honours `OTEL_EXPORTER_OTLP_ENDPOINT` and
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; an array exports to each. Default: `OTEL_TRACES_EXPORTER`
   * when set (`otlp`, `console` or `none`), else `'otlp'`.
   */
  exporter?: ExporterOption | ExporterOption[];
  /** `'batch'` (bounded queue, background export) or `'simple'` (export as each span ends). Default: `'batch'`. */
  spanProcessor?: 'batch' | 'simple';
  /** Batch processor tuning. Default: the `OTEL_BSP_*` variables when set, else OpenTelemetry's defaults (see {@link BatchOptions}). */
  batch?: BatchOptions;
  /**
   * How trace context and baggage travel in HTTP headers and message headers, registered as the
   * global propagator unless the application registered one first (then that one is kept).
   * `b3` is B3's single header, `b3multi` its `X-B3-*` headers, `none` propagates nothing.
   * Default: `OTEL_PROPAGATORS` when set, else `['tracecontext', 'baggage']` (W3C).
   */
  propagators?: readonly PropagatorName[];
  /**
   * HTTP tracing: a SERVER span per request (or enrichment of the one `instrumentation-http` made),
   * correlation ids, and CLIENT spans with propagation for outgoing calls. `false` turns it off.
   * Default: `{}` (on, with the defaults of {@link HttpTracingOptions}).
   */
  http?: HttpTracingOptions | false;
  /** Extra span processors, added after the exporter's. Default: `[]`. */
  spanProcessors?: SpanProcessor[];
  /** Sampling. Default: every trace, parent-based. */
  sampling?: SamplingOptions;
  /**
   * Which escaped errors mark a span failed. Default: Nest `HttpException`s below 500 are `expected`
   * on SERVER and INTERNAL spans; everything else is an `error`.
   */
  errorClassifier?: ErrorClassifier;
  /** Longest string attribute value; longer values are cut. Default: `2048`. */
  attributeValueLengthLimit?: number;
  /**
   * Longest wait for the final flush at application shutdown; spans still unsent then are dropped
   * (reported to OpenTelemetry's error handler) so an unreachable backend cannot hold the
   * application's shutdown. Default: `5000` ms.
   */
  shutdownTimeoutMillis?: number;
  /**
   * Duration histograms from the traced operations (see {@link MetricsOptions}); `true` for the
   * defaults. Off by default: traced calls then only check one boolean. Default: `false`, or on with
   * the defaults when `NEST_TRACING_METRICS=true`.
   */
  metrics?: boolean | MetricsOptions;
  /** Turn tracing off (decorators then call straight through). Default: `true`, `false` when `OTEL_SDK_DISABLED=true`. */
  enabled?: boolean;
  /**
   * Replace a tracer provider that nest-tracing itself already started in this process instead of
   * sharing it. `TracingTestingModule` sets it so tests never export to a real backend. Default: `false`.
   */
  override?: boolean;
}

/**
 * The propagators nest-tracing builds (`OTEL_PROPAGATORS` values). `b3` and `b3multi` need the optional
 * peer `@opentelemetry/propagator-b3`. `jaeger` is accepted by the type only so that a configuration
 * still naming it fails at start-up with what to use instead: OpenTelemetry JS 3.x removed the
 * Jaeger propagator.
 */
export type PropagatorName =
  | 'tracecontext'
  | 'baggage'
  | 'b3'
  | 'b3multi'
  /** @deprecated Removed in OpenTelemetry JS 3.x: start-up fails. Use `tracecontext`. */
  | 'jaeger'
  | 'none';

/** Options of `@Traced()` on a method or a class, and of `traceOperation()`. */
export interface TracedOptions {
  /** Span name. Default: `{prefix}.{Class}.{method}` (see `spanNamePrefix`). */
  name?: string;
  /** Span kind. Default: `SpanKind.INTERNAL`. */
  kind?: SpanKind;
  /** Value of `operation.type`. Default: the span kind in lower case (`internal`, `server`, ...). */
  operationType?: string;
  /**
   * Attributes set at span start: a fixed object, or a function of the method's arguments (run only
   * when the span is recording; if it throws, the failure is logged once and the call goes on).
   * Default: none.
   */
  attributes?: Attributes | ((...args: any[]) => Attributes | undefined);
  /**
   * Called with the method's result (for an Observable, with each emitted value) while the span is
   * recording; the attributes it returns are set on the span. Default: none.
   */
  onResult?: (result: any, span: Span) => Attributes | void;
  /** Start a new trace, linked to the current span. Default: `false`. */
  root?: boolean;
  /** Links added at span start: fixed, or a function of the method's arguments. Default: none. */
  links?: Link[] | ((...args: any[]) => Link[] | undefined);
  /**
   * When metrics are on, record this operation's duration in `nest_tracing.operation.duration`,
   * with the span name as `operation.name` (so the name must not vary with arguments). Default: `true`.
   */
  metrics?: boolean;
}
