/**
 * Preload of the instrumentation setups: `node --import <this file> http-server.js --setup=<name>`.
 * As an `instrumentation.ts` in OpenTelemetry's ESM instructions: register the import-in-the-middle
 * loader hook (`@opentelemetry/instrumentation/hook.mjs`) so ESM imports can be patched, start a
 * tracer provider (batch processor, discarding exporter) with the context manager and propagators
 * NodeSDK registers, and enable the setup's instrumentations, all before Nest is imported.
 */
import { register } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CountingSpanExporter, PRELOADED_TRACING } from './counting.exporter.js';
import type { PreloadedTracing } from './counting.exporter.js';
import { argument, findSetup } from './setups.js';
import type { InstrumentationName } from './setups.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const setup = findSetup(argument('setup'));
if (!Array.isArray(setup.preload))
  throw new Error(`setup ${setup.name} preloads its own set-up file (${setup.preload})`);
const names: InstrumentationName[] = setup.preload;
const exporter = new CountingSpanExporter();
const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);

const factories: Record<InstrumentationName, () => Instrumentation> = {
  http: () => new HttpInstrumentation(),
  express: () => new ExpressInstrumentation(),
  'nestjs-core': () => new NestInstrumentation(),
};
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: names.map((name) => factories[name]()),
});

const preloaded: PreloadedTracing = {
  exporter,
  forceFlush: () => provider.forceFlush(),
  instrumentations: names,
};
(globalThis as Record<symbol, unknown>)[PRELOADED_TRACING] = preloaded;
