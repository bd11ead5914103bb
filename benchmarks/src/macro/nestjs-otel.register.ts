/**
 * Preload of the `nestjs-otel` setup: the `tracing.ts` of nestjs-otel 8.1.1's README ("Setup", step
 * 1), started before Nest is imported (step 2: "Start SDK before nestjs factory create"). The README
 * is written for CommonJS; Nest 12 is an ES module application, so the file is preloaded with
 * `--import` and registers the ESM loader hook OpenTelemetry documents first, as
 * `node-sdk.register.ts` does. What OpenTelemetry JS 3.x no longer has is adapted, and nothing else:
 *
 * - `JaegerExporter` (`@opentelemetry/exporter-jaeger`, gone from OpenTelemetry JS) becomes the
 *   benchmark's counting exporter, which drops every span, as in every setup;
 * - `JaegerPropagator` (`@opentelemetry/propagator-jaeger`, no 3.x release) is left out of the
 *   composite propagator; W3C trace context, W3C baggage and B3 stay;
 * - `BatchSpanProcessor` comes from `@opentelemetry/sdk-trace` (3.x's name for sdk-trace-base) and
 *   takes `{ exporter }`; NodeSDK's `spanProcessor` and `metricReader` are now `spanProcessors` and
 *   `metricReaders`;
 * - the README's `import * as process from 'process'` is left out: in an ES module that namespace has
 *   no `on` (an inherited EventEmitter method, not a named export), so the README's
 *   `process.on('SIGTERM', ...)` throws at start-up; the global `process` is what it means.
 *
 * The Prometheus reader listens on the README's port 8081 (pulled, so never collected here); should
 * the port be taken, the exporter reports it through `diag` and the server runs on.
 */
import { register } from 'node:module';
import { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } from '@opentelemetry/core';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CountingSpanExporter, PRELOADED_TRACING, flushRegisteredProvider } from './counting.exporter.js';
import type { PreloadedTracing } from './counting.exporter.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const exporter = new CountingSpanExporter();
const instrumentations = getNodeAutoInstrumentations();

const otelSDK = new NodeSDK({
  metricReaders: [
    new PrometheusExporter({
      port: 8081,
    }),
  ],
  spanProcessors: [new BatchSpanProcessor({ exporter })],
  contextManager: new AsyncLocalStorageContextManager(),
  textMapPropagator: new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator()],
  }),
  instrumentations: [instrumentations],
});

// the README's shutdown handler, as it has it
/* eslint-disable no-console */
process.on('SIGTERM', () => {
  otelSDK
    .shutdown()
    .then(
      () => console.log('SDK shut down successfully'),
      (err: unknown) => console.log('Error shutting down SDK', err),
    )
    .finally(() => process.exit(0));
});
/* eslint-enable no-console */

// step 2: "Start SDK before nestjs factory create"
otelSDK.start();

const preloaded: PreloadedTracing = {
  exporter,
  forceFlush: () => flushRegisteredProvider(),
  instrumentations: instrumentations.map((i) => i.instrumentationName),
};
(globalThis as Record<symbol, unknown>)[PRELOADED_TRACING] = preloaded;
