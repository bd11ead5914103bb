import { SpanKind, context } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { traceOperation } from '@huleedu/nest-tracing';
import { MessagingAttributes } from '../messaging-attributes.js';
import { clientOperationDuration, measureSend } from '../messaging-metrics.js';
import type { MessagingSystem } from '../messaging-attributes.js';
import type { SpanNameStyle } from '../kafka-tracing.options.js';

/** `kafka.produce.{topic}` (or `{system}.produce.{destination}`), or with semconv names `send {topic}`. */
export function produceSpanName(style: SpanNameStyle, system: MessagingSystem, destination: string): string {
  return style === 'semconv' ? `send ${destination}` : `${system}.produce.${destination}`;
}

/** The attributes of a PRODUCER span. */
export function produceAttributes(
  system: MessagingSystem,
  destination: string,
  messageCount: number,
  extra?: Attributes,
): Attributes {
  const attributes: Attributes = {
    [MessagingAttributes.SYSTEM]: system,
    [MessagingAttributes.OPERATION_TYPE]: 'send',
    [MessagingAttributes.OPERATION_NAME]: 'send',
    [MessagingAttributes.DESTINATION_NAME]: destination,
    ...extra,
  };
  if (messageCount !== 1) attributes[MessagingAttributes.BATCH_MESSAGE_COUNT] = messageCount;
  return attributes;
}

/**
 * Run `publish` inside a PRODUCER span (or, for request/reply, a CLIENT span over the round trip);
 * `publish` builds its headers from the active context, which is the new span. Ends once the
 * result settles, like any traced call.
 */
export function runProduceSpan<T>(
  name: string,
  attributes: Attributes,
  publish: () => T,
  kind: SpanKind = SpanKind.PRODUCER,
): T {
  const producer = kind === SpanKind.PRODUCER;
  // a send's duration goes to messaging.client.operation.duration, not to the @Traced operations' metric
  const run = producer && clientOperationDuration.enabled ? () => measureSend(attributes, publish) : publish;
  return traceOperation(name, attributes, run, {
    kind,
    operationType: kind === SpanKind.CLIENT ? 'client' : 'send',
    metrics: !producer,
  });
}

/**
 * Run `send` (the client library's own send, once the message headers are written from our span)
 * with tracing suppressed. Otherwise the library's instrumentation (`instrumentation-kafkajs`, the
 * amqplib one) makes a second PRODUCER span for the same message and writes its own `traceparent`
 * over ours. Under suppression the SDK hands it a non-recording span and the W3C propagators inject
 * nothing, so the message carries our span's context and the trace has one PRODUCER span.
 */
export function sendWithoutInstrumentation<T>(send: () => T): T {
  return context.with(suppressTracing(context.active()), send);
}
