import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { TracingConfigError } from '../tracing.errors.js';
import type { PropagatorName } from '../tracing.options.js';

const BUILDERS: Record<Exclude<PropagatorName, 'none'>, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator(),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: () => new JaegerPropagator(),
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
  const unknown = names.filter((name) => !isPropagatorName(name));
  if (unknown.length > 0) {
    throw TracingConfigError.create(
      `${where} names ${unknown.map((name) => `'${name}'`).join(', ')}, which nest-tracing cannot build.`,
      [
        'Use tracecontext, baggage, b3 (single header), b3multi, jaeger or none, for example OTEL_PROPAGATORS=tracecontext,baggage,b3multi.',
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
export function buildPropagator(names: readonly PropagatorName[]): TextMapPropagator | undefined {
  const propagators = names.filter((name) => name !== 'none').map((name) => BUILDERS[name]());
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
