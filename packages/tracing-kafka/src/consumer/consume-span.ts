import { SpanKind, context, trace } from '@opentelemetry/api';
import type { AttributeValue, Attributes, Context, Link, Span } from '@opentelemetry/api';
import {
  AttributeNames,
  getCorrelationId,
  makesNoSpanUnder,
  reportTelemetryFault,
  setCorrelationId,
} from '@huleedu/nest-tracing';
import { types } from 'node:util';
import { isObservable, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { MessagingAttributes } from '../messaging-attributes.js';
import { namingSink, renameMessagingAttributes } from '../messaging-semconv.js';
import type { ResolvedKafkaTracingOptions } from '../kafka-tracing.options.js';
import type { ConsumedBatch, ConsumedMessage } from './consumed-message.js';
import { messageOrigin } from './message-context.js';
import type { MessageOrigin } from './message-context.js';
import { kafkaTracer, recordOwnSpanAttributes, runInOwnSpan, startOwnSpan } from './consumer-span-lifecycle.js';
import { markFailure } from './mark-failure.js';
import { processDuration, processMetricAttributes } from '../messaging-metrics.js';

export { markFailure };

/** The instrumentation scope of `@opentelemetry/instrumentation-kafkajs`, whose CONSUMER span is enriched. */
const KAFKAJS_INSTRUMENTATION = '@opentelemetry/instrumentation-kafkajs';

/** CONSUMER spans made by this package's server hook, per message context object. */
const hookSpans = new WeakMap<object, Span>();
const hookContexts = new WeakMap<Span, object>();

/** Whether the server hook ever made a span: until it has, no message context is looked up. */
let hookInstalled = false;

export function registerHookSpan(messageContext: object, span: Span): void {
  hookInstalled = true;
  hookSpans.set(messageContext, span);
  hookContexts.set(span, messageContext);
}

/** The server hook's CONSUMER span and message context, when the span is active (a handler called inside the hook). */
export function activeHookSpan(): { span: Span; messageContext: object } | undefined {
  const span = trace.getActiveSpan();
  const messageContext = span?.isRecording() ? hookContexts.get(span) : undefined;
  return span && messageContext ? { span, messageContext } : undefined;
}

/** `@TraceKafka()` on a handler whose message only the hook knows: name, payload attributes, failures. */
export function enrichHookSpan<T>(span: Span, call: ConsumeCall, payload: unknown, fn: () => T): T {
  const extra = payloadAttributesOf(call, payload);
  if (extra) span.setAttributes(extra);
  if (call.name !== undefined) span.updateName(call.name);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    markFailure(span, error);
    throw error;
  }
  return observeFailure(span, result);
}

/** What consume calls of one handler need besides the message (the same object for every call while the options stay). */
export interface ConsumeCall {
  readonly options: ResolvedKafkaTracingOptions;
  /** Explicit span name (`{topic}` is replaced); else the naming style's. */
  readonly name: string | undefined;
  /** Extra attributes from the payload; run only for recording spans, failures reported and ignored. */
  readonly payloadAttributes: ((payload: any) => Attributes | undefined) | undefined;
  /** Where failures of the attribute extractor are reported. */
  readonly site: string;
}

export function consumeSpanName(
  call: Pick<ConsumeCall, 'name' | 'options'>,
  system: string,
  destination: string,
): string {
  if (call.name !== undefined) return call.name.replace('{topic}', destination);
  if (call.options.spanNames === 'semconv') return `process ${destination}`;
  return `${system === 'kafka' ? 'kafka' : system}.consume.${destination}`;
}

function payloadAttributesOf(call: ConsumeCall, payload: unknown): Attributes | undefined {
  const extractor = call.payloadAttributes;
  if (!extractor) return undefined;
  try {
    return extractor(payload) ?? undefined;
  } catch (error) {
    reportTelemetryFault(`${call.site} (attributes)`, 'The attributes extractor threw', error);
    return undefined;
  }
}

/** Where messaging attributes go: a span, or a plain attributes object. */
interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): unknown;
}

/**
 * The messaging attributes of a CONSUMER span for `message`, under the options in force, written
 * one by one into `target`: a span gets them without an attributes object per message. They are
 * produced under their legacy names; the naming table writes the names the semconv mode asks for.
 */
function writeMessageAttributes(
  target: AttributeSink,
  message: ConsumedMessage,
  options: ResolvedKafkaTracingOptions,
): void {
  const sink = namingSink(target, options.messagingNaming);
  sink.setAttribute(MessagingAttributes.SYSTEM, message.system);
  sink.setAttribute(MessagingAttributes.OPERATION_TYPE, 'process');
  sink.setAttribute(MessagingAttributes.OPERATION_NAME, 'process');
  sink.setAttribute(MessagingAttributes.DESTINATION_NAME, message.destination);
  const transport = message.attributes;
  for (const key in transport) {
    if (key === MessagingAttributes.KAFKA_MESSAGE_KEY && !options.captureMessageKey) continue;
    const value = transport[key];
    if (value !== undefined) sink.setAttribute(key, value);
  }
  if (options.groupId !== undefined && transport[MessagingAttributes.CONSUMER_GROUP_NAME] === undefined) {
    sink.setAttribute(MessagingAttributes.CONSUMER_GROUP_NAME, options.groupId);
  }
  if (options.clientId !== undefined && transport[MessagingAttributes.CLIENT_ID] === undefined) {
    sink.setAttribute(MessagingAttributes.CLIENT_ID, options.clientId);
  }
}

/** The messaging attributes of a CONSUMER span for `message`, under the options in force. */
export function messageAttributes(message: ConsumedMessage, options: ResolvedKafkaTracingOptions): Attributes {
  const attributes: Attributes = {};
  writeMessageAttributes(
    {
      setAttribute: (key, value) => {
        attributes[key] = value;
      },
    },
    message,
    options,
  );
  return attributes;
}

/**
 * A CONSUMER span someone else already made for this very message: this package's server hook
 * (`traceMicroservice`), or `@opentelemetry/instrumentation-kafkajs`. Enriched, not duplicated.
 */
function adoptableSpan(messageContext: object | undefined): Span | undefined {
  const own = hookInstalled && messageContext ? hookSpans.get(messageContext) : undefined;
  if (own?.isRecording()) return own;
  const active: (Span & { kind?: SpanKind; instrumentationScope?: { name?: string } }) | undefined =
    trace.getActiveSpan();
  if (
    active?.isRecording() &&
    active.kind === SpanKind.CONSUMER &&
    active.instrumentationScope?.name === KAFKAJS_INSTRUMENTATION
  ) {
    return active;
  }
  return undefined;
}

/** Mark a failure on a span this call does not end (an adopted one), whatever shape the result has. */
function observeFailure<T>(span: Span, result: T): T {
  const fail = (error: unknown): void => markFailure(span, error);
  if (types.isPromise(result)) {
    return result.then(undefined, (error: unknown) => {
      fail(error);
      throw error;
    }) as T;
  }
  if (isObservable(result)) return (result as Observable<unknown>).pipe(tap({ error: fail })) as T;
  return result;
}

/** The active context with the message's correlation id, for messages that bring no trace context. */
function withMessageCorrelation(base: Context, origin: MessageOrigin): Context {
  return origin.correlationId !== undefined ? setCorrelationId(base, origin.correlationId) : base;
}

/**
 * Run a handler for one consumed message inside its CONSUMER span. The producer's context (headers,
 * else the envelope's `metadata`) is the parent and a link, or with `producerContext: 'link'` only a
 * link. A message without trace context continues whatever is active (a batch span, say), or starts
 * a new trace. The span ends once whatever `fn` returns settles; the caller gets the same value or
 * the same error. When the server hook or instrumentation-kafkajs already made the span, it is
 * enriched instead, and failures are marked on it. `messageContext` is the object the transport
 * handed the handler (to find the server hook's span).
 */
export function runConsumeSpan<T>(
  message: ConsumedMessage,
  call: ConsumeCall,
  messageContext: object | undefined,
  fn: () => T,
): T {
  const { options } = call;
  if (options.disabledTopics.has(message.destination)) return fn();
  const adopted = adoptableSpan(messageContext);
  if (adopted) return runInAdoptedSpan(adopted, message, call, fn);
  const origin = messageOrigin(message, options.envelopeMetadata);
  const producer = origin.spanContext;
  // with trace context, the producer's context is the parent (its correlation id is known);
  // without, the active one, carrying the message's correlation id if it brought one
  const parent = producer ? origin.context : withMessageCorrelation(context.active(), origin);
  const root = producer !== undefined && options.producerContext === 'link';
  // a sampled-out producer (or batch) under parent-based sampling, or tracing off: no span would
  // record, so none is started; the handler runs in the producer's context, which stays sampled out
  // (with metrics on, the normal path: every message is timed, sampled or not)
  if (!root && !processDuration.enabled && makesNoSpanUnder(parent)) return context.with(parent, fn);
  const links: Link[] | undefined = producer ? [{ context: producer }] : undefined;
  const span = kafkaTracer().startSpan(
    consumeSpanName(call, message.system, message.destination),
    { kind: SpanKind.CONSUMER, links, root },
    parent,
  );
  if (span.isRecording()) {
    writeMessageAttributes(span, message, options);
    recordOwnSpanAttributes(span, 'process', producer ? origin.correlationId : getCorrelationId(parent));
    if (call.payloadAttributes) {
      const extra = payloadAttributesOf(call, message.payload);
      if (extra) span.setAttributes(extra);
    }
  }
  if (processDuration.enabled) {
    const group = message.attributes[MessagingAttributes.CONSUMER_GROUP_NAME] ?? options.groupId;
    processDuration.start(span, processMetricAttributes(message.system, message.destination, group));
  }
  return runInOwnSpan(span, parent, fn);
}

/** `runConsumeSpan` for a CONSUMER span the server hook or instrumentation-kafkajs made: enriched, never ended. */
function runInAdoptedSpan<T>(adopted: Span, message: ConsumedMessage, call: ConsumeCall, fn: () => T): T {
  const { options } = call;
  writeMessageAttributes(adopted, message, options);
  const extra = payloadAttributesOf(call, message.payload);
  if (extra) adopted.setAttributes(extra);
  if (call.name !== undefined) adopted.updateName(consumeSpanName(call, message.system, message.destination));
  // the message's correlation id: on the adopted span, and for every span the handler starts
  const correlationId = messageOrigin(message, options.envelopeMetadata).correlationId;
  const active = context.active();
  let handlerContext = active;
  if (correlationId !== undefined) {
    adopted.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
    if (getCorrelationId(active) === undefined) handlerContext = setCorrelationId(active, correlationId);
  }
  let result: T;
  try {
    result = handlerContext === active ? fn() : context.with(handlerContext, fn);
  } catch (error) {
    markFailure(adopted, error);
    throw error;
  }
  return observeFailure(adopted, result);
}

/**
 * Run a handler for a batch inside one CONSUMER span: `messaging.batch.message_count`, and one link
 * per message that brought trace context. Its parent is whatever is active.
 */
export function runBatchSpan<T>(batch: ConsumedBatch, call: ConsumeCall, fn: () => T): T {
  const { options } = call;
  if (options.disabledTopics.has(batch.destination)) return fn();
  const links: Link[] = [];
  for (const message of batch.messages) {
    const origin = messageOrigin(message, options.envelopeMetadata);
    if (origin.spanContext) links.push({ context: origin.spanContext });
  }
  const attributes: Attributes = {
    [MessagingAttributes.SYSTEM]: batch.system,
    [MessagingAttributes.OPERATION_TYPE]: 'process',
    [MessagingAttributes.OPERATION_NAME]: 'process',
    [MessagingAttributes.DESTINATION_NAME]: batch.destination,
    [MessagingAttributes.BATCH_MESSAGE_COUNT]: batch.messages.length,
    ...batch.attributes,
  };
  if (options.groupId !== undefined) attributes[MessagingAttributes.CONSUMER_GROUP_NAME] ??= options.groupId;
  if (options.clientId !== undefined) attributes[MessagingAttributes.CLIENT_ID] ??= options.clientId;
  const parent = context.active();
  const span = startOwnSpan(
    consumeSpanName(call, batch.system, batch.destination),
    SpanKind.CONSUMER,
    renameMessagingAttributes(attributes, options.messagingNaming),
    parent,
    links,
    false,
    'process',
  );
  if (processDuration.enabled) {
    const group = attributes[MessagingAttributes.CONSUMER_GROUP_NAME];
    processDuration.start(span, processMetricAttributes(batch.system, batch.destination, group));
  }
  return runInOwnSpan(span, parent, fn);
}
