import { context } from '@opentelemetry/api';
import { resolveKafkaOptions } from '../kafka-tracing.options.js';
import type { TraceKafkaOptions } from '../kafka-tracing.options.js';
import { activeHookSpan, enrichHookSpan, runBatchSpan, runConsumeSpan } from './consume-span.js';
import { reportTelemetryFault } from '@huleedu/nest-tracing';
import type { ConsumeCall } from './consume-span.js';
import {
  consumedKafkaBatch,
  consumedKafkaMessage,
  isEachBatchPayload,
  isEachMessagePayload,
  isKafkaContext,
} from './kafka-messages.js';
import { expectsReply, withReplyContext } from './reply-headers.js';
import { readField } from './carrier-record.js';

/** Calls `fn` on `thisArg` with `args`. */
export type Invocation<T> = () => T;

/** The per-handler part of a consume call, computed once per decorated method or wrapped function. */
export interface KafkaHandlerSpec {
  readonly site: string;
  /** The consume call under the options in force: the same object until the defaults change. */
  readonly call: () => ConsumeCall;
}

export function kafkaHandlerSpec(site: string, options: TraceKafkaOptions | undefined): KafkaHandlerSpec {
  const resolve = resolveKafkaOptions(options, `@TraceKafka (${site})`);
  let cached: ConsumeCall | undefined;
  return {
    site,
    call: () => {
      const current = resolve();
      if (cached?.options !== current) {
        cached = { options: current, name: options?.name, payloadAttributes: options?.attributes, site };
      }
      return cached;
    },
  };
}

/**
 * One handler call, whatever the handler is: a Nest `@EventPattern`/`@MessagePattern` handler
 * (`(payload, KafkaContext)`), a kafkajs `eachMessage` (`({ topic, partition, message })`) or
 * `eachBatch` (`({ batch })`). Anything else is called as it is. A Nest request handler's replies
 * carry the CONSUMER span's context.
 *
 * Telemetry never stands between the message and the handler: should tracing fail before the
 * handler ran (a message it cannot read), the fault is reported once and the handler is called
 * untraced; after, the caller gets the handler's own value or error.
 */
export function traceKafkaCall<T>(spec: KafkaHandlerSpec, args: unknown[], invoke: Invocation<T>): T {
  let ran = false;
  let failed = false;
  let value: T | undefined;
  let failure: unknown;
  const run = (): T => {
    ran = true;
    try {
      value = invoke();
      return value;
    } catch (error) {
      failed = true;
      failure = error;
      throw error;
    }
  };
  try {
    return traceKafkaCallInSpan(spec, args, run);
  } catch (error) {
    if (failed) throw failure;
    reportTelemetryFault(`@TraceKafka (${spec.site})`, 'Could not trace a consumed message', error);
    return ran ? (value as T) : invoke();
  }
}

function traceKafkaCallInSpan<T>(spec: KafkaHandlerSpec, args: unknown[], invoke: Invocation<T>): T {
  const [first, second] = args;
  if (isKafkaContext(second)) {
    const message = second.getMessage();
    const consumed = consumedKafkaMessage(second.getTopic(), second.getPartition(), message, { payload: first });
    const reply = expectsReply(readField(message, 'headers'));
    return runConsumeSpan(consumed, spec.call(), second, () => {
      const result = invoke();
      return reply ? withReplyContext(result, context.active()) : result;
    });
  }
  if (isEachBatchPayload(first)) return runBatchSpan(consumedKafkaBatch(first), spec.call(), invoke);
  if (isEachMessagePayload(first)) {
    const consumed = consumedKafkaMessage(first.topic, first.partition, first.message);
    return runConsumeSpan(consumed, spec.call(), first, invoke);
  }
  // a Nest handler without `@Ctx()`: the message is only known to the server hook, if installed
  const hook = activeHookSpan();
  if (hook) {
    const { messageContext } = hook;
    const reply = isKafkaContext(messageContext) && expectsReply(readField(messageContext.getMessage(), 'headers'));
    return enrichHookSpan(hook.span, spec.call(), first, () => {
      const result = invoke();
      return reply ? withReplyContext(result, context.active()) : result;
    });
  }
  reportTelemetryFault(
    `@TraceKafka (${spec.site})`,
    'No Kafka message among the arguments (add a `@Ctx() context: KafkaContext` parameter, or wrap the server with traceMicroservice())',
  );
  return invoke();
}
