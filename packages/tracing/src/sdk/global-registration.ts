import { ProxyTracerProvider, ROOT_CONTEXT, context, createContextKey, propagation, trace } from '@opentelemetry/api';
import type { TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { unwrapTracerProvider } from '../utils/unwrap-tracer-provider.js';

const NO_PROVIDER = new ProxyTracerProvider().getDelegate();
const PROBE = createContextKey('huleedu.nest-tracing.context-manager-probe');

/** The tracer provider registered with the API by anyone, or undefined when there is none. */
export function registeredTracerProvider(): TracerProvider | undefined {
  const delegate = unwrapTracerProvider(trace.getTracerProvider());
  return delegate === NO_PROVIDER || delegate.constructor?.name === 'NoopTracerProvider' ? undefined : delegate;
}

/** True when a context manager is registered (the no-op one never makes a context active). */
export function hasContextManager(): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  return context.with(probe, () => context.active().getValue(PROBE) === true);
}

/** What this library registered itself, so it removes exactly that. */
export interface Registration {
  tracerProvider: boolean;
  contextManager: boolean;
  propagator: boolean;
}

/**
 * Register `provider`, plus an AsyncLocalStorage context manager and `propagator` (the resolved
 * `propagators`, W3C trace context and baggage by default) where the application has not
 * registered its own.
 */
export function registerGlobals(provider: TracerProvider, propagator: TextMapPropagator | undefined): Registration {
  const registration: Registration = { tracerProvider: false, contextManager: false, propagator: false };
  registration.tracerProvider = trace.setGlobalTracerProvider(provider);
  if (!hasContextManager()) {
    registration.contextManager = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (propagator && propagation.fields().length === 0) {
    registration.propagator = propagation.setGlobalPropagator(propagator);
  }
  return registration;
}

export function unregisterGlobals(registration: Registration): void {
  if (registration.tracerProvider) trace.disable();
  if (registration.contextManager) context.disable();
  if (registration.propagator) propagation.disable();
}
