import { afterEach, describe, expect, it } from '@jest/globals';
import { configureKafkaTracing, kafkaTracingDefaults, resolveKafkaOptions } from './kafka-tracing.options.js';
import { KafkaTracingModule } from './kafka-tracing.module.js';

const SEMCONV_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';

describe('Kafka tracing options', () => {
  afterEach(() => {
    delete process.env[SEMCONV_ENV];
    configureKafkaTracing({});
  });

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

  it('resolves the messaging names once, when configured: the semconv option wins over the environment variable', () => {
    process.env[SEMCONV_ENV] = 'http,messaging/dup';
    configureKafkaTracing({});
    expect(kafkaTracingDefaults().messagingNaming.mode).toBe('dup');
    // the variable is read when configuring, not per message
    process.env[SEMCONV_ENV] = 'messaging';
    expect(kafkaTracingDefaults().messagingNaming.mode).toBe('dup');
    configureKafkaTracing({ semconv: { messaging: 'legacy' } });
    expect(kafkaTracingDefaults().messagingNaming.mode).toBe('legacy');
    configureKafkaTracing({ semconv: {} });
    expect(kafkaTracingDefaults().messagingNaming.mode).toBe('stable');
    // per-handler options keep the process-wide names
    const resolve = resolveKafkaOptions({ groupId: 'g', semconv: { messaging: 'legacy' } } as never, 'spec');
    expect(resolve().messagingNaming.mode).toBe('stable');
  });

  it('fails at start-up on an invalid semconv option, naming the valid values', () => {
    expect(() => KafkaTracingModule.forRoot({ semconv: { messaging: 'messaging/dup' as never } })).toThrow(
      "KafkaTracingModule.forRoot: semconv.messaging must be 'legacy', 'stable' or 'dup', got \"messaging/dup\".",
    );
  });
});
