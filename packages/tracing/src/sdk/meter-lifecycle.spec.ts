import { describe, expect, it, jest } from '@jest/globals';
import { resourceFromAttributes } from '@opentelemetry/resources';

// `@opentelemetry/sdk-metrics` is an optional peer: an application that leaves metrics off may not
// have it. This file's module registry stands in for such an application (the package is installed
// in this repository, so it cannot really be absent): importing it fails as a missing package does.
jest.unstable_mockModule('@opentelemetry/sdk-metrics', () => {
  throw Object.assign(new Error("Cannot find package '@opentelemetry/sdk-metrics'"), { code: 'ERR_MODULE_NOT_FOUND' });
});
const { acquireMeterProvider } = await import('./meter-lifecycle.js');
const { resolveTracingOptions } = await import('./resolve-options.js');

describe('metrics without @opentelemetry/sdk-metrics installed', () => {
  const resource = resourceFromAttributes({ 'service.name': 'file-service' });

  it('fails at start-up with the install line', async () => {
    const { metrics } = resolveTracingOptions({ serviceName: 'file-service', metrics: { exporter: 'none' } }, {});
    await expect(acquireMeterProvider(metrics!, resource, false)).rejects.toThrow(
      /need the package @opentelemetry\/sdk-metrics[\s\S]*npm install @opentelemetry\/sdk-metrics @opentelemetry\/exporter-metrics-otlp-proto/,
    );
  });

  it('needs nothing more when the application hands its own meter provider', async () => {
    const meterProvider = { getMeter: jest.fn() } as never;
    const { metrics } = resolveTracingOptions({ serviceName: 'file-service', metrics: { meterProvider } }, {});
    await expect(acquireMeterProvider(metrics!, resource, false)).resolves.toMatchObject({
      provider: meterProvider,
      owned: false,
    });
  });
});

describe('metrics options', () => {
  it('are off by default and with NEST_TRACING_METRICS=false', () => {
    expect(resolveTracingOptions({ serviceName: 's' }, {}).metrics).toBeUndefined();
    expect(resolveTracingOptions({ serviceName: 's' }, { NEST_TRACING_METRICS: 'false' }).metrics).toBeUndefined();
  });

  it('take OTEL_METRICS_EXPORTER and OTEL_METRIC_EXPORT_INTERVAL, options first', () => {
    const env = { NEST_TRACING_METRICS: 'true', OTEL_METRICS_EXPORTER: 'console', OTEL_METRIC_EXPORT_INTERVAL: '5000' };
    expect(resolveTracingOptions({ serviceName: 's' }, env).metrics).toMatchObject({
      exporter: 'console',
      exportIntervalMillis: 5000,
    });
    expect(
      resolveTracingOptions({ serviceName: 's', metrics: { exportIntervalMillis: 1000 } }, env).metrics,
    ).toMatchObject({
      exporter: 'console',
      exportIntervalMillis: 1000,
    });
  });

  it('reject an unknown exporter and a bad interval with what to write', () => {
    expect(() => resolveTracingOptions({ serviceName: 's', metrics: { exporter: 'prometheus' as never } }, {})).toThrow(
      /metrics exporter "prometheus" is not known[\s\S]*'otlp', 'console' or 'none'/,
    );
    expect(() =>
      resolveTracingOptions({ serviceName: 's', metrics: true }, { OTEL_METRIC_EXPORT_INTERVAL: 'soon' }),
    ).toThrow(/export interval must be a positive whole number[\s\S]*60000/);
  });
});
