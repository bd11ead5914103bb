import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { defaultErrorClassifier } from '../runtime/default-error-classifier.js';
import { TracingConfigError } from '../tracing.errors.js';
import type {
  BatchOptions,
  ErrorClassifier,
  MetricsOptions,
  PropagatorName,
  TracingModuleOptions,
} from '../tracing.options.js';
import { resolvePropagators } from './propagators.js';
import { SpanNameRulesSampler, createBaseSampler } from './span-name-rules.sampler.js';

/** Options after defaults, environment variables and validation. @internal */
export interface ResolvedTracingOptions {
  enabled: boolean;
  serviceName: string;
  serviceVersion: string | undefined;
  environment: string | undefined;
  resourceAttributes: NonNullable<TracingModuleOptions['resourceAttributes']>;
  spanNamePrefix: string;
  exporters: Array<'otlp' | 'console' | 'none' | SpanExporter>;
  spanProcessor: 'batch' | 'simple';
  batch: BatchOptions;
  spanProcessors: SpanProcessor[];
  sampler: Sampler;
  parentBasedSampling: boolean;
  errorClassifier: ErrorClassifier;
  attributeValueLengthLimit: number;
  shutdownTimeoutMillis: number;
  override: boolean;
  propagators: readonly PropagatorName[];
  /** Undefined when metrics are off (the default). */
  metrics: ResolvedMetricsOptions | undefined;
}

/** Metrics options after defaults and environment variables. @internal */
export interface ResolvedMetricsOptions {
  exporter: NonNullable<MetricsOptions['exporter']>;
  exportIntervalMillis: number;
  readers: NonNullable<MetricsOptions['readers']>;
  meterProvider: MetricsOptions['meterProvider'];
}

type Env = Record<string, string | undefined>;

const ENV_SAMPLERS: Record<string, { ratio?: number; parentBased: boolean }> = {
  always_on: { ratio: 1, parentBased: false },
  always_off: { ratio: 0, parentBased: false },
  traceidratio: { parentBased: false },
  parentbased_always_on: { ratio: 1, parentBased: true },
  parentbased_always_off: { ratio: 0, parentBased: true },
  parentbased_traceidratio: { parentBased: true },
};

function fail(problem: string, ...solutions: string[]): never {
  throw TracingConfigError.create(problem, solutions);
}

function checkRatio(value: unknown, what: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    fail(
      `${what} must be a number from 0 to 1, got ${JSON.stringify(value)}.`,
      'Use 1 to keep every trace, 0.1 to keep one in ten, 0 to keep none.',
    );
  }
  return value;
}

function samplingFromEnv(env: Env): { ratio: number; parentBased: boolean } {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (!name) return { ratio: 1, parentBased: true };
  const known = ENV_SAMPLERS[name];
  if (!known) {
    fail(
      `OTEL_TRACES_SAMPLER=${name} is not a sampler nest-tracing can build.`,
      `Use one of: ${Object.keys(ENV_SAMPLERS).join(', ')}.`,
      'Or unset it and pass sampling options to TracingModule.forRoot().',
    );
  }
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  const ratio =
    known.ratio ?? (arg === undefined || arg === '' ? 1 : checkRatio(Number(arg), 'OTEL_TRACES_SAMPLER_ARG'));
  return { ratio, parentBased: known.parentBased };
}

function resolveExporters(options: TracingModuleOptions, env: Env): ResolvedTracingOptions['exporters'] {
  const configured =
    options.exporter ??
    (env.OTEL_TRACES_EXPORTER?.split(',').map((v) => v.trim()) as TracingModuleOptions['exporter']) ??
    'otlp';
  const list = Array.isArray(configured) ? configured : [configured];
  for (const exporter of list) {
    const isExporterObject = typeof exporter === 'object' && exporter !== null && typeof exporter.export === 'function';
    if (!isExporterObject && !['otlp', 'console', 'none'].includes(exporter as string)) {
      fail(
        `exporter ${JSON.stringify(exporter)} is not known.`,
        "Use 'otlp', 'console' or 'none', or pass an OpenTelemetry SpanExporter instance.",
        'Check OTEL_TRACES_EXPORTER if you set the exporter through the environment.',
      );
    }
  }
  return list;
}

const BATCH_ENV: Array<[keyof BatchOptions, string]> = [
  ['maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'],
  ['maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
  ['scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'],
  ['exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'],
];

/**
 * Room for bursts: a Nest service that ends a few thousand spans at once (a batch job, a fan-out)
 * keeps them, where OpenTelemetry's 2 048 spans and 5 s would drop the rest. A queued span holds a
 * few kB, so the full queue is tens of MB at most.
 */
export const DEFAULT_BATCH: Readonly<Required<Pick<BatchOptions, 'maxQueueSize' | 'scheduledDelayMillis'>>> = {
  maxQueueSize: 8192,
  scheduledDelayMillis: 1000,
};

/** Batch options: explicit values, else the standard `OTEL_BSP_*` variables, else `DEFAULT_BATCH` and OpenTelemetry's defaults. */
function resolveBatch(batch: BatchOptions | undefined, env: Env): BatchOptions {
  const resolved: BatchOptions = { ...batch };
  for (const [field, variable] of BATCH_ENV) {
    const raw = env[variable]?.trim();
    if (resolved[field] !== undefined || !raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      fail(
        `${variable}=${raw} is not a whole number of ${field === 'maxQueueSize' || field === 'maxExportBatchSize' ? 'spans' : 'milliseconds'}.`,
        `Set ${variable} to a non-negative integer, or unset it.`,
      );
    }
    resolved[field] = value;
  }
  resolved.maxQueueSize ??= DEFAULT_BATCH.maxQueueSize;
  resolved.scheduledDelayMillis ??= DEFAULT_BATCH.scheduledDelayMillis;
  return resolved;
}

const METRICS_EXPORTERS = ['otlp', 'console', 'none'];

/** `metrics`: off unless the option or `NEST_TRACING_METRICS=true` turns it on; then defaults and `OTEL_METRIC*` variables. */
function resolveMetrics(option: TracingModuleOptions['metrics'], env: Env): ResolvedMetricsOptions | undefined {
  const flag = env.NEST_TRACING_METRICS?.trim().toLowerCase();
  if (flag !== undefined && flag !== '' && flag !== 'true' && flag !== 'false') {
    fail(
      `NEST_TRACING_METRICS=${flag} is neither true nor false.`,
      'Set NEST_TRACING_METRICS=true to record metrics, or unset it.',
    );
  }
  const on = option === undefined ? flag === 'true' : option !== false;
  if (!on) return undefined;
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'object' || option === null)) {
    fail(
      `metrics must be true, false or an options object, got ${JSON.stringify(option)}.`,
      "Write metrics: true, or metrics: { exporter: 'otlp' }.",
    );
  }
  const options: MetricsOptions = typeof option === 'object' ? option : {};
  const fromEnv = env.OTEL_METRICS_EXPORTER?.split(',')[0]?.trim().toLowerCase();
  const exporter = options.exporter ?? ((fromEnv || 'otlp') as 'otlp');
  const isExporterObject = typeof exporter === 'object' && exporter !== null && typeof exporter.export === 'function';
  if (!isExporterObject && !METRICS_EXPORTERS.includes(exporter as string)) {
    fail(
      `metrics exporter ${JSON.stringify(exporter)} is not known.`,
      "Use 'otlp', 'console' or 'none', or pass an OpenTelemetry PushMetricExporter instance.",
      'Check OTEL_METRICS_EXPORTER if you set the exporter through the environment.',
    );
  }
  const rawInterval = env.OTEL_METRIC_EXPORT_INTERVAL?.trim();
  const exportIntervalMillis = options.exportIntervalMillis ?? (rawInterval ? Number(rawInterval) : 60_000);
  if (!Number.isInteger(exportIntervalMillis) || exportIntervalMillis < 1) {
    fail(
      `The metrics export interval must be a positive whole number of milliseconds, got ${JSON.stringify(options.exportIntervalMillis ?? rawInterval)}.`,
      'Set metrics.exportIntervalMillis (or OTEL_METRIC_EXPORT_INTERVAL) to, say, 60000, or leave it out.',
    );
  }
  return {
    exporter,
    exportIntervalMillis,
    readers: options.readers ?? [],
    meterProvider: options.meterProvider,
  };
}

/** Short service name for span names: `spellchecker-service` gives `spellchecker`. */
export function defaultSpanNamePrefix(serviceName: string): string {
  return serviceName.replace(/[-_.]service$/i, '') || serviceName;
}

/** Apply defaults and the standard `OTEL_*` variables, and reject mistakes with a fix. @internal */
export function resolveTracingOptions(
  options: TracingModuleOptions = {},
  env: Env = process.env,
): ResolvedTracingOptions {
  const enabled = options.enabled ?? env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
  const serviceName = options.serviceName ?? env.OTEL_SERVICE_NAME;
  if (!serviceName) {
    fail(
      'TracingModule needs a service name.',
      "Pass it: TracingModule.forRoot({ serviceName: 'file-service' }).",
      'Or set the OTEL_SERVICE_NAME environment variable.',
    );
  }
  const sampling = options.sampling;
  const fromEnv =
    sampling?.ratio === undefined && sampling?.parentBased === undefined ? samplingFromEnv(env) : undefined;
  const ratio = sampling?.ratio !== undefined ? checkRatio(sampling.ratio, 'sampling.ratio') : (fromEnv?.ratio ?? 1);
  const parentBased = sampling?.parentBased ?? fromEnv?.parentBased ?? true;
  const rules = sampling?.rules ?? {};
  for (const [name, ruleRatio] of Object.entries(rules)) {
    if (!name)
      fail(
        'sampling.rules has an empty span name.',
        "Name the spans a rule applies to, for example { 'kafka.consume.heartbeat*': 0.01 }.",
      );
    checkRatio(ruleRatio, `sampling.rules['${name}']`);
  }
  const base = createBaseSampler(ratio, parentBased);
  const limit = options.attributeValueLengthLimit ?? 2048;
  if (!Number.isInteger(limit) || limit < 1) {
    fail(
      `attributeValueLengthLimit must be a positive integer, got ${JSON.stringify(limit)}.`,
      'Leave it out for the default of 2048 characters.',
    );
  }
  const shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? 5000;
  if (!(shutdownTimeoutMillis > 0)) {
    fail(
      `shutdownTimeoutMillis must be a positive number, got ${JSON.stringify(shutdownTimeoutMillis)}.`,
      'Leave it out for the default of 5000 ms.',
    );
  }
  const spanProcessor = options.spanProcessor ?? 'batch';
  if (spanProcessor !== 'batch' && spanProcessor !== 'simple') {
    fail(
      `spanProcessor must be 'batch' or 'simple', got ${JSON.stringify(spanProcessor)}.`,
      "Use 'batch' in production and 'simple' in tests.",
    );
  }
  return {
    enabled,
    serviceName,
    serviceVersion: options.serviceVersion,
    environment: options.environment,
    resourceAttributes: options.resourceAttributes ?? {},
    spanNamePrefix: options.spanNamePrefix ?? defaultSpanNamePrefix(serviceName),
    exporters: resolveExporters(options, env),
    spanProcessor,
    batch: resolveBatch(options.batch, env),
    spanProcessors: options.spanProcessors ?? [],
    sampler: Object.keys(rules).length > 0 ? new SpanNameRulesSampler(rules, base, parentBased) : base,
    parentBasedSampling: parentBased,
    errorClassifier: options.errorClassifier ?? defaultErrorClassifier,
    attributeValueLengthLimit: limit,
    shutdownTimeoutMillis,
    override: options.override ?? false,
    propagators: resolvePropagators(options.propagators, env),
    metrics: enabled ? resolveMetrics(options.metrics, env) : undefined,
  };
}
