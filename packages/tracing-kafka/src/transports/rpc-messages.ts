import { MessagingAttributes } from '../messaging-attributes.js';
import type { MessagingSystem } from '../messaging-attributes.js';
import type { ConsumedMessage } from '../consumer/consumed-message.js';
import { consumedKafkaMessage, isKafkaContext } from '../consumer/kafka-messages.js';

/** Nest's `Transport` enum values (kept here so the enum's module is not needed at run time). */
const TRANSPORT = { TCP: 0, REDIS: 1, NATS: 2, MQTT: 3, GRPC: 4, RMQ: 5, KAFKA: 6 } as const;

type Getter = (...args: unknown[]) => unknown;
type RpcContextLike = Record<string, unknown>;

function call(target: RpcContextLike, method: string): unknown {
  const fn = target[method];
  return typeof fn === 'function' ? (fn as Getter).call(target) : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** NATS `MsgHdrs` (a `keys()`/`get()` object) as a plain record. */
function natsHeaders(value: unknown): Record<string, unknown> | undefined {
  const headers = value as { keys?: () => string[]; get?: (key: string) => string } | undefined;
  if (typeof headers?.keys !== 'function' || typeof headers.get !== 'function') return undefined;
  const result: Record<string, unknown> = {};
  for (const key of headers.keys()) result[key] = headers.get(key);
  return result;
}

/** What `messaging.system` a transport id stands for; undefined for gRPC and unknown transports. */
export function messagingSystemOf(transportId: unknown): MessagingSystem | undefined {
  switch (transportId) {
    case TRANSPORT.KAFKA:
      return 'kafka';
    case TRANSPORT.RMQ:
      return 'rabbitmq';
    case TRANSPORT.NATS:
      return 'nats';
    case TRANSPORT.MQTT:
      return 'mqtt';
    case TRANSPORT.REDIS:
      return 'redis';
    case TRANSPORT.TCP:
      return 'tcp';
    default:
      return undefined;
  }
}

/**
 * The message behind a Nest microservice context, read through the context's public getters:
 * Kafka headers, AMQP `properties.headers`, NATS headers, MQTT 5 user properties, and the packet
 * `metadata` Redis and TCP carry (Nest 12's `ClientProxy.setOnDispatchHook`). Undefined for
 * contexts this does not know (gRPC).
 */
export function consumedFromRpcContext(
  transportId: unknown,
  rpcContext: unknown,
  server: { groupId?: unknown; clientId?: unknown },
): ConsumedMessage | undefined {
  const ctx = record(rpcContext);
  if (!ctx) return undefined;
  const system = messagingSystemOf(transportId);
  if (system === 'kafka' && isKafkaContext(rpcContext)) {
    const message = rpcContext.getMessage();
    const consumed = consumedKafkaMessage(rpcContext.getTopic(), rpcContext.getPartition(), message, {
      payload: message.value,
    });
    const attributes = { ...consumed.attributes };
    if (typeof server.groupId === 'string') attributes[MessagingAttributes.CONSUMER_GROUP_NAME] = server.groupId;
    if (typeof server.clientId === 'string') attributes[MessagingAttributes.CLIENT_ID] = server.clientId;
    return {
      system: consumed.system,
      destination: consumed.destination,
      headers: consumed.headers,
      payload: consumed.payload,
      attributes,
    };
  }
  let destination: unknown;
  let headers: Record<string, unknown> | undefined;
  switch (system) {
    case 'rabbitmq': {
      destination = call(ctx, 'getPattern');
      headers = record(record(record(call(ctx, 'getMessage'))?.properties)?.headers);
      break;
    }
    case 'nats':
      destination = call(ctx, 'getSubject');
      headers = natsHeaders(call(ctx, 'getHeaders'));
      break;
    case 'mqtt':
      destination = call(ctx, 'getTopic');
      headers = record(record(record(call(ctx, 'getPacket'))?.properties)?.userProperties);
      break;
    case 'redis':
      destination = call(ctx, 'getChannel');
      headers = record(call(ctx, 'getMetadata'));
      break;
    case 'tcp':
      destination = call(ctx, 'getPattern');
      headers = record(call(ctx, 'getMetadata'));
      break;
    default:
      return undefined;
  }
  return {
    system,
    destination: typeof destination === 'string' ? destination : String(destination),
    headers,
    payload: undefined,
    attributes: {},
  };
}
