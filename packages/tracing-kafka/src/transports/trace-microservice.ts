import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span } from '@opentelemetry/api';
import {
  AttributeNames,
  OperationResult,
  getCorrelationId,
  reportTelemetryFault,
  setCorrelationId,
} from '@huleedu/nest-tracing';
import { consumeSpanName, markFailure, messageAttributes, registerHookSpan } from '../consumer/consume-span.js';
import { startOwnSpan } from '../consumer/consumer-span-lifecycle.js';
import { MessagingAttributes } from '../messaging-attributes.js';
import { processDuration, processMetricAttributes } from '../messaging-metrics.js';
import { messageOrigin } from '../consumer/message-context.js';
import { resolveKafkaOptions } from '../kafka-tracing.options.js';
import type { ResolvedKafkaTracingOptions, TraceKafkaOptions } from '../kafka-tracing.options.js';
import { consumedFromRpcContext } from './rpc-messages.js';

/** The part of a Nest 12 microservice `Server` (a transport strategy) this uses. */
export interface ProcessingHooksServer {
  // Nest types the hook as returning void, but returns what it returns to the transport: the `done()` promise
  setOnProcessingStartHook(hook: (transportId: any, context: unknown, done: () => Promise<any>) => unknown): void;
  setOnProcessingEndHook(hook: (transportId: any, context: unknown) => void): void;
}

interface Processing {
  readonly span: Span;
  handlerSettled: boolean;
  endHookCalled: boolean;
  failed: boolean;
  /** What the handler failed with, for the metric's `error.type`. */
  error?: unknown;
}

function finish(processing: Processing): void {
  if (!processing.handlerSettled || !processing.endHookCalled) return;
  const recorded = (processing.span as { attributes?: Attributes }).attributes;
  const alreadySettled = recorded?.[AttributeNames.OPERATION_RESULT] !== undefined;
  if (!processing.failed && !alreadySettled && processing.span.isRecording()) {
    processing.span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.SUCCESS);
  }
  processing.span.end();
  if (processing.failed) processDuration.endWithError(processing.span, processing.error, SpanKind.CONSUMER);
  // a failure `@TraceKafka()` marked on the span while the transport carried on (a reply, say)
  else processDuration.end(processing.span, recorded?.['error.type'] as string | undefined);
}

/**
 * The CONSUMER span for a received message and the context its handler runs in, or undefined when
 * the message is not traced (an unknown transport, a disabled topic). Messages whose headers or
 * metadata carry no valid context (null, any other shape) start a new trace.
 */
function startProcessingSpan(
  transportId: unknown,
  rpcContext: unknown,
  server: { groupId?: unknown; clientId?: unknown },
  current: ResolvedKafkaTracingOptions,
  options: TraceKafkaOptions | undefined,
): { span: Span; context: Context } | undefined {
  const consumed = consumedFromRpcContext(transportId, rpcContext, server);
  if (
    !consumed ||
    typeof rpcContext !== 'object' ||
    rpcContext === null ||
    current.disabledTopics.has(consumed.destination)
  ) {
    return undefined;
  }
  const origin = messageOrigin(consumed, current.envelopeMetadata);
  const linkOnly = current.producerContext === 'link';
  const parent = origin.spanContext && !linkOnly ? origin.context : context.active();
  const links: Link[] = origin.spanContext ? [{ context: origin.spanContext }] : [];
  const correlationId = getCorrelationId(origin.context);
  // the correlation id travels with the handler's context, so its own spans and messages carry it
  const base =
    correlationId !== undefined && getCorrelationId(parent) === undefined
      ? setCorrelationId(parent, correlationId)
      : parent;
  const span = startOwnSpan(
    consumeSpanName({ name: options?.name, options: current }, consumed.system, consumed.destination),
    SpanKind.CONSUMER,
    messageAttributes(consumed, current),
    base,
    links,
    linkOnly && origin.spanContext !== undefined,
    'process',
  );
  if (processDuration.enabled) {
    const group = consumed.attributes[MessagingAttributes.CONSUMER_GROUP_NAME] ?? current.groupId;
    processDuration.start(span, processMetricAttributes(consumed.system, consumed.destination, group));
  }
  return { span, context: trace.setSpan(base, span) };
}

/**
 * Trace every message a Nest microservice server handles, on any transport with headers (Kafka,
 * RabbitMQ, NATS, MQTT 5) or packet metadata (Redis, TCP), through Nest 12's processing hooks: a
 * CONSUMER span per message (`{system}.consume.{pattern}`), continuing the sender's trace, active
 * while the handler runs, ended when Nest's processing ends (for event handlers, once the handler
 * settled, with its failure recorded). `@TraceKafka()` on a handler enriches this span instead of
 * making a second one. Returns the server.
 * @example `app.connectMicroservice({ strategy: traceMicroservice(new ServerKafka(options)) })`
 */
export function traceMicroservice<S extends ProcessingHooksServer>(server: S, options?: TraceKafkaOptions): S {
  const resolve = resolveKafkaOptions(options, 'traceMicroservice');
  const processing = new WeakMap<object, Processing>();
  server.setOnProcessingStartHook((transportId, rpcContext, done) => {
    let started: { span: Span; context: Context } | undefined;
    try {
      started = startProcessingSpan(
        transportId,
        rpcContext,
        server as { groupId?: unknown; clientId?: unknown },
        resolve(),
        options,
      );
    } catch (error) {
      // telemetry never stands between the message and its handler
      reportTelemetryFault('traceMicroservice', 'Could not trace a received message', error);
    }
    if (!started) return done();
    const { span } = started;
    const state: Processing = { span, handlerSettled: false, endHookCalled: false, failed: false };
    processing.set(rpcContext as object, state);
    registerHookSpan(rpcContext as object, span);
    const result = context.with(started.context, done);
    void Promise.resolve(result).then(
      () => {
        state.handlerSettled = true;
        finish(state);
      },
      (error: unknown) => {
        state.failed = true;
        state.error = error;
        markFailure(span, error);
        state.handlerSettled = true;
        finish(state);
      },
    );
    return result;
  });
  server.setOnProcessingEndHook((_transportId, rpcContext) => {
    const state = typeof rpcContext === 'object' && rpcContext !== null ? processing.get(rpcContext) : undefined;
    if (!state) return;
    state.endHookCalled = true;
    finish(state);
  });
  return server;
}
