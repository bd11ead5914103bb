/**
 * Starts OpenTelemetry before the application boots. `main.ts` imports it first, and its top-level
 * await settles before `main.ts` runs its body, so the provider is in place when Nest starts. The
 * exporter follows the standard environment (`OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * ...; OTLP/HTTP by default). `TracingModule` in `AppModule` adopts this provider and shuts it down
 * with the application.
 */
import { startTracing } from '@huleedu/nest-tracing';

await startTracing({ serviceName: 'result-aggregator-service' });
