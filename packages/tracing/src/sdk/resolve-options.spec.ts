import { describe, expect, it } from '@jest/globals';
import { defaultSpanNamePrefix, resolveTracingOptions } from './resolve-options.js';

describe('resolveTracingOptions', () => {
  it.each([
    ['spellchecker-service', 'spellchecker'],
    ['content_service', 'content'],
    ['api.gateway.service', 'api.gateway'],
    ['api-gateway', 'api-gateway'],
    ['-service', '-service'],
  ])('derives the span name prefix of %s as %s', (serviceName, prefix) => {
    expect(defaultSpanNamePrefix(serviceName)).toBe(prefix);
  });

  it('applies defaults', () => {
    const resolved = resolveTracingOptions({ serviceName: 'file-service' }, {});
    expect(resolved).toMatchObject({
      enabled: true,
      spanNamePrefix: 'file',
      exporters: ['otlp'],
      spanProcessor: 'batch',
      parentBasedSampling: true,
      attributeValueLengthLimit: 2048,
      override: false,
    });
  });

  it('reads the standard environment variables', () => {
    const resolved = resolveTracingOptions(
      {},
      {
        OTEL_SERVICE_NAME: 'content-service',
        OTEL_TRACES_EXPORTER: 'console, none',
        OTEL_SDK_DISABLED: 'TRUE',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    );
    expect(resolved).toMatchObject({
      serviceName: 'content-service',
      exporters: ['console', 'none'],
      enabled: false,
      parentBasedSampling: false,
    });
    expect(resolved.sampler.toString()).toBe('AlwaysOffSampler');
  });

  it('lets explicit options win over the environment', () => {
    const resolved = resolveTracingOptions(
      { serviceName: 'a-service', exporter: 'none', enabled: true, sampling: { ratio: 0.5 } },
      {
        OTEL_SERVICE_NAME: 'b-service',
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_SDK_DISABLED: 'true',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    );
    expect(resolved).toMatchObject({
      serviceName: 'a-service',
      exporters: ['none'],
      enabled: true,
      parentBasedSampling: true,
    });
    expect(resolved.sampler.toString()).toMatch(/ParentBased\{root=TraceIdRatioBased\{0.5\}/);
  });

  it('reads OTEL_BSP_* into the batch options, explicit options first', () => {
    const resolved = resolveTracingOptions(
      { serviceName: 'file-service', batch: { maxQueueSize: 10 } },
      { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BSP_MAX_QUEUE_SIZE: '99', OTEL_BSP_EXPORT_TIMEOUT: '2000' },
    );
    expect(resolved.batch).toEqual({ maxQueueSize: 10, scheduledDelayMillis: 100, exportTimeoutMillis: 2000 });
    // room for bursts by default: 8192 spans and a 1 s delay, where OpenTelemetry has 2048 and 5 s
    expect(resolveTracingOptions({ serviceName: 's' }, {}).batch).toEqual({
      maxQueueSize: 8192,
      scheduledDelayMillis: 1000,
    });
    expect(() => resolveTracingOptions({ serviceName: 's' }, { OTEL_BSP_SCHEDULE_DELAY: 'soon' })).toThrow(
      /OTEL_BSP_SCHEDULE_DELAY=soon/,
    );
  });

  it('reads OTEL_PROPAGATORS, the option first, W3C by default', () => {
    expect(resolveTracingOptions({ serviceName: 's' }, {}).propagators).toEqual(['tracecontext', 'baggage']);
    expect(resolveTracingOptions({ serviceName: 's' }, { OTEL_PROPAGATORS: ' B3, tracecontext ' }).propagators).toEqual(
      ['b3', 'tracecontext'],
    );
    expect(
      resolveTracingOptions({ serviceName: 's', propagators: ['b3multi'] }, { OTEL_PROPAGATORS: 'b3' }).propagators,
    ).toEqual(['b3multi']);
    expect(resolveTracingOptions({ serviceName: 's' }, { OTEL_PROPAGATORS: 'none' }).propagators).toEqual(['none']);
  });

  it('rejects jaeger, removed in OpenTelemetry JS 3.x, and says what to use instead', () => {
    expect(() => resolveTracingOptions({ serviceName: 's' }, { OTEL_PROPAGATORS: 'tracecontext,jaeger' })).toThrow(
      /OTEL_PROPAGATORS names 'jaeger', whose propagator OpenTelemetry JS removed in 3\.x[\s\S]*Use tracecontext/,
    );
    expect(() => resolveTracingOptions({ serviceName: 's', propagators: ['jaeger'] }, {})).toThrow(
      /propagators names 'jaeger'[\s\S]*uber-trace-id/,
    );
  });

  it('rejects propagators it cannot build, with what to do instead', () => {
    expect(() => resolveTracingOptions({ serviceName: 's' }, { OTEL_PROPAGATORS: 'tracecontext,xray' })).toThrow(
      /OTEL_PROPAGATORS names 'xray', which nest-tracing cannot build[\s\S]*propagation\.setGlobalPropagator/,
    );
    expect(() => resolveTracingOptions({ serviceName: 's' }, { OTEL_PROPAGATORS: 'none,b3' })).toThrow(
      "OTEL_PROPAGATORS lists 'none' together with other propagators.",
    );
  });
});
