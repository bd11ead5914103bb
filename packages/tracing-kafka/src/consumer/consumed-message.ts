import type { Attributes } from '@opentelemetry/api';
import type { MessagingSystem } from '../messaging-attributes.js';

/** One received message, whatever transport it came from: what a CONSUMER span is made of. */
export interface ConsumedMessage {
  readonly system: MessagingSystem;
  /** Topic, queue, subject or channel. */
  readonly destination: string;
  /**
   * Transport headers (Kafka headers, AMQP headers, NATS headers, MQTT user properties), if any: a
   * record, or undefined when the message has none or they are of another shape (null, a string, a Buffer).
   */
  readonly headers: Record<string, unknown> | undefined;
  /** The decoded payload, where the envelope's `metadata` may be read. Undefined when not decoded. */
  readonly payload: unknown;
  /** Transport-specific attributes (partition, offset, key, group, client id). */
  readonly attributes: Attributes;
}

/** Several messages of one destination, handled by one call (kafkajs `eachBatch`). */
export interface ConsumedBatch {
  readonly system: MessagingSystem;
  readonly destination: string;
  readonly messages: readonly ConsumedMessage[];
  readonly attributes: Attributes;
}
