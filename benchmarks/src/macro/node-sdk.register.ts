/**
 * Preload of the `auto-instrumentations-node` setups: `node --import <this file> http-server.js
 * --setup=<name>`. It is the `instrumentation.mjs` OpenTelemetry's Node.js documentation has an ES
 * module application write: the import-in-the-middle loader hook, then a `NodeSDK` with
 * `getNodeAutoInstrumentations()` at its defaults, started before the application is imported. The
 * one change is the trace exporter: the benchmark's counting exporter, which drops every span (the
 * SDK wraps it in a `BatchSpanProcessor` at OpenTelemetry's defaults, as it does any
 * `traceExporter`). Everything else is NodeSDK's default: the instrumentations `OTEL_NODE_*`
 * variables do not restrict, resource detection, and the meter and logger providers `OTEL_METRICS_EXPORTER`
 * and `OTEL_LOGS_EXPORTER` ask for (unset: OTLP to localhost:4318, which nothing answers here).
 */
import { register } from 'node:module';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { CountingSpanExporter, PRELOADED_TRACING, flushRegisteredProvider } from './counting.exporter.js';
import type { PreloadedTracing } from './counting.exporter.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const exporter = new CountingSpanExporter();
const instrumentations = getNodeAutoInstrumentations();
const sdk = new NodeSDK({ serviceName: 'bench-http', traceExporter: exporter, instrumentations: [instrumentations] });
sdk.start();

const preloaded: PreloadedTracing = {
  exporter,
  forceFlush: () => flushRegisteredProvider(),
  instrumentations: instrumentations.map((i) => i.instrumentationName),
};
(globalThis as Record<symbol, unknown>)[PRELOADED_TRACING] = preloaded;
