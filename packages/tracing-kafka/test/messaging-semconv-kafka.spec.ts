import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Inject, Injectable } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload, ServerKafka } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { EachBatchPayload, EachMessagePayload, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import {
  TracedClientKafka,
  messagingAttribute,
  traceKafkaHandler,
  traceKafkaProducer,
  traceMicroservice,
} from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { SEMCONV_CASES, applySemconvCase, expectMessagingNames, resetSemconv } from './support/semconv-modes.js';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;
const CLIENT = Symbol('KAFKA_CLIENT');
const NEST_TOPIC = 'semconv.nest.checked';
/** Topics of one case: kafkajs consumers of a new group read them from the beginning. */
const topicsOf = (index: number) => ({ plain: `semconv.${index}.plain`, batch: `semconv.${index}.batch` });
const TOPICS = [NEST_TOPIC, ...SEMCONV_CASES.flatMap((_, index) => Object.values(topicsOf(index)))];

/** Run a consumer of `topic` until `count` messages went through it, `run` wrapping the handler. */
async function consume(
  kafka: Kafka,
  topic: string,
  count: number,
  run: (done: (messages: number) => void) => Parameters<ReturnType<Kafka['consumer']>['run']>[0],
): Promise<void> {
  const consumer = kafka.consumer({ groupId: `semconv-${randomUUID()}`, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count} messages on ${topic} in 15 s`)), 15_000);
      let seen = 0;
      const done = (messages: number): void => {
        seen += messages;
        if (seen < count) return;
        clearTimeout(timer);
        resolve();
      };
      consumer.run(run(done)).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

@Injectable()
class Deliveries {
  count = 0;
  private waiters: Array<() => void> = [];

  arrived(): void {
    this.count += 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(count: number): Promise<void> {
    while (this.count < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

@Controller()
class EssayHandlers {
  constructor(@Inject(Deliveries) private readonly deliveries: Deliveries) {}

  @EventPattern<string>(NEST_TOPIC)
  checked(@Payload() _event: unknown): void {
    this.deliveries.arrived();
  }
}

describe('messaging semconv names on Kafka: kafkajs producer and handlers, the Nest Kafka transport', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let moduleRef: TestingModule;
  let microservice: INestMicroservice;
  let client: ClientKafka;
  let deliveries: Deliveries;
  let spans: TestSpans;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    const run = randomUUID().slice(0, 8);
    kafka = new Kafka({ clientId: 'semconv-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'essay-service' })],
      controllers: [EssayHandlers],
      providers: [
        Deliveries,
        {
          provide: CLIENT,
          useFactory: () =>
            new TracedClientKafka({
              client: { clientId: `client-${run}`, brokers: broker.brokers, logLevel: 0 },
              producerOnlyMode: true,
            }),
        },
      ],
    }).compile();
    microservice = moduleRef.createNestMicroservice({
      strategy: traceMicroservice(
        new ServerKafka({
          client: { clientId: `server-${run}`, brokers: broker.brokers, logLevel: 0 },
          consumer: { groupId: `server-${run}`, sessionTimeout: 6000, heartbeatInterval: 500 },
        }),
      ),
      logger: false,
    });
    await microservice.listen();
    client = moduleRef.get(CLIENT);
    await client.connect();
    deliveries = moduleRef.get(Deliveries);
    spans = moduleRef.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    resetSemconv();
    await client?.close();
    await microservice?.close();
    await producer?.disconnect();
    await moduleRef?.close();
    await broker?.stop();
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => {
    spans.reset();
    deliveries.count = 0;
  });

  SEMCONV_CASES.forEach((semconvCase, index) => {
    const topics = topicsOf(index);

    it(`${semconvCase.title}: kafkajs PRODUCER, message and batch CONSUMER spans (offset, key, tombstone)`, async () => {
      applySemconvCase(semconvCase);
      const traced = traceKafkaProducer(producer);
      await traced.send({ topic: topics.plain, messages: [{ key: 'essay-1', value: '{"n":1}' }] });
      await traced.send({ topic: topics.plain, messages: [{ key: 'essay-2', value: null }] });
      await traced.send({ topic: topics.batch, messages: [{ key: 'essay-3', value: '{"n":3}' }] });
      await consume(kafka, topics.plain, 2, (done) => ({
        eachMessage: traceKafkaHandler(async (_payload: EachMessagePayload) => done(1), { groupId: 'lifecycle' }),
      }));
      await consume(kafka, topics.batch, 1, (done) => ({
        eachBatch: traceKafkaHandler(async ({ batch }: EachBatchPayload) => done(batch.messages.length)),
      }));

      const { mode } = semconvCase;
      const [sendKeyed, sendTombstone] = spans.byName(`kafka.produce.${topics.plain}`);
      expectMessagingNames(sendKeyed, mode, {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.kafka.message.key': 'essay-1',
      });
      expectMessagingNames(sendTombstone, mode, { 'messaging.kafka.message.key': 'essay-2' });
      const consumers = spans.byName(`kafka.consume.${topics.plain}`);
      // found through the reader that works in every mode
      const withKey = (key: string) =>
        consumers.find((span) => messagingAttribute(span.attributes, 'messaging.kafka.message.key') === key)!;
      const keyed = withKey('essay-1');
      const tombstone = withKey('essay-2');
      expectMessagingNames(keyed, mode, {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.partition.id': '0',
        'messaging.consumer.group.name': 'lifecycle',
        'messaging.kafka.message.key': 'essay-1',
        'messaging.kafka.offset': 0,
      });
      expectMessagingNames(tombstone, mode, {
        'messaging.kafka.message.key': 'essay-2',
        'messaging.kafka.offset': 1,
        'messaging.kafka.message.tombstone': true,
      });
      expect(keyed.attributes['messaging.kafka.message.tombstone']).toBeUndefined();
      expect(keyed.attributes['kafka.message.tombstone']).toBeUndefined();
      expectMessagingNames(spans.one(`kafka.consume.${topics.batch}`), mode, {
        'messaging.system': 'kafka',
        'messaging.batch.message_count': 1,
        'messaging.destination.partition.id': '0',
      });
    });

    it(`${semconvCase.title}: TracedClientKafka and the traced ServerKafka`, async () => {
      applySemconvCase(semconvCase);
      await lastValueFrom(client.emit(NEST_TOPIC, { key: `nest-${index}`, value: { essayId: 'essay-1' } }), {
        defaultValue: undefined,
      });
      await deliveries.until(1);
      await spans.waitFor((finished) => finished.some((span) => span.name === `kafka.consume.${NEST_TOPIC}`), 15_000);

      const { mode } = semconvCase;
      expectMessagingNames(spans.one(`kafka.produce.${NEST_TOPIC}`), mode, {
        'messaging.system': 'kafka',
        'messaging.kafka.message.key': `nest-${index}`,
      });
      const consumer = spans.one(`kafka.consume.${NEST_TOPIC}`);
      expectMessagingNames(consumer, mode, {
        'messaging.system': 'kafka',
        'messaging.kafka.message.key': `nest-${index}`,
        'messaging.kafka.offset': index,
      });
    });
  });
});
