import { trace } from '@opentelemetry/api';
import type { MeterProvider, SpanKind, Tracer, TracerProvider } from '@opentelemetry/api';
import { RUNTIME_GLOBAL_KEY } from '../tracing.internal-constants.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import type { ErrorClassifier } from '../tracing.options.js';
import { defaultErrorClassifier } from './default-error-classifier.js';

/**
 * The state every traced call reads: which tracer to use and how to name and classify. One per
 * process (kept on `globalThis`, so two copies of the package agree), written only by `sdk/`.
 * @internal
 */
export interface TracingRuntime {
  /** False when tracing is switched off: wrappers call straight through. */
  enabled: boolean;
  /** The tracer of the active provider, or undefined to use the API's global (proxy) tracer. */
  tracer: Tracer | undefined;
  /** First segment of default span names, or undefined for `{Class}.{method}`. */
  spanNamePrefix: string | undefined;
  /** Children of a sampled-out parent are sampled out too, so no span needs to be made. */
  parentBasedSampling: boolean;
  /**
   * The sampler may look at start attributes: an application's provider (whose sampler is not
   * known). False for the provider nest-tracing started, whose samplers read only the trace id, the
   * parent and the span name, so attributes can wait until a span is known to record.
   */
  samplerReadsAttributes: boolean;
  errorClassifier: ErrorClassifier;
  attributeValueLengthLimit: number;
  /**
   * Duration histograms are recorded (`metrics` option, `NEST_TRACING_METRICS`). Off by default: then
   * the traced paths check this one boolean and record nothing.
   */
  metrics: boolean;
  /** The meter provider metrics go to, or undefined to use the API's global one. */
  meterProvider: MeterProvider | undefined;
  /** Bumped on every reconfiguration; caches keyed on it (span names) refresh themselves. */
  generation: number;
}

type RuntimeHost = { [RUNTIME_GLOBAL_KEY]?: TracingRuntime };

function createDefaultRuntime(): TracingRuntime {
  return {
    enabled: true,
    tracer: undefined,
    spanNamePrefix: undefined,
    parentBasedSampling: true,
    samplerReadsAttributes: true,
    errorClassifier: defaultErrorClassifier,
    attributeValueLengthLimit: 2048,
    metrics: false,
    meterProvider: undefined,
    generation: 0,
  };
}

/** @internal */
export const runtime: TracingRuntime = ((globalThis as RuntimeHost)[RUNTIME_GLOBAL_KEY] ??= createDefaultRuntime());

let apiTracer: Tracer | undefined;

/** The tracer for a new span: the active provider's, else the API's global one (no-op without an SDK). */
export function currentTracer(): Tracer {
  return runtime.tracer ?? (apiTracer ??= trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION));
}

/** Apply a new configuration. @internal */
export function configureRuntime(changes: Partial<Omit<TracingRuntime, 'generation'>>): void {
  Object.assign(runtime, changes);
  runtime.generation += 1;
  apiTracer = undefined;
}

/**
 * Back to the state before any module started (used when the last tracing lease ends). The
 * generation keeps counting up, so no cache keyed on it can mistake the new state for an old one.
 * @internal
 */
export function resetRuntime(): void {
  const { generation: _ignored, ...defaults } = createDefaultRuntime();
  configureRuntime(defaults);
}

/** The kind's name in lower case, the default `operation.type`. */
export function spanKindName(kind: SpanKind): string {
  return (['internal', 'server', 'client', 'producer', 'consumer'] as const)[kind] ?? 'internal';
}

/**
 * A tracer that starts each span with `currentTracer()` at call time, for components that keep a
 * tracer (OpenTelemetry instrumentations): they follow the provider as the runtime changes.
 */
const followingTracer: Tracer = {
  startSpan: (name, options, ctx) => currentTracer().startSpan(name, options, ctx),
  startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) =>
    (currentTracer().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
};

/** A provider whose tracer always delegates to the runtime's current tracer. */
export const runtimeTracerProvider: TracerProvider = { getTracer: () => followingTracer };
