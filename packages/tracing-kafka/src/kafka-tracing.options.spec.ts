import { afterEach, describe, expect, it } from '@jest/globals';
import { configureKafkaTracing, kafkaTracingDefaults, resolveKafkaOptions } from './kafka-tracing.options.js';

describe('Kafka tracing options', () => {
  afterEach(() => configureKafkaTracing({}));

  it('fails at configuration time with what to write instead', () => {
    expect(() => configureKafkaTracing({ spanNames: 'otel' as never })).toThrow(
      "configureKafkaTracing: spanNames must be 'huleedu' or 'semconv', got \"otel\"",
    );
    expect(() => resolveKafkaOptions({ producerContext: 'child' as never }, '@TraceKafka (A.b)')).toThrow(
      "@TraceKafka (A.b): producerContext must be 'parent' or 'link'",
    );
  });

  it('layers per-handler options over the process-wide defaults, following later changes', () => {
    const resolve = resolveKafkaOptions({ groupId: 'handler-group' }, 'spec');
    configureKafkaTracing({ spanNames: 'semconv', disabledTopics: ['audit'] });
    expect(resolve()).toMatchObject({ spanNames: 'semconv', groupId: 'handler-group', captureMessageKey: true });
    expect(resolve().disabledTopics.has('audit')).toBe(true);
    expect(kafkaTracingDefaults().groupId).toBeUndefined();
  });
});
