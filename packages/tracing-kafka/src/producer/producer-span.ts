import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { getCorrelationId, makesNoSpanUnder, recordSpanFailure, traceOperation } from '@huleedu/nest-tracing';
import { kafkaTracer, recordOwnSpanAttributes, runOwnSpanIn } from '../consumer/consumer-span-lifecycle.js';
import { MessagingAttributes } from '../messaging-attributes.js';
import { clientOperationDuration, measureSend } from '../messaging-metrics.js';
import type { MessagingSystem } from '../messaging-attributes.js';
import type { SpanNameStyle } from '../kafka-tracing.options.js';
import { kafkaTracingDefaults } from '../kafka-tracing.options.js';
import { renameMessagingAttributes } from '../messaging-semconv.js';

/** `kafka.produce.{topic}` (or `{system}.produce.{destination}`), or with semconv names `send {topic}`. */
export function produceSpanName(style: SpanNameStyle, system: MessagingSystem, destination: string): string {
  return style === 'semconv' ? `send ${destination}` : `${system}.produce.${destination}`;
}

/**
 * The attributes of a PRODUCER span, under the messaging attribute names of the process-wide semconv
 * mode (`extra` is given under the legacy names, as everything in this package produces them).
 */
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
  return renameMessagingAttributes(attributes, kafkaTracingDefaults().messagingNaming);
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

const markProducerFailure = (span: Span, error: unknown): void =>
  recordSpanFailure(span, error, SpanKind.PRODUCER, 'traceKafkaProducer');

/**
 * `runProduceSpan` for the kafkajs producer's `send` and `sendBatch`, the hottest publish path: the
 * same PRODUCER span (name, attributes, `operation.type=send`, correlation id, result), made
 * directly with this package's tracer instead of through a span spec per call. `attributes` runs
 * only when the span records. `publish` runs with the span active and instrumentation suppressed
 * (as `sendWithoutInstrumentation`, in one context switch), and gets the span's own context, to
 * write the message headers from. Under a sampled-out parent or with tracing off, no span is
 * started: `publish` gets the caller's context (its headers then carry that context).
 */
export function runProducerSend<T>(name: string, attributes: () => Attributes, publish: (headers: Context) => T): T {
  // with metrics on, every send is timed (`messaging.client.operation.duration`), sampled or not
  const timed = clientOperationDuration.enabled;
  const parent = context.active();
  if (makesNoSpanUnder(parent)) {
    const send = timed ? (ctx: Context) => measureSend(attributes(), () => publish(ctx)) : publish;
    return context.with(suppressTracing(parent), send, undefined, parent);
  }
  const span = kafkaTracer().startSpan(name, { kind: SpanKind.PRODUCER }, parent);
  const recording = span.isRecording();
  const written = recording || timed ? attributes() : undefined;
  if (recording) {
    span.setAttributes(written!);
    recordOwnSpanAttributes(span, 'send', getCorrelationId(parent));
  }
  const active = trace.setSpan(parent, span);
  const send = timed ? () => measureSend(written!, () => publish(active)) : () => publish(active);
  return runOwnSpanIn(span, suppressTracing(active), send, markProducerFailure);
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
