import { MessagingAttributes } from '../messaging-attributes.js';
import type { MessagingSystem } from '../messaging-attributes.js';
import type { ConsumedMessage } from '../consumer/consumed-message.js';
import { consumedKafkaMessage, isKafkaContext } from '../consumer/kafka-messages.js';
import { asCarrierRecord, readField } from '../consumer/carrier-record.js';

/** Nest's `Transport` enum values (kept here so the enum's module is not needed at run time). */
const TRANSPORT = { TCP: 0, REDIS: 1, NATS: 2, MQTT: 3, GRPC: 4, RMQ: 5, KAFKA: 6 } as const;

type Getter = (...args: unknown[]) => unknown;
type RpcContextLike = Record<string, unknown>;

/** What a context's getter returns; undefined when it has none or it throws. */
function call(target: RpcContextLike, method: string): unknown {
  const fn = readField(target, method);
  try {
    return typeof fn === 'function' ? (fn as Getter).call(target) : undefined;
  } catch {
    return undefined;
  }
}

/** `value.a.b...` for a path of fields, each of which may be missing, of any type, or throw. */
function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = readField(current, key);
  return current;
}

/** NATS `MsgHdrs` (a `keys()`/`get()` object) as a plain record; undefined for anything else or one that misbehaves. */
function natsHeaders(value: unknown): Record<string, unknown> | undefined {
  const headers = value as { keys: () => Iterable<string>; get: (key: string) => unknown };
  if (typeof readField(value, 'keys') !== 'function' || typeof readField(value, 'get') !== 'function') return undefined;
  try {
    const result: Record<string, unknown> = {};
    for (const key of headers.keys()) if (typeof key === 'string') result[key] = headers.get(key);
    return result;
  } catch {
    return undefined;
  }
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
  const ctx = asCarrierRecord(rpcContext);
  if (!ctx) return undefined;
  const system = messagingSystemOf(transportId);
  if (system === 'kafka' && isKafkaContext(rpcContext)) {
    const message = rpcContext.getMessage();
    const consumed = consumedKafkaMessage(rpcContext.getTopic(), rpcContext.getPartition(), message, {
      payload: readField(message, 'value'),
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
  // headers and metadata of any other shape than a record (null, a string, a Buffer) are no headers
  let headers: Record<string, unknown> | undefined;
  switch (system) {
    case 'rabbitmq': {
      destination = call(ctx, 'getPattern');
      headers = asCarrierRecord(path(call(ctx, 'getMessage'), 'properties', 'headers'));
      break;
    }
    case 'nats':
      destination = call(ctx, 'getSubject');
      headers = natsHeaders(call(ctx, 'getHeaders'));
      break;
    case 'mqtt':
      destination = call(ctx, 'getTopic');
      headers = asCarrierRecord(path(call(ctx, 'getPacket'), 'properties', 'userProperties'));
      break;
    case 'redis':
      destination = call(ctx, 'getChannel');
      headers = asCarrierRecord(call(ctx, 'getMetadata'));
      break;
    case 'tcp':
      destination = call(ctx, 'getPattern');
      headers = asCarrierRecord(call(ctx, 'getMetadata'));
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
