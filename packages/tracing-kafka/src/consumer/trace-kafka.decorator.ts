import { OWN_SPAN_WRAPPER, copyFunctionIdentity } from '@huleedu/nest-tracing';
import type { TraceKafkaOptions } from '../kafka-tracing.options.js';
import { kafkaHandlerSpec, traceKafkaCall } from './trace-kafka-call.js';

/**
 * Trace a Kafka handler: one CONSUMER span per message (`kafka.consume.{topic}` by default), child
 * of and linked to the producer's context from the message headers or, failing those, the event
 * envelope's `metadata`; `messaging.*` attributes and `correlation_id`. Works on Nest
 * `@EventPattern`/`@MessagePattern` handlers and on methods used as kafkajs `eachMessage` or
 * `eachBatch` (one span per batch, one link per message). The span ends once the result settles
 * (value, Promise, Observable); errors are recorded and rethrown unchanged. Place it above or
 * below the pattern decorator: the pattern metadata is kept either way.
 * @example `@EventPattern('essay.spellcheck.requested') @TraceKafka() handle(@Payload() event, @Ctx() ctx: KafkaContext)`
 */
export function TraceKafka(options?: TraceKafkaOptions): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') {
      throw new Error(`@TraceKafka() can only decorate methods; ${String(propertyKey)} is not one`);
    }
    const className = (target as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
    const spec = kafkaHandlerSpec(`${className}.${String(propertyKey)}`, options);
    const method = original as (...args: unknown[]) => unknown;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      return traceKafkaCall(spec, args, () => method.apply(this, args));
    };
    copyFunctionIdentity(method, wrapper);
    Object.defineProperty(wrapper, OWN_SPAN_WRAPPER, { value: true });
    return { ...descriptor, value: wrapper as typeof descriptor.value };
  };
}

/**
 * `@TraceKafka()` for a handler outside a class: a kafkajs `eachMessage` or `eachBatch` function.
 * @example `consumer.run({ eachMessage: traceKafkaHandler(async ({ message }) => handle(message)) })`
 */
export function traceKafkaHandler<A extends unknown[], R>(
  handler: (...args: A) => R,
  options?: TraceKafkaOptions,
): (...args: A) => R {
  const spec = kafkaHandlerSpec(handler.name || 'kafkaHandler', options);
  return function (this: unknown, ...args: A): R {
    return traceKafkaCall(spec, args, () => handler.apply(this, args));
  };
}

/**
 * `@TraceKafka()` under a transport-neutral name, for handlers of the other Nest transports
 * (RabbitMQ, NATS, MQTT, Redis, TCP) whose server is wrapped with `traceMicroservice()`: it
 * names and enriches the hook's CONSUMER span and records the handler's own failures on it.
 */
export const TraceMessage = TraceKafka;
