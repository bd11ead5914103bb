import { SpanKind, context } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { DurationHistogram, PACKAGE_VERSION, classifyErrorType } from '@huleedu/nest-tracing';
import { types } from 'node:util';
import { MessagingAttributes } from './messaging-attributes.js';

const METER = { name: '@huleedu/nest-tracing-kafka', version: PACKAGE_VERSION };

/**
 * `messaging.process.duration`: each message (or batch) a traced handler processed, from the start
 * of its CONSUMER span to the end. A span `instrumentation-kafkajs` made is left to it (it records
 * the same metric).
 */
export const processDuration = new DurationHistogram(
  'messaging.process.duration',
  'Duration of processing operation.',
  METER,
);

/** `messaging.client.operation.duration`: each send of a traced producer or client (`operation.name=send`). */
export const clientOperationDuration = new DurationHistogram(
  'messaging.client.operation.duration',
  'Duration of messaging operation initiated by a producer or consumer client.',
  METER,
);

/** Metric attributes per system, destination and group: a handful, built once each. */
const processAttributes = new Map<string, Attributes>();

/**
 * The attributes of `messaging.process.duration`: system, operation name, destination and consumer
 * group (all bounded: names from configuration and code, never from a payload).
 */
export function processMetricAttributes(system: string, destination: string, group: unknown): Attributes {
  const groupName = typeof group === 'string' ? group : undefined;
  const key = `${system}\u0000${destination}\u0000${groupName ?? ''}`;
  let attributes = processAttributes.get(key);
  if (attributes === undefined) {
    attributes = {
      [MessagingAttributes.SYSTEM]: system,
      [MessagingAttributes.OPERATION_NAME]: 'process',
      [MessagingAttributes.DESTINATION_NAME]: destination,
    };
    if (groupName !== undefined) attributes[MessagingAttributes.CONSUMER_GROUP_NAME] = groupName;
    if (processAttributes.size >= 1024) processAttributes.clear();
    processAttributes.set(key, attributes);
  }
  return attributes;
}

/** The span attributes a send metric keeps (system, operation name, destination), whatever names are in force. */
const SEND_METRIC_KEYS = [
  MessagingAttributes.SYSTEM,
  'messaging.system.name',
  MessagingAttributes.OPERATION_NAME,
  MessagingAttributes.DESTINATION_NAME,
];

/**
 * Run `publish` and record `messaging.client.operation.duration` when it settles, in the context
 * active now (the PRODUCER span's, for exemplars), with `error.type` when it failed.
 */
export function measureSend<T>(spanAttributes: Attributes, publish: () => T): T {
  const startedAt = performance.now();
  const ctx = context.active();
  const attributes: Attributes = {};
  for (const key of SEND_METRIC_KEYS) if (spanAttributes[key] !== undefined) attributes[key] = spanAttributes[key];
  const record = (failed: boolean, error?: unknown): void => {
    const errorType = failed ? classifyErrorType(error, SpanKind.PRODUCER) : undefined;
    clientOperationDuration.record(
      (performance.now() - startedAt) / 1000,
      errorType === undefined ? attributes : { ...attributes, 'error.type': errorType },
      ctx,
    );
  };
  let result: T;
  try {
    result = publish();
  } catch (error) {
    record(true, error);
    throw error;
  }
  if (!types.isPromise(result)) {
    record(false);
    return result;
  }
  return result.then(
    (value) => {
      record(false);
      return value;
    },
    (error: unknown) => {
      record(true, error);
      throw error;
    },
  ) as T;
}
