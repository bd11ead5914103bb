import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { ESSAY_EVENTS_PRODUCER } from './essay-events.producer.js';
import { ESSAY_UPLOADED_TOPIC } from './essay-uploaded.event.js';
import type { EssayUploadedData } from './essay-uploaded.event.js';

/** The parts of a kafkajs producer the publisher uses. */
export type EssayEventsProducer = Pick<Producer, 'connect' | 'disconnect' | 'send'>;

/**
 * Publishes the file service's events to Kafka: `essay.uploaded`, keyed by the essay id, its value
 * the platform's event envelope (JSON) with the trace context in its `metadata`. The producer is
 * traced, so every publish is a `kafka.produce.essay.uploaded` PRODUCER span under the caller's span
 * and the message headers carry `traceparent`, `baggage` and `correlation_id`.
 *
 * Publishing never fails an upload: without a producer (no `KAFKA_BROKERS`) it does nothing, and a
 * failed publish is logged (and recorded on its PRODUCER span) and resolves `false`.
 */
@Injectable()
export class EssayEventsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EssayEventsPublisher.name);
  private connection: Promise<void> | undefined;

  constructor(@Inject(ESSAY_EVENTS_PRODUCER) private readonly producer: EssayEventsProducer | null) {}

  /** Start connecting at boot (in the background: the HTTP server does not wait for Kafka). */
  onApplicationBootstrap(): void {
    if (!this.producer) return;
    this.connect().catch((error: unknown) => this.logger.warn(`Kafka producer did not connect: ${describe(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.producer || !this.connection) return;
    await this.producer.disconnect().catch(() => undefined);
  }

  /** Publish `essay.uploaded`. Resolves `true` once Kafka acknowledged it, `false` when not published. */
  async publishEssayUploaded(data: EssayUploadedData): Promise<boolean> {
    if (!this.producer) return false;
    try {
      await this.connect();
      const envelope = createEventEnvelope(ESSAY_UPLOADED_TOPIC, data, { sourceService: 'file-service' });
      await this.producer.send({
        topic: ESSAY_UPLOADED_TOPIC,
        messages: [{ key: data.essay_id, value: JSON.stringify(envelope) }],
      });
      this.logger.log(`Published ${ESSAY_UPLOADED_TOPIC} for essay ${data.essay_id}`);
      return true;
    } catch (error) {
      this.logger.error(`Could not publish ${ESSAY_UPLOADED_TOPIC} for essay ${data.essay_id}: ${describe(error)}`);
      return false;
    }
  }

  /** One connection attempt at a time; a failed attempt is forgotten, so the next publish tries again. */
  private connect(): Promise<void> {
    const producer = this.producer!;
    this.connection ??= producer.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
