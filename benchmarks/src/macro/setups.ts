/** The instrumentations a preloaded setup registers before Nest is imported. */
export type InstrumentationName = 'http' | 'express' | 'nestjs-core';

export interface Setup {
  name: string;
  /** One line for reports. */
  description: string;
  /** Instrumentations registered by the `--import` preload (`instrumentation.register.js`); none: no preload. */
  preload: InstrumentationName[];
  /** What the Nest application adds: a module, or (diagnostics) only a registered context manager. */
  module:
    | 'none'
    | 'nest-tracing'
    | 'nest-tracing-http-off'
    | 'nestjs-otel'
    | 'context-manager'
    | 'bare-span'
    | 'bare-span-attributes';
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
    name: 'auto-instrumentation',
    description: 'instrumentation-http + instrumentation-express + instrumentation-nestjs-core, preloaded',
    preload: AUTO,
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
    description: 'the auto-instrumentation preload + OpenTelemetryModule.forRoot({ metrics: { hostMetrics: false } })',
    preload: AUTO,
    module: 'nestjs-otel',
  },
];

/**
 * Not run by default (`--setups=untraced,nest-tracing,...` picks them): pieces of nest-tracing's
 * cost, to see where it goes.
 */
export const DIAGNOSTIC_SETUPS: Setup[] = [
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
];

export const BASELINE_SETUP = 'untraced';

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
