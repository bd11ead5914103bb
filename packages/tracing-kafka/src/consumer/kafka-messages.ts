import type { Attributes } from '@opentelemetry/api';
import { MessagingAttributes } from '../messaging-attributes.js';
import type { ConsumedBatch, ConsumedMessage } from './consumed-message.js';

/** The parts of a kafkajs `KafkaMessage` this reads. */
export interface KafkaMessageLike {
  key?: Buffer | string | null;
  value?: unknown;
  headers?: Record<string, unknown>;
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

export function isKafkaContext(value: unknown): value is KafkaContextLike {
  const candidate = value as Partial<KafkaContextLike> | null | undefined;
  return (
    typeof candidate?.getMessage === 'function' &&
    typeof candidate.getTopic === 'function' &&
    typeof candidate.getPartition === 'function'
  );
}

export function isEachMessagePayload(value: unknown): value is EachMessagePayloadLike {
  const candidate = value as Partial<EachMessagePayloadLike> | null | undefined;
  return typeof candidate?.topic === 'string' && typeof candidate.message === 'object' && candidate.message !== null;
}

export function isEachBatchPayload(value: unknown): value is EachBatchPayloadLike {
  const candidate = value as Partial<EachBatchPayloadLike> | null | undefined;
  return typeof candidate?.batch?.topic === 'string' && Array.isArray(candidate.batch.messages);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // a Buffer (what kafkajs hands out) decodes itself; any other byte array gets a Buffer view first
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
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
  const offset = Number(message.offset);
  if (message.offset !== undefined && Number.isSafeInteger(offset))
    attributes[MessagingAttributes.KAFKA_OFFSET] = offset;
  const key = asText(message.key);
  if (key !== undefined) attributes[MessagingAttributes.KAFKA_MESSAGE_KEY] = key;
  if (message.value === null) attributes[MessagingAttributes.KAFKA_MESSAGE_TOMBSTONE] = true;
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
  readonly attributes: Attributes;
  private decoded: boolean;
  private decodedPayload: unknown;

  constructor(
    readonly destination: string,
    partition: number,
    private readonly message: KafkaMessageLike,
    decoded: { payload: unknown } | undefined,
  ) {
    this.headers = message.headers;
    this.attributes = kafkaAttributes(partition, message);
    this.decoded = decoded !== undefined;
    this.decodedPayload = decoded?.payload;
  }

  get payload(): unknown {
    if (!this.decoded) {
      this.decoded = true;
      this.decodedPayload = decodeJsonObject(this.message.value);
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
