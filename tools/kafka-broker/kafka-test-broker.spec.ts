import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { KAFKA_BROKERS_ENV, startKafkaTestBroker } from './kafka-test-broker.js';
import type { KafkaTestBroker } from './kafka-test-broker.js';

const REQUEST_TOPIC = 'essay.spellcheck.requested';
const REPLY_TOPIC = `${REQUEST_TOPIC}.reply`;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const RECEIVE_TIMEOUT_MS = 15_000;
/** Starting mokapi (its own start-up timeout is 20 s) or stopping it (SIGKILL after 5 s): ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

/**
 * Consume `topic` from the beginning as a member of `groupId` until the message with `key` arrives.
 * Rejects if it does not within 15 s or the consumer crashes; disconnects either way.
 */
async function receiveMessage(kafka: Kafka, groupId: string, topic: string, key: string): Promise<KafkaMessage> {
  const consumer = kafka.consumer({ groupId });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`group ${groupId} got no message with key ${key} from ${topic} in ${RECEIVE_TIMEOUT_MS} ms`),
          ),
        RECEIVE_TIMEOUT_MS,
      );
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        reject(payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== key) return;
            clearTimeout(timer);
            resolve(message);
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('startKafkaTestBroker', () => {
  describe('with mokapi', () => {
    let broker: KafkaTestBroker;
    let kafka: Kafka;

    beforeAll(async () => {
      broker = await startKafkaTestBroker({ topics: [REQUEST_TOPIC, REPLY_TOPIC] });
      kafka = new Kafka({ clientId: 'kafka-test-broker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    }, HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await broker?.stop();
    }, HOOK_TIMEOUT_MS);

    it('delivers a produced message, with its key and string and Buffer headers, to a consumer group', async () => {
      const binaryHeader = Buffer.from([0x00, 0x01, 0xfe, 0xff]);
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic: REQUEST_TOPIC,
          messages: [
            {
              key: 'essay-001',
              value: JSON.stringify({ essayId: 'essay-001', text: 'Teh quick brown fox' }),
              headers: { traceparent: TRACEPARENT, 'x-binary': binaryHeader },
            },
          ],
        });
      } finally {
        await producer.disconnect();
      }

      const message = await receiveMessage(kafka, 'spellchecker-one-group', REQUEST_TOPIC, 'essay-001');

      expect(message.key).toEqual(Buffer.from('essay-001'));
      expect(JSON.parse(message.value?.toString() ?? 'null')).toEqual({
        essayId: 'essay-001',
        text: 'Teh quick brown fox',
      });
      expect(message.headers?.traceparent).toEqual(Buffer.from(TRACEPARENT));
      expect(message.headers?.['x-binary']).toEqual(binaryHeader);
    }, 30_000);

    it('delivers one message to each of two consumer groups', async () => {
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic: REQUEST_TOPIC,
          messages: [{ key: 'essay-002', value: 'two groups', headers: { traceparent: TRACEPARENT } }],
        });
      } finally {
        await producer.disconnect();
      }

      const [first, second] = await Promise.all([
        receiveMessage(kafka, 'spellchecker-group-a', REQUEST_TOPIC, 'essay-002'),
        receiveMessage(kafka, 'spellchecker-group-b', REQUEST_TOPIC, 'essay-002'),
      ]);

      for (const message of [first, second]) {
        expect(message.value).toEqual(Buffer.from('two groups'));
        expect(message.headers?.traceparent).toEqual(Buffer.from(TRACEPARENT));
      }
      expect(first.offset).toBe(second.offset);
    }, 30_000);
  });

  describe(`with ${KAFKA_BROKERS_ENV} set or not`, () => {
    const previous = process.env[KAFKA_BROKERS_ENV];

    afterEach(() => {
      if (previous === undefined) delete process.env[KAFKA_BROKERS_ENV];
      else process.env[KAFKA_BROKERS_ENV] = previous;
    });

    it('rejects, saying why, when mokapi cannot run', async () => {
      delete process.env[KAFKA_BROKERS_ENV];

      await expect(
        startKafkaTestBroker({ topics: [REQUEST_TOPIC], binaryPath: '/nonexistent/mokapi', startTimeoutMs: 5000 }),
      ).rejects.toThrow(
        /did not start on 127\.0\.0\.1:\d+: mokapi ended \(could not run \/nonexistent\/mokapi: spawn \/nonexistent\/mokapi ENOENT\)/,
      );
    });

    it('starts nothing and returns the brokers it names', async () => {
      process.env[KAFKA_BROKERS_ENV] = 'kafka-1.internal:9092, kafka-2.internal:9092';
      const lines: string[] = [];

      const broker = await startKafkaTestBroker({
        topics: [REQUEST_TOPIC, REPLY_TOPIC],
        // Starting mokapi from here would fail: resolving proves nothing was started.
        binaryPath: '/nonexistent/mokapi',
        logger: { log: (line) => lines.push(line) },
      });
      await broker.stop();

      expect(broker.brokers).toEqual(['kafka-1.internal:9092', 'kafka-2.internal:9092']);
      expect(broker.startupMs).toBe(0);
      expect(lines).toEqual([
        `Kafka test broker: ${KAFKA_BROKERS_ENV} is set, using kafka-1.internal:9092,kafka-2.internal:9092`,
      ]);
    });
  });
});
