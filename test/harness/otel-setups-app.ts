import { startService } from './start-service.js';
import type { RunningService } from './start-service.js';

/** The OpenTelemetry set-ups `test/fixtures/otel-setups/src/instrumentation.ts` preloads. */
export type OtelSetup = 'ours' | 'node-sdk' | 'http-only' | 'node-sdk-and-ours';

/**
 * Start the otel-setups fixture (a small Nest application) as its own process, with `setup` preloaded
 * by `node --import` as an application's instrumentation file is, exporting over OTLP to
 * `otlpEndpoint` every 100 ms. `env` adds `ADAPTER`, `KAFKA_BROKERS` and the like.
 */
export function startOtelSetupsApp(
  setup: OtelSetup,
  otlpEndpoint: string,
  env: Record<string, string> = {},
): Promise<RunningService> {
  const label = Object.values(env).length > 0 ? `${setup}, ${Object.values(env).join(', ')}` : setup;
  return startService(`greeter (${label})`, {
    script: 'test/fixtures/otel-setups/dist/main.js',
    nodeArgs: ['--import', './test/fixtures/otel-setups/dist/instrumentation.js'],
    env: { OTEL_SETUP: setup, OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100', ...env },
    // loading all of auto-instrumentations-node's instrumentations took over 60 s on a 2-core machine under
    // a load average of 20; the specs' hooks allow 120 s
    startTimeoutMs: 100_000,
  });
}
