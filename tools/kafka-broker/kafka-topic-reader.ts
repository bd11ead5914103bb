import type { Kafka, KafkaMessage } from 'kafkajs';

/** The messages of one topic as a consumer group reads them from the beginning, for specs. */
export interface KafkaTopicReader {
  /** What arrived so far, in order. */
  readonly messages: readonly KafkaMessage[];
  /** The first message that `matches`, once it arrives; rejects after `timeoutMs` (default 15 000). */
  waitFor(matches: (message: KafkaMessage) => boolean, timeoutMs?: number): Promise<KafkaMessage>;
  /** Disconnect the consumer. */
  stop(): Promise<void>;
}

/**
 * Read `topic` from the beginning in a new consumer group `groupId` (fetch waits of 100 ms, so messages
 * arrive quickly). Resolves once the consumer runs.
 */
export async function readKafkaTopic(kafka: Kafka, topic: string, groupId: string): Promise<KafkaTopicReader> {
  const messages: KafkaMessage[] = [];
  const listeners = new Set<() => void>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
      for (const listener of listeners) listener();
    },
  });
  return {
    messages,
    waitFor: (matches, timeoutMs = 15_000) =>
      new Promise<KafkaMessage>((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find(matches);
          if (!found) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms (${messages.length} arrived)`));
        }, timeoutMs);
        listeners.add(listener);
        check();
      }),
    stop: () => consumer.disconnect(),
  };
}
