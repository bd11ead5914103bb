import { describe, expect, it } from '@jest/globals';
import { TracingConfigError } from '@huleedu/nest-tracing';
import {
  messagingAttribute,
  messagingSemconvFromEnv,
  namingSink,
  renameMessagingAttributes,
  resolveMessagingNaming,
} from './messaging-semconv.js';

const PRODUCED = {
  'messaging.system': 'kafka',
  'messaging.destination.name': 'essay.uploaded',
  'messaging.kafka.offset': 42,
  'messaging.kafka.message.key': 'essay-1',
  'messaging.kafka.message.tombstone': true,
  'messaging.consumer.group.name': 'lifecycle',
};

describe('messaging semconv naming', () => {
  it('reads OTEL_SEMCONV_STABILITY_OPT_IN as a list that may name other areas', () => {
    expect(messagingSemconvFromEnv(undefined)).toBe('legacy');
    expect(messagingSemconvFromEnv('')).toBe('legacy');
    expect(messagingSemconvFromEnv('http,database')).toBe('legacy');
    expect(messagingSemconvFromEnv('messaging')).toBe('stable');
    expect(messagingSemconvFromEnv('http, messaging ,database/dup')).toBe('stable');
    expect(messagingSemconvFromEnv('messaging/dup')).toBe('dup');
    // both named: the duplicating one wins, as for http/dup
    expect(messagingSemconvFromEnv('messaging,messaging/dup')).toBe('dup');
    expect(messagingSemconvFromEnv('messagingx,messaging/foo')).toBe('legacy');
  });

  it('lets the option win over the environment variable', () => {
    expect(resolveMessagingNaming({ messaging: 'legacy' }, 'messaging', 'spec').mode).toBe('legacy');
    expect(resolveMessagingNaming({ messaging: 'stable' }, 'messaging/dup', 'spec').mode).toBe('stable');
    expect(resolveMessagingNaming({ messaging: 'dup' }, undefined, 'spec').mode).toBe('dup');
    expect(resolveMessagingNaming({}, 'messaging/dup', 'spec').mode).toBe('dup');
    expect(resolveMessagingNaming(undefined, 'messaging', 'spec').mode).toBe('stable');
  });

  it('fails on an invalid option with the valid values', () => {
    const invalid = () =>
      resolveMessagingNaming({ messaging: 'new' as never }, undefined, 'KafkaTracingModule.forRoot');
    expect(invalid).toThrow(TracingConfigError);
    expect(invalid).toThrow(
      `KafkaTracingModule.forRoot: semconv.messaging must be 'legacy', 'stable' or 'dup', got "new".`,
    );
    expect(invalid).toThrow('OTEL_SEMCONV_STABILITY_OPT_IN=messaging');
    expect(() => resolveMessagingNaming('stable' as never, undefined, 'spec')).toThrow(
      'spec: semconv must be an object, got "stable".',
    );
  });

  it('legacy: the attributes object itself, unchanged, and the sink itself', () => {
    const naming = resolveMessagingNaming(undefined, undefined, 'spec');
    const sink = { setAttribute: () => undefined };
    expect(renameMessagingAttributes(PRODUCED, naming)).toBe(PRODUCED);
    expect(namingSink(sink, naming)).toBe(sink);
  });

  it('stable: only the semconv 1.45 names', () => {
    const naming = resolveMessagingNaming({ messaging: 'stable' }, undefined, 'spec');
    expect(renameMessagingAttributes(PRODUCED, naming)).toEqual({
      'messaging.system.name': 'kafka',
      'messaging.destination.name': 'essay.uploaded',
      'kafka.offset': 42,
      'kafka.message.key': 'essay-1',
      'kafka.message.tombstone': true,
      'messaging.consumer.group.name': 'lifecycle',
    });
  });

  it('dup: old and new names, through an attributes object or a sink', () => {
    const naming = resolveMessagingNaming({ messaging: 'dup' }, undefined, 'spec');
    const expected = {
      ...PRODUCED,
      'messaging.system.name': 'kafka',
      'kafka.offset': 42,
      'kafka.message.key': 'essay-1',
      'kafka.message.tombstone': true,
    };
    expect(renameMessagingAttributes(PRODUCED, naming)).toEqual(expected);
    const written: Record<string, unknown> = {};
    const sink = namingSink({ setAttribute: (key: string, value: unknown) => (written[key] = value) }, naming);
    for (const [key, value] of Object.entries(PRODUCED)) sink.setAttribute(key, value);
    expect(written).toEqual(expected);
  });

  it('reads an attribute under either name, the new one first', () => {
    expect(messagingAttribute({ 'kafka.offset': 7 }, 'messaging.kafka.offset')).toBe(7);
    expect(messagingAttribute({ 'messaging.kafka.offset': 7 }, 'messaging.kafka.offset')).toBe(7);
    expect(messagingAttribute({ 'messaging.system.name': 'nats', 'messaging.system': 'x' }, 'messaging.system')).toBe(
      'nats',
    );
    expect(messagingAttribute({ 'messaging.destination.name': 't' }, 'messaging.destination.name')).toBe('t');
    expect(messagingAttribute({}, 'messaging.system')).toBeUndefined();
  });
});
