import { metrics } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { TracingConfigError } from '../tracing.errors.js';
import type { ResolvedMetricsOptions } from './resolve-options.js';

/** The meter provider metrics go to, and what this library does with it at shutdown. */
export interface MeterState {
  provider: MeterProvider & { forceFlush?: () => Promise<void>; shutdown?: () => Promise<void> };
  /** Started here: shut down with the last lease. Otherwise only flushed. */
  owned: boolean;
  /** Registered as the API's global meter provider by this library (removed again at shutdown). */
  registered: boolean;
  /** Started for an `override` module (TracingTestingModule), which later overrides do not replace. */
  override: boolean;
}

/** The meter provider the application registered with the API, or undefined when there is none. */
export function registeredMeterProvider(): MeterProvider | undefined {
  const provider = metrics.getMeterProvider();
  return provider.constructor?.name === 'NoopMeterProvider' ? undefined : provider;
}

const INSTALL = 'npm install @opentelemetry/sdk-metrics @opentelemetry/exporter-metrics-otlp-proto';

/** An optional peer, loaded only when metrics are on; missing, start-up fails with the install line. */
async function loadOptionalPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw TracingConfigError.create(
      `Metrics are on, and they need the package ${name}, which could not be loaded (${String(error)}).`,
      [
        `Install the metrics SDK beside nest-tracing: ${INSTALL} (sdk-metrics 3.x, the exporter 0.300 or later).`,
        'Or record into a meter provider of your own: metrics: { meterProvider }.',
        'Or leave metrics off: remove the metrics option and NEST_TRACING_METRICS.',
      ],
    );
  }
}

async function createExporter(option: ResolvedMetricsOptions['exporter']): Promise<PushMetricExporter | undefined> {
  if (option === 'none') return undefined;
  if (option === 'console') {
    const { ConsoleMetricExporter } = await loadOptionalPeer(
      '@opentelemetry/sdk-metrics',
      () => import('@opentelemetry/sdk-metrics'),
    );
    return new ConsoleMetricExporter();
  }
  if (option === 'otlp') {
    const { OTLPMetricExporter } = await loadOptionalPeer(
      '@opentelemetry/exporter-metrics-otlp-proto',
      () => import('@opentelemetry/exporter-metrics-otlp-proto'),
    );
    // honours OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT and the temporality preference
    return new OTLPMetricExporter();
  }
  return option;
}

/**
 * The meter provider for `options`: the one given, else the one the application registered (as a
 * registered tracer provider is reused), else one started here with a periodic reader for the
 * exporter plus the extra readers, registered globally. `override` (TracingTestingModule) always
 * starts its own, so tests read their own metrics.
 */
export async function acquireMeterProvider(
  options: ResolvedMetricsOptions,
  resource: Resource,
  override: boolean,
): Promise<MeterState> {
  if (options.meterProvider) return { provider: options.meterProvider, owned: false, registered: false, override };
  const registered = override ? undefined : registeredMeterProvider();
  if (registered) return { provider: registered, owned: false, registered: false, override };
  const sdk = await loadOptionalPeer('@opentelemetry/sdk-metrics', () => import('@opentelemetry/sdk-metrics'));
  const exporter = await createExporter(options.exporter);
  const readers: IMetricReader[] = [...options.readers];
  if (exporter) {
    readers.unshift(
      new sdk.PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: options.exportIntervalMillis,
        exportTimeoutMillis: Math.min(30_000, options.exportIntervalMillis),
      }),
    );
  }
  const provider = new sdk.MeterProvider({ resource, readers });
  const registers = registeredMeterProvider() === undefined;
  return { provider, owned: true, registered: registers && metrics.setGlobalMeterProvider(provider), override };
}

/** At the last release: shut an owned provider down (its readers export what is left), else flush it. */
export function releaseMeterProvider(state: MeterState): Promise<void> | undefined {
  if (state.registered && metrics.getMeterProvider() === state.provider) metrics.disable();
  return state.owned ? state.provider.shutdown?.() : state.provider.forceFlush?.();
}
