import { globalErrorHandler } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Resource } from '@opentelemetry/resources';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import type { TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { configureRuntime, resetRuntime } from '../runtime/tracing-runtime.js';
import type { TracingModuleOptions } from '../tracing.options.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { createSpanProcessors } from './create-exporters.js';
import { acquireMeterProvider, releaseMeterProvider } from './meter-lifecycle.js';
import type { MeterState } from './meter-lifecycle.js';
import { registerGlobals, registeredTracerProvider, unregisterGlobals } from './global-registration.js';
import { buildPropagator } from './propagators.js';
import { spanLoss } from './span-loss.js';
import type { Registration } from './global-registration.js';
import { resolveTracingOptions } from './resolve-options.js';
import type { ResolvedTracingOptions } from './resolve-options.js';

/** A claim on the process's tracing: released once, the last release flushes and shuts down. */
export interface TracingLease {
  /** Flush ended spans to the exporters now. */
  forceFlush(): Promise<void>;
  /** Give the claim back; the last one shuts the provider down (flushing every ended span). Idempotent. */
  release(): Promise<void>;
}

interface SdkState {
  /** The provider spans go to: ours, or the application's. */
  provider: ApiTracerProvider & { forceFlush?: () => Promise<void>; shutdown?: () => Promise<void> };
  owned: boolean;
  override: boolean;
  registration: Registration;
  parentBasedSampling: boolean;
  shutdownTimeoutMillis: number;
  leases: Set<object>;
  /** A lease taken by `startTracing()` that the first TracingModule takes over. */
  adoptable: object | undefined;
  /** Where metrics go, once a module turned them on. */
  meters: MeterState | undefined;
}

const STATE_KEY = Symbol.for('huleedu.nest-tracing.sdk-state');
type StateHost = { [STATE_KEY]?: SdkState; [key: symbol]: unknown };
const host = globalThis as StateHost;
const QUEUE_KEY = Symbol.for('huleedu.nest-tracing.sdk-queue');

/** Exporter and shutdown failures go to OpenTelemetry's global error handler, never to the caller. */
function reportExportFailure(error: unknown): void {
  globalErrorHandler(error instanceof Error ? error : String(error));
}

/** Lifecycle changes run one at a time, so two modules starting together cannot race. */
function serialized<T>(step: () => Promise<T>): Promise<T> {
  const previous = (host[QUEUE_KEY] as Promise<unknown> | undefined) ?? Promise.resolve();
  const next = previous.then(step, step);
  host[QUEUE_KEY] = next.catch(() => undefined);
  return next;
}

/** The resource of every signal: defaults, `OTEL_RESOURCE_ATTRIBUTES`, then the options. */
function buildResource(options: ResolvedTracingOptions): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(
      resourceFromAttributes({
        ...options.resourceAttributes,
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
        ...(options.environment ? { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: options.environment } : {}),
      }),
    );
}

async function buildProvider(options: ResolvedTracingOptions): Promise<TracerProvider> {
  return new TracerProvider({
    resource: buildResource(options),
    sampler: options.sampler,
    spanLimits: { attributeValueLengthLimit: options.attributeValueLengthLimit },
    spanProcessors: await createSpanProcessors(options),
  });
}

async function startOwnedProvider(options: ResolvedTracingOptions, previous?: SdkState): Promise<SdkState> {
  const provider = await buildProvider(options);
  const registration = registerGlobals(provider, await buildPropagator(options.propagators));
  return {
    provider,
    owned: true,
    override: options.override,
    registration: previous ? { ...previous.registration, tracerProvider: registration.tracerProvider } : registration,
    parentBasedSampling: options.parentBasedSampling,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis,
    leases: previous?.leases ?? new Set(),
    adoptable: previous?.adoptable,
    meters: previous?.meters,
  };
}

/**
 * Turn metrics on for `state` when `options` ask for them: the first module that does picks the
 * meter provider; an `override` module (TracingTestingModule) replaces one it did not start itself.
 */
async function acquireMeters(state: SdkState, options: ResolvedTracingOptions): Promise<void> {
  if (!options.metrics) return;
  const current = state.meters;
  if (current && !(options.override && !current.override)) return;
  if (current) await withinTimeout(releaseMeterProvider(current), state.shutdownTimeoutMillis);
  state.meters = await acquireMeterProvider(options.metrics, buildResource(options), options.override);
}

/** Wait for `work`, at most `timeoutMillis`; past it, report and go on. */
async function withinTimeout(work: Promise<void> | undefined, timeoutMillis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      reportExportFailure(
        new Error(`Tracing shutdown took longer than ${timeoutMillis} ms; spans not yet exported were dropped.`),
      );
      resolve();
    }, timeoutMillis);
    timer.unref();
  });
  try {
    await Promise.race([work, timeout]);
  } catch (error) {
    reportExportFailure(error);
  } finally {
    clearTimeout(timer);
  }
}

async function shutDown(state: SdkState): Promise<void> {
  const work = state.owned ? state.provider.shutdown?.() : state.provider.forceFlush?.();
  await withinTimeout(work, state.shutdownTimeoutMillis);
  if (state.meters) await withinTimeout(releaseMeterProvider(state.meters), state.shutdownTimeoutMillis);
  if (state.owned) unregisterGlobals(state.registration);
  // what the last flush could not deliver, or the queue dropped since the last report
  spanLoss.report(true);
}

async function acquire(options: TracingModuleOptions, adoptable: boolean): Promise<TracingLease> {
  const resolved = resolveTracingOptions(options);
  let state = host[STATE_KEY];
  if (!resolved.enabled) {
    if (!state) configureRuntime({ enabled: false });
    return { forceFlush: async () => undefined, release: async () => undefined };
  }
  const configureNaming = !(state && resolved.override);
  if (!state) {
    const foreign = registeredTracerProvider();
    state = foreign
      ? {
          provider: foreign,
          owned: false,
          override: false,
          registration: { tracerProvider: false, contextManager: false, propagator: false },
          parentBasedSampling: resolved.parentBasedSampling,
          shutdownTimeoutMillis: resolved.shutdownTimeoutMillis,
          leases: new Set(),
          adoptable: undefined,
          meters: undefined,
        }
      : await startOwnedProvider(resolved);
  } else if (resolved.override && state.owned && !state.override) {
    await shutDown({
      ...state,
      registration: { tracerProvider: state.registration.tracerProvider, contextManager: false, propagator: false },
      meters: undefined,
    });
    state = await startOwnedProvider(resolved, state);
  }
  await acquireMeters(state, resolved);
  host[STATE_KEY] = state;
  configureRuntime({
    enabled: true,
    metrics: state.meters !== undefined,
    meterProvider: state.meters?.provider,
    tracer: state.provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
    parentBasedSampling: state.parentBasedSampling,
    samplerReadsAttributes: !state.owned,
    ...(configureNaming
      ? {
          spanNamePrefix: resolved.spanNamePrefix,
          errorClassifier: resolved.errorClassifier,
          attributeValueLengthLimit: resolved.attributeValueLengthLimit,
        }
      : {}),
  });
  if (!adoptable && state.adoptable) {
    state.leases.delete(state.adoptable);
    state.adoptable = undefined;
  }
  return createLease(state, adoptable);
}

function createLease(state: SdkState, adoptable: boolean): TracingLease {
  const token = {};
  state.leases.add(token);
  if (adoptable) state.adoptable = token;
  return {
    forceFlush: async () => {
      try {
        await Promise.all([state.provider.forceFlush?.(), state.meters?.provider.forceFlush?.()]);
      } catch (error) {
        reportExportFailure(error);
      }
    },
    release: () =>
      serialized(async () => {
        if (!state.leases.delete(token)) return;
        if (state.adoptable === token) state.adoptable = undefined;
        if (state.leases.size > 0) {
          await withinTimeout(state.provider.forceFlush?.(), state.shutdownTimeoutMillis);
          await withinTimeout(state.meters?.provider.forceFlush?.(), state.shutdownTimeoutMillis);
          return;
        }
        if (host[STATE_KEY] === state) delete host[STATE_KEY];
        await shutDown(state);
        resetRuntime();
      }),
  };
}

/**
 * Claim the process's tracing: reuse a tracer provider the application registered (for example in
 * an `instrumentation.ts` preloaded before Nest), else start one from `options`. Later claims
 * share it; the last release flushes and shuts it down. Used by TracingModule. @internal
 */
export function acquireTracing(options: TracingModuleOptions): Promise<TracingLease> {
  return serialized(() => acquire(options, false));
}

/**
 * Start tracing before Nest, from an `instrumentation.ts` imported first by `main.ts`. Takes the
 * same options as `TracingModule.forRoot()`. The first TracingModule that starts afterwards adopts
 * this provider and shuts it down with the application; `shutdown()` of the handle is then a no-op.
 * Calling it twice neither throws nor registers twice.
 */
export async function startTracing(
  options: TracingModuleOptions = {},
): Promise<{ forceFlush(): Promise<void>; shutdown(): Promise<void> }> {
  const lease = await serialized(() => acquire(options, true));
  return { forceFlush: () => lease.forceFlush(), shutdown: () => lease.release() };
}
