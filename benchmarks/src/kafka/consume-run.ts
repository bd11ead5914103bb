import type { EachMessagePayload, Kafka } from 'kafkajs';
import { spin } from '../macro/cpu-work.js';

/**
 * The work every consumer does per message, traced or not: parse the envelope, checksum its text,
 * and (with `--handler-work-us`) a fixed CPU loop standing in for the handler's business work.
 */
export function essayHandler(workIterations: number): (payload: EachMessagePayload) => Promise<void> {
  return function handleEssayMessage({ message }: EachMessagePayload): Promise<void> {
    const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as { data?: { text?: string } };
    const text = envelope.data?.text ?? '';
    let checksum = 0;
    for (let index = 0; index < text.length; index += 1) checksum = (checksum * 31 + text.charCodeAt(index)) | 0;
    lastChecksum = workIterations > 0 ? checksum ^ spin(workIterations) : checksum;
    return Promise.resolve();
  };
}

/** Keeps the checksum observable, so the work cannot be optimised away. */
export let lastChecksum = 0;

/** One consumption of a whole topic by a fresh consumer group. */
export interface ConsumeResult {
  readonly messages: number;
  /** From the first message reaching `eachMessage` to the last one handled. */
  readonly seconds: number;
  readonly messagesPerSecond: number;
}

/**
 * Consume `expected` messages of `topic` from the beginning with a new consumer group, handing each to
 * `eachMessage`, and time the first to the last. The consumer is disconnected before this resolves.
 */
export async function consumeTopic(
  kafka: Kafka,
  topic: string,
  groupId: string,
  expected: number,
  eachMessage: (payload: EachMessagePayload) => Promise<void>,
  timeoutMs: number,
): Promise<ConsumeResult> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
  let handled = 0;
  let firstAt = 0;
  let lastAt = 0;
  let finished!: () => void;
  const allHandled = new Promise<void>((resolve) => (finished = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async (payload) => {
        if (handled === 0) firstAt = performance.now();
        await eachMessage(payload);
        handled += 1;
        if (handled === expected) {
          lastAt = performance.now();
          finished();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${topic}: ${handled} of ${expected} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([allHandled, timedOut]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  const seconds = (lastAt - firstAt) / 1000;
  return { messages: handled, seconds, messagesPerSecond: handled / seconds };
}
