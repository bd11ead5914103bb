import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { LazyW3CBaggagePropagator } from '../propagation/lazy-baggage.propagator.js';
import { TracingConfigError } from '../tracing.errors.js';
import type { PropagatorName } from '../tracing.options.js';

type BuiltPropagatorName = Exclude<PropagatorName, 'none' | 'jaeger'>;

/** `@opentelemetry/propagator-b3`, an optional peer: loaded only when b3 or b3multi is asked for. */
async function loadB3(): Promise<typeof import('@opentelemetry/propagator-b3')> {
  try {
    return await import('@opentelemetry/propagator-b3');
  } catch (error) {
    throw TracingConfigError.create(
      `The b3 and b3multi propagators need the package @opentelemetry/propagator-b3, which could not be loaded (${String(error)}).`,
      [
        'Install it beside nest-tracing: npm install @opentelemetry/propagator-b3 (3.x, the OpenTelemetry JS line nest-tracing supports).',
        'Or propagate W3C trace context only: OTEL_PROPAGATORS=tracecontext,baggage.',
      ],
    );
  }
}

const BUILDERS: Record<BuiltPropagatorName, () => TextMapPropagator | Promise<TextMapPropagator>> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  // OpenTelemetry's, parsing a received header only when the baggage is first read
  baggage: () => new LazyW3CBaggagePropagator(),
  b3: async () => new (await loadB3()).B3Propagator(),
  b3multi: async () => {
    const { B3InjectEncoding, B3Propagator } = await loadB3();
    return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  },
};

/** What OpenTelemetry's SDKs use when `OTEL_PROPAGATORS` is unset. */
export const DEFAULT_PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage'];

function isPropagatorName(name: string): name is PropagatorName {
  return name === 'none' || Object.hasOwn(BUILDERS, name);
}

/**
 * The propagators to register: `propagators` when given, else `OTEL_PROPAGATORS` (comma-separated,
 * as the OpenTelemetry specification defines it), else W3C trace context and baggage. `none` alone
 * registers none. An unknown name fails at start-up with what to do instead.
 */
export function resolvePropagators(
  propagators: readonly string[] | undefined,
  env: Record<string, string | undefined>,
): readonly PropagatorName[] {
  const fromEnv = env.OTEL_PROPAGATORS?.trim();
  const names =
    propagators ??
    (fromEnv ? fromEnv.split(',').map((name) => name.trim().toLowerCase()) : undefined) ??
    DEFAULT_PROPAGATORS;
  const where = propagators ? 'propagators' : 'OTEL_PROPAGATORS';
  if (names.includes('jaeger')) {
    throw TracingConfigError.create(
      `${where} names 'jaeger', whose propagator OpenTelemetry JS removed in 3.x (@opentelemetry/propagator-jaeger has no release for API 1.10 and SDK 3).`,
      [
        'Use tracecontext (Jaeger reads and writes W3C trace context since 1.x), for example OTEL_PROPAGATORS=tracecontext,baggage.',
        'If services you call still send only uber-trace-id headers, move them to W3C trace context or b3multi, or register a propagator for uber-trace-id yourself with propagation.setGlobalPropagator() before the application starts: nest-tracing keeps a propagator the application registered.',
      ],
    );
  }
  const unknown = names.filter((name) => !isPropagatorName(name));
  if (unknown.length > 0) {
    throw TracingConfigError.create(
      `${where} names ${unknown.map((name) => `'${name}'`).join(', ')}, which nest-tracing cannot build.`,
      [
        'Use tracecontext, baggage, b3 (single header), b3multi or none, for example OTEL_PROPAGATORS=tracecontext,baggage,b3multi.',
        'For another format (xray, ottrace, ...), register its propagator with propagation.setGlobalPropagator() before the application starts: nest-tracing keeps a propagator the application registered.',
      ],
    );
  }
  if (names.includes('none') && names.length > 1) {
    throw TracingConfigError.create(`${where} lists 'none' together with other propagators.`, [
      "Use 'none' alone to propagate nothing, or leave it out.",
    ]);
  }
  return names as readonly PropagatorName[];
}

/** One propagator for `names` (a composite of several), or undefined for `none`. */
export async function buildPropagator(names: readonly PropagatorName[]): Promise<TextMapPropagator | undefined> {
  const built = names.filter((name): name is BuiltPropagatorName => Object.hasOwn(BUILDERS, name));
  const propagators = await Promise.all(built.map(async (name) => BUILDERS[name]()));
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
