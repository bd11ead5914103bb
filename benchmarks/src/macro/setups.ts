/** The instrumentations a preloaded setup registers before Nest is imported. */
export type InstrumentationName = 'http' | 'express' | 'nestjs-core';

/**
 * An application's whole OpenTelemetry set-up file, preloaded with `--import` as a user would:
 * `node-sdk` is OpenTelemetry's documented `NodeSDK` with `getNodeAutoInstrumentations()` defaults
 * (`node-sdk.register.ts`), `nestjs-otel-readme` the `tracing.ts` of nestjs-otel 8.1.1's README
 * (`nestjs-otel.register.ts`).
 */
export type ApplicationSetUp = 'node-sdk' | 'nestjs-otel-readme';

/** A `traceparent` whose sampled flag is off (W3C's example ids, flags 00): parent-based sampling drops the request. */
export const SAMPLED_OUT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';

export interface Setup {
  name: string;
  /** One line for reports. */
  description: string;
  /**
   * What the `--import` preload starts before Nest is imported: these instrumentations
   * (`instrumentation.register.js`; none: no preload), or an application's whole set-up file.
   */
  preload: InstrumentationName[] | ApplicationSetUp;
  /** What the Nest application adds: a module, or (diagnostics) only a registered context manager. */
  module:
    | 'none'
    | 'nest-tracing'
    | 'nest-tracing-1pct'
    | 'nest-tracing-http-off'
    | 'nestjs-otel'
    | 'nestjs-otel-readme'
    | 'context-manager'
    | 'bare-span'
    | 'bare-span-attributes'
    | 'hand-written-server-span'
    | 'hand-written-server-span-1pct';
  /** Headers the load client sends with every request to this setup's server (warm-up included). */
  requestHeaders?: Record<string, string>;
  /** Environment variables of this setup's server process, on top of the harness's own. */
  env?: Record<string, string>;
}

const AUTO: InstrumentationName[] = ['http', 'express', 'nestjs-core'];

/** In report order; `untraced` is the baseline of every ratio. */
export const SETUPS: Setup[] = [
  { name: 'untraced', description: 'no tracing at all', preload: [], module: 'none' },
  {
    name: 'nest-tracing',
    description: "TracingModule.forRoot({ serviceName: 'bench-http', exporter }) from @huleedu/nest-tracing",
    preload: [],
    module: 'nest-tracing',
  },
  {
    name: 'nest-tracing-1pct',
    description:
      "TracingModule.forRoot({ serviceName: 'bench-http', exporter, sampling: { ratio: 0.01 } }): 1 % of the requests (no traceparent) start a recorded trace",
    preload: [],
    module: 'nest-tracing-1pct',
  },
  {
    name: 'nest-tracing-sampled-out-parent',
    description: `the nest-tracing setup; every request carries traceparent ${SAMPLED_OUT_TRACEPARENT} (flags 00), so parent-based sampling records nothing`,
    preload: [],
    module: 'nest-tracing',
    requestHeaders: { traceparent: SAMPLED_OUT_TRACEPARENT },
  },
  {
    name: 'auto-instrumentations-node',
    description:
      "OpenTelemetry's documented set-up, preloaded: ESM loader hook, new NodeSDK({ serviceName, traceExporter, instrumentations: [getNodeAutoInstrumentations()] }), everything else NodeSDK's defaults",
    preload: 'node-sdk',
    module: 'none',
  },
  {
    name: 'instrumentation-http',
    description: 'instrumentation-http only, preloaded',
    preload: ['http'],
    module: 'none',
  },
  {
    name: 'nestjs-otel',
    description:
      "nestjs-otel 8.1.1's README set-up: its tracing.ts preloaded (NodeSDK, BatchSpanProcessor, Prometheus reader, W3C + baggage + B3 propagators, getNodeAutoInstrumentations()) + OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } })",
    preload: 'nestjs-otel-readme',
    module: 'nestjs-otel-readme',
  },
];

/**
 * Not run by default (`--setups=untraced,nest-tracing,...` picks them): pieces of nest-tracing's
 * cost, to see where it goes.
 */
export const DIAGNOSTIC_SETUPS: Setup[] = [
  {
    name: 'auto-instrumentation',
    description:
      'instrumentation-http + instrumentation-express + instrumentation-nestjs-core, registered by hand and preloaded (the default setup before auto-instrumentations-node)',
    preload: AUTO,
    module: 'none',
  },
  {
    name: 'nestjs-otel-minimal',
    description:
      'the auto-instrumentation preload + OpenTelemetryModule.forRoot({ metrics: { hostMetrics: false } }) (the nestjs-otel setup before the README-literal one)',
    preload: AUTO,
    module: 'nestjs-otel',
  },
  {
    name: 'auto-instrumentations-node-traces-only',
    description:
      'auto-instrumentations-node with OTEL_METRICS_EXPORTER=none and OTEL_LOGS_EXPORTER=none: no meter or logger provider, so only the tracing part of the defaults',
    preload: 'node-sdk',
    module: 'none',
    env: { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  },
  {
    name: 'nest-tracing-http-off',
    description: "TracingModule.forRoot({ serviceName: 'bench-http', exporter, http: false })",
    preload: [],
    module: 'nest-tracing-http-off',
  },
  {
    name: 'context-manager',
    description: "no spans: OpenTelemetry's AsyncLocalStorageContextManager, and each request run in a new context",
    preload: [],
    module: 'context-manager',
  },
  {
    name: 'bare-span',
    description:
      'the floor of an active SERVER span: context manager, a tracer provider with the batch processor, and per request one startSpan (no attributes), context.with and span.end on close',
    preload: [],
    module: 'bare-span',
  },
  {
    name: 'bare-span-attributes',
    description:
      'bare-span plus what the issue asks a SERVER span to carry: the semantic-convention request attributes and a correlation id at start, the status code at the end',
    preload: [],
    module: 'bare-span-attributes',
  },
  {
    name: 'hand-written',
    description:
      "nest-tracing's SERVER span written by hand with the API and SDK: W3C propagators, parent-based sampler, the caller's context extracted, a correlation id, the semantic-convention attributes, the span active for the pipeline and ended on close",
    preload: [],
    module: 'hand-written-server-span',
  },
  {
    name: 'hand-written-1pct',
    description: 'hand-written with a parent-based sampler whose root keeps 1 % (TraceIdRatioBasedSampler(0.01))',
    preload: [],
    module: 'hand-written-server-span-1pct',
  },
  {
    name: 'hand-written-sampled-out-parent',
    description: `hand-written; every request carries traceparent ${SAMPLED_OUT_TRACEPARENT} (flags 00): the SDK hands back a non-recording span`,
    preload: [],
    module: 'hand-written-server-span',
    requestHeaders: { traceparent: SAMPLED_OUT_TRACEPARENT },
  },
];

export const BASELINE_SETUP = 'untraced';

/** The peers the issue asks nest-tracing to be ahead of, on every route. */
export const PEER_SETUPS = ['auto-instrumentations-node', 'nestjs-otel'];

/** nest-tracing as high-traffic services run it: goal at least 0.95 of untraced. */
export const SAMPLING_SETUPS = ['nest-tracing-1pct', 'nest-tracing-sampled-out-parent'];

export function findSetup(name: string | undefined): Setup {
  const all = [...SETUPS, ...DIAGNOSTIC_SETUPS];
  const setup = all.find((s) => s.name === name);
  if (!setup) throw new Error(`unknown setup ${name}; one of: ${all.map((s) => s.name).join(', ')}`);
  return setup;
}

/** The value of `--name=value` in `argv`. */
export function argument(name: string, argv: string[] = process.argv): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
