import type { Attributes } from '@opentelemetry/api';
import { MessagingAttributes } from '../messaging-attributes.js';
import type { ConsumedBatch, ConsumedMessage } from './consumed-message.js';
import { asCarrierRecord, readField } from './carrier-record.js';

/**
 * The parts of a kafkajs `KafkaMessage` this reads. kafkajs types `headers` as optional; hand-built
 * and bridged messages may carry `null` or anything else, which counts as no headers.
 */
export interface KafkaMessageLike {
  key?: Buffer | string | null;
  value?: unknown;
  headers?: unknown;
  offset?: string;
}

/** kafkajs `eachMessage` payload. */
export interface EachMessagePayloadLike {
  topic: string;
  partition: number;
  message: KafkaMessageLike;
}

/** kafkajs `eachBatch` payload. */
export interface EachBatchPayloadLike {
  batch: { topic: string; partition: number; messages: KafkaMessageLike[] };
}

/** Nest's `KafkaContext`, read through its public getters. */
export interface KafkaContextLike {
  getMessage(): KafkaMessageLike;
  getTopic(): string;
  getPartition(): number;
}

// The guards below look at a handler's arguments, which may be any user payload (a Proxy, an object
// whose getters throw): what cannot be read is not a Kafka message, and the handler is called as it is.

export function isKafkaContext(value: unknown): value is KafkaContextLike {
  return (
    typeof readField(value, 'getMessage') === 'function' &&
    typeof readField(value, 'getTopic') === 'function' &&
    typeof readField(value, 'getPartition') === 'function'
  );
}

export function isEachMessagePayload(value: unknown): value is EachMessagePayloadLike {
  const message = readField(value, 'message');
  return typeof readField(value, 'topic') === 'string' && typeof message === 'object' && message !== null;
}

export function isEachBatchPayload(value: unknown): value is EachBatchPayloadLike {
  const batch = readField(value, 'batch');
  try {
    return typeof readField(batch, 'topic') === 'string' && Array.isArray(readField(batch, 'messages'));
  } catch {
    // Array.isArray throws on a revoked Proxy
    return false;
  }
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // a Buffer (what kafkajs hands out) decodes itself; any other byte array gets a Buffer view first
  // no arguments: UTF-8 without the encoding lookup
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString();
  return undefined;
}

/** The value parsed as JSON when it looks like a JSON object; anything else gives undefined. Never throws. */
function decodeJsonObject(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return value;
  const text = asText(value);
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function kafkaAttributes(partition: number, message: KafkaMessageLike): Attributes {
  const attributes: Attributes = { [MessagingAttributes.DESTINATION_PARTITION_ID]: String(partition) };
  const rawOffset = readField(message, 'offset');
  const offset = typeof rawOffset === 'string' || typeof rawOffset === 'number' ? Number(rawOffset) : Number.NaN;
  if (Number.isSafeInteger(offset)) attributes[MessagingAttributes.KAFKA_OFFSET] = offset;
  const key = asText(readField(message, 'key'));
  if (key !== undefined) attributes[MessagingAttributes.KAFKA_MESSAGE_KEY] = key;
  if (readField(message, 'value') === null) attributes[MessagingAttributes.KAFKA_MESSAGE_TOMBSTONE] = true;
  return attributes;
}

/**
 * A consumed Kafka message. `decoded` is the payload the handler got (Nest parses JSON values);
 * for raw kafkajs messages the value is parsed as JSON only when something reads `payload` (the
 * envelope lookup, an attributes extractor), and at most once.
 */
class KafkaConsumedMessage implements ConsumedMessage {
  readonly system = 'kafka';
  readonly headers: Record<string, unknown> | undefined;
  private decoded: boolean;
  private decodedPayload: unknown;
  private transportAttributes: Attributes | undefined;

  constructor(
    readonly destination: string,
    private readonly partition: number,
    private readonly message: KafkaMessageLike,
    decoded: { payload: unknown } | undefined,
  ) {
    // anything but a record of headers (null, a string, an array, a Buffer) is no headers: a new trace
    this.headers = asCarrierRecord(readField(message, 'headers'));
    this.decoded = decoded !== undefined;
    this.decodedPayload = decoded?.payload;
  }

  /** Built on first read: a message whose span does not record (sampled out) never needs them. */
  get attributes(): Attributes {
    return (this.transportAttributes ??= kafkaAttributes(this.partition, this.message));
  }

  get payload(): unknown {
    if (!this.decoded) {
      this.decoded = true;
      this.decodedPayload = decodeJsonObject(readField(this.message, 'value'));
    }
    return this.decodedPayload;
  }
}

export function consumedKafkaMessage(
  topic: string,
  partition: number,
  message: KafkaMessageLike,
  decoded?: { payload: unknown },
): ConsumedMessage {
  return new KafkaConsumedMessage(topic, partition, message, decoded);
}

export function consumedKafkaBatch(payload: EachBatchPayloadLike): ConsumedBatch {
  const { topic, partition, messages } = payload.batch;
  return {
    system: 'kafka',
    destination: topic,
    messages: messages.map((message) => consumedKafkaMessage(topic, partition, message)),
    attributes: { [MessagingAttributes.DESTINATION_PARTITION_ID]: String(partition) },
  };
}
