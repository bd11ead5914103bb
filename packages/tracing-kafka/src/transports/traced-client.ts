import { SpanKind, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Attributes } from '@opentelemetry/api';
import { AttributeNames, OperationResult, getCorrelationId, recordSpanFailure } from '@huleedu/nest-tracing';
import { ClientKafka, MqttRecord, NatsRecord, RmqRecord } from '@nestjs/microservices';
import { Observable, lastValueFrom } from 'rxjs';
import { types } from 'node:util';
import { kafkaTracingDefaults } from '../kafka-tracing.options.js';
import type { SpanNameStyle } from '../kafka-tracing.options.js';
import type { MessagingSystem } from '../messaging-attributes.js';
import { MessagingAttributes } from '../messaging-attributes.js';
import { asKafkaMessageWithTraceHeaders, isKafkaMessageShaped, withTraceHeaders } from '../producer/inject-headers.js';
import {
  produceAttributes,
  produceSpanName,
  runProduceSpan,
  sendWithoutInstrumentation,
} from '../producer/producer-span.js';
import { natsHeadersFactory } from './nats-headers.js';
import { kafkaTracer } from '../consumer/consumer-span-lifecycle.js';

/** `messaging.kafka.message.key` of a Kafka message-shaped payload (`{ key, value }`). */
function clientAttributes(
  system: MessagingSystem,
  data: unknown,
  captureKey: boolean,
  client: object | undefined,
): Attributes | undefined {
  const attributes: Attributes = {};
  // ClientKafka keeps the client id it connects with (with Nest's `-client` suffix)
  const clientId = (client as { clientId?: unknown } | undefined)?.clientId;
  if (typeof clientId === 'string') attributes[MessagingAttributes.CLIENT_ID] = clientId;
  if (system === 'kafka' && captureKey && isKafkaMessageShaped(data)) {
    const key = (data as { key?: unknown }).key;
    if (typeof key === 'string') attributes[MessagingAttributes.KAFKA_MESSAGE_KEY] = key;
    else if (Buffer.isBuffer(key)) attributes[MessagingAttributes.KAFKA_MESSAGE_KEY] = key.toString('utf8');
  }
  return attributes;
}

/** `data` as the transport's record type, with trace headers from the active context added. */
function withTransportHeaders(system: MessagingSystem, data: unknown): unknown {
  switch (system) {
    case 'kafka':
      return asKafkaMessageWithTraceHeaders(data);
    case 'rabbitmq': {
      if (data instanceof RmqRecord) {
        const options = data.options ?? {};
        return new RmqRecord(data.data, { ...options, headers: withTraceHeaders(options.headers) });
      }
      return new RmqRecord(data, { headers: withTraceHeaders(undefined) });
    }
    case 'nats': {
      const factory = natsHeadersFactory();
      if (!factory) return data;
      const record = data instanceof NatsRecord ? data : undefined;
      const copy = factory();
      const source = record?.headers as { keys?(): string[]; get?(key: string): string } | undefined;
      if (source?.keys && source.get) for (const key of source.keys()) copy.set(key, source.get(key));
      for (const [key, value] of Object.entries(withTraceHeaders(undefined))) if (!copy.has(key)) copy.set(key, value);
      return new NatsRecord(record ? record.data : data, copy);
    }
    case 'mqtt': {
      const record = data instanceof MqttRecord ? data : undefined;
      const options = record?.options ?? {};
      const properties = options.properties ?? {};
      const userProperties = withTraceHeaders(properties.userProperties as Record<string, unknown> | undefined);
      return new MqttRecord(record ? record.data : data, { ...options, properties: { ...properties, userProperties } });
    }
    default:
      return data;
  }
}

/** Which system a client talks to, from its class (Nest's clients, or classes extending them). */
function systemOfClient(client: object): MessagingSystem | undefined {
  for (
    let proto = Object.getPrototypeOf(client);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    switch ((proto as { constructor?: { name?: string } }).constructor?.name) {
      case 'ClientKafka':
        return 'kafka';
      case 'ClientRMQ':
        return 'rabbitmq';
      case 'ClientNats':
        return 'nats';
      case 'ClientMqtt':
        return 'mqtt';
      case 'ClientRedis':
        return 'redis';
      case 'ClientTCP':
        return 'tcp';
      default:
    }
  }
  return undefined;
}

function destinationOf(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  try {
    return JSON.stringify(pattern);
  } catch {
    return String(pattern);
  }
}

function requestSpanName(style: SpanNameStyle, system: MessagingSystem, destination: string): string {
  return style === 'semconv' ? `send ${destination}` : `${system}.request.${destination}`;
}

type Emit = (pattern: unknown, data: unknown) => Observable<unknown>;

/**
 * Kafka, RabbitMQ, NATS and MQTT carry the trace context in the message this builds before sending, so
 * the send itself runs with the client library's instrumentation suppressed (one PRODUCER span per
 * message). Redis and TCP write it in Nest's dispatch hook, during the send, from the active context.
 */
const carriesHeadersInMessage = (system: MessagingSystem): boolean => system !== 'redis' && system !== 'tcp';

/** `emit` in a PRODUCER span; the transport sends even if nobody subscribes, and so does this. */
function tracedEmit(
  system: MessagingSystem,
  emit: Emit,
  pattern: unknown,
  data: unknown,
  client?: object,
): Observable<unknown> {
  const options = kafkaTracingDefaults();
  const destination = destinationOf(pattern);
  if (data === null || data === undefined || options.disabledTopics.has(destination)) return emit(pattern, data);
  let emitted: Observable<unknown> | undefined;
  const settled = runProduceSpan(
    produceSpanName(options.spanNames, system, destination),
    produceAttributes(system, destination, 1, clientAttributes(system, data, options.captureMessageKey, client)),
    () => {
      const message = withTransportHeaders(system, data);
      emitted = carriesHeadersInMessage(system)
        ? sendWithoutInstrumentation(() => emit(pattern, message))
        : emit(pattern, message);
      return lastValueFrom(emitted, { defaultValue: undefined });
    },
  );
  // the caller sees failures through the returned Observable; this promise only ends the span
  if (types.isPromise(settled)) settled.catch(() => undefined);
  return emitted!;
}

/**
 * `send` (request/reply) in a CLIENT span per subscription, over the round trip. It ends when the
 * replies complete or fail; when the subscriber leaves early (`firstValueFrom`, a `timeout()`), it
 * ends as a success if a reply had arrived, else as cancelled.
 */
function tracedSend(
  system: MessagingSystem,
  send: Emit,
  pattern: unknown,
  data: unknown,
  client?: object,
): Observable<unknown> {
  const options = kafkaTracingDefaults();
  const destination = destinationOf(pattern);
  if (data === null || data === undefined || options.disabledTopics.has(destination)) return send(pattern, data);
  return new Observable<unknown>((subscriber) => {
    const parent = context.active();
    const attributes: Attributes = {
      ...produceAttributes(system, destination, 1, clientAttributes(system, data, options.captureMessageKey, client)),
      [AttributeNames.OPERATION_TYPE]: 'client',
    };
    const correlationId = getCorrelationId(parent);
    if (correlationId !== undefined) attributes[AttributeNames.CORRELATION_ID] = correlationId;
    const span = kafkaTracer().startSpan(
      requestSpanName(options.spanNames, system, destination),
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    let replied = false;
    let ended = false;
    const end = (result: string, error?: unknown): void => {
      if (ended) return;
      ended = true;
      if (error !== undefined) recordSpanFailure(span, error, SpanKind.CLIENT, 'send');
      else if (span.isRecording()) span.setAttribute(AttributeNames.OPERATION_RESULT, result);
      span.end();
    };
    // subscribe in the span's context too: Nest's `send()` is cold and builds the packet (running the
    // dispatch hook that writes the Redis/TCP metadata) only on subscription, after `connect()`
    const spanContext = trace.setSpan(parent, span);
    const message = context.with(spanContext, () => withTransportHeaders(system, data));
    const sendContext = carriesHeadersInMessage(system) ? suppressTracing(spanContext) : spanContext;
    const subscription = context.with(sendContext, () =>
      send(pattern, message).subscribe({
        next: (value) => {
          replied = true;
          subscriber.next(value);
        },
        error: (error: unknown) => {
          end(OperationResult.ERROR, error);
          subscriber.error(error);
        },
        complete: () => {
          end(OperationResult.SUCCESS);
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      end(replied ? OperationResult.SUCCESS : OperationResult.CANCELLED);
    };
  });
}

/** What `traceClientProxy` needs of a client: Nest's `ClientProxy` (any transport's event and status types). */
export interface TraceableClient {
  emit(pattern: any, data: any): Observable<any>;
  send(pattern: any, data: any): Observable<any>;
}

/** Writes the active trace context into the packet `metadata` Redis and TCP carry (Nest 12). */
function installDispatchHook(client: object): void {
  const withHook = client as {
    setOnDispatchHook?: (hook: (packet: { metadata?: unknown }) => void) => void;
  };
  withHook.setOnDispatchHook?.((packet) => {
    const metadata = packet.metadata !== null && typeof packet.metadata === 'object' ? packet.metadata : undefined;
    packet.metadata = withTraceHeaders(metadata as Record<string, unknown> | undefined);
  });
}

/**
 * A Nest microservice client whose `emit()` makes a PRODUCER span and whose `send()` makes a CLIENT
 * span over the request/reply round trip, with the trace context, baggage and correlation id
 * carried to the server: in Kafka headers, AMQP headers (`RmqRecord`), NATS headers (`NatsRecord`),
 * MQTT 5 user properties (`MqttRecord`), or the packet metadata of Redis and TCP. The caller's data
 * and records are never changed; a header the caller set is never replaced. Returns a proxy of
 * `client`; everything else is the client's own.
 * @example `{ provide: 'EVENTS', useFactory: (c: ClientProxy) => traceClientProxy(c), inject: [RAW_CLIENT] }`
 */
export function traceClientProxy<C extends TraceableClient>(client: C): C {
  const system = systemOfClient(client);
  if (system === undefined) {
    throw new Error(
      `traceClientProxy: ${client.constructor.name} is not a Nest Kafka, RabbitMQ, NATS, MQTT, Redis or TCP client; pass one of those (gRPC is not supported)`,
    );
  }
  if (system === 'redis' || system === 'tcp') installDispatchHook(client);
  const emit: Emit = (pattern, data) => client.emit(pattern, data);
  const send: Emit = (pattern, data) => client.send(pattern, data);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'emit') {
        return (pattern: unknown, data: unknown) => tracedEmit(system, emit, pattern, data, target);
      }
      if (property === 'send') {
        return (pattern: unknown, data: unknown) => tracedSend(system, send, pattern, data, target);
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * `ClientKafka` with traced `emit()` and `send()` (see `traceClientProxy`). Provide it yourself,
 * `{ provide: EVENTS, useFactory: () => new TracedClientKafka(options) }`, or as
 * `customClass` of `ClientsModule.register` (Nest 12 types `customClass` as `Type<ClientProxy>`,
 * which no transport client matches, so that needs a cast).
 */
export class TracedClientKafka extends ClientKafka {
  override emit<TResult = any, TInput = any>(pattern: any, data: TInput): Observable<TResult> {
    return tracedEmit('kafka', (p, d) => super.emit(p, d), pattern, data, this) as Observable<TResult>;
  }

  override send<TResult = any, TInput = any>(pattern: any, data: TInput): Observable<TResult> {
    return tracedSend('kafka', (p, d) => super.send(p, d), pattern, data, this) as Observable<TResult>;
  }
}
