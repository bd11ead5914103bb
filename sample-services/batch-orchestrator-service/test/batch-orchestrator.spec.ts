import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import {
  TracedClientKafka,
  createEventEnvelope,
  traceKafkaHandler,
  traceKafkaProducer,
} from '@huleedu/nest-tracing-kafka';
import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { AppModule } from '../src/app.module.js';
import {
  ASSESSMENT_COMPLETED_TOPIC,
  ASSESSMENT_REQUESTED_TOPIC,
  BATCH_COMPLETED_TOPIC,
  BATCH_REGISTERED_TOPIC,
} from '../src/batch/batch.events.js';
import type {
  AssessmentCompletedData,
  AssessmentRequestedData,
  BatchCompletedData,
  BatchRegisteredData,
} from '../src/batch/batch.events.js';
import { batchOrchestratorMicroserviceOptions } from '../src/kafka/kafka.config.js';

/** Starting or stopping the Kafka test broker, the Nest microservice, the submitter and the two stand-in consumer groups: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const SUBMITTER = Symbol('SUBMITTER');
const TOPICS = [BATCH_REGISTERED_TOPIC, ASSESSMENT_REQUESTED_TOPIC, ASSESSMENT_COMPLETED_TOPIC, BATCH_COMPLETED_TOPIC];

const BATCH: BatchRegisteredData = {
  batch_id: 'batch-7',
  essays: [
    { essay_id: 'essay-1', text: 'One.' },
    { essay_id: 'essay-2', text: 'Two words.' },
    { essay_id: 'essay-3', text: 'Three words here.' },
  ],
};

describe('batch-orchestrator-service on a Kafka broker', () => {
  const savedBrokers = process.env.KAFKA_BROKERS;
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let app: INestMicroservice;
  let submitter: ClientKafka;
  let assessor: Consumer;
  let assessorProducer: Producer;
  let completedBatches: Consumer;
  let spans: TestSpans;
  const commands: AssessmentRequestedData[] = [];
  let resolveBatchCompleted: (envelope: EventEnvelope<BatchCompletedData>) => void;
  const batchCompleted = new Promise<EventEnvelope<BatchCompletedData>>((resolve) => (resolveBatchCompleted = resolve));

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    moduleRef = await Test.createTestingModule({
      imports: [
        AppModule,
        TracingTestingModule.forRoot({ serviceName: 'batch-orchestrator-service' }),
        ClientsModule.registerAsync([
          {
            name: SUBMITTER,
            useFactory: () => ({
              customClass: TracedClientKafka,
              options: {
                client: { clientId: 'batch-spec-submitter', brokers: broker.brokers, logLevel: logLevel.NOTHING },
                producerOnlyMode: true,
              },
            }),
          },
        ]),
      ],
    }).compile();
    app = moduleRef.createNestMicroservice({ ...batchOrchestratorMicroserviceOptions(broker.brokers), logger: false });
    await app.listen();
    submitter = moduleRef.get(SUBMITTER);
    spans = moduleRef.get(TestSpans);

    // A stand-in for the CJ assessment service: every command is answered with a completion
    // (score: the essay's word count over 3), published by a traced producer in the command's trace.
    const kafka = new Kafka({ clientId: 'batch-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    assessorProducer = traceKafkaProducer(kafka.producer(), { clientId: 'batch-spec-assessor' });
    await assessorProducer.connect();
    const consumerConfig = { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };
    assessor = kafka.consumer({ groupId: 'batch-spec-assessor', ...consumerConfig });
    await assessor.connect();
    await assessor.subscribe({ topic: ASSESSMENT_REQUESTED_TOPIC, fromBeginning: true });
    await assessor.run({
      eachMessage: traceKafkaHandler(async ({ message }: EachMessagePayload) => {
        const command = (JSON.parse(message.value!.toString()) as EventEnvelope<AssessmentRequestedData>).data;
        commands.push(command);
        const completion: AssessmentCompletedData = {
          batch_id: command.batch_id,
          essay_id: command.essay_id,
          score: command.text.split(' ').length / 3,
          wins: 0,
          comparisons: command.comparison_essays.length,
        };
        await assessorProducer.send({
          topic: ASSESSMENT_COMPLETED_TOPIC,
          messages: [
            {
              key: command.essay_id,
              value: JSON.stringify(createEventEnvelope(ASSESSMENT_COMPLETED_TOPIC, completion)),
            },
          ],
        });
      }),
    });
    completedBatches = kafka.consumer({ groupId: 'batch-spec-completed', ...consumerConfig });
    await completedBatches.connect();
    await completedBatches.subscribe({ topic: BATCH_COMPLETED_TOPIC, fromBeginning: true });
    await completedBatches.run({
      eachMessage: async ({ message }) => {
        resolveBatchCompleted(JSON.parse(message.value!.toString()) as EventEnvelope<BatchCompletedData>);
      },
    });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await assessor?.disconnect();
    await completedBatches?.disconnect();
    await assessorProducer?.disconnect();
    await submitter?.close();
    await app?.close();
    await moduleRef?.close();
    await broker?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('fans a batch out under batch.fan_out and fans it in with batch.fan_in linked to every completion', async () => {
    await withCorrelationId('corr-batch-7', () =>
      traceOperation('gateway.batch.submit', () =>
        lastValueFrom(
          submitter.emit(BATCH_REGISTERED_TOPIC, {
            key: BATCH.batch_id,
            value: createEventEnvelope(BATCH_REGISTERED_TOPIC, BATCH, { sourceService: 'api-gateway' }),
          }),
          { defaultValue: undefined },
        ),
      ),
    );
    // the last completion's CONSUMER span ends after the fan-in it ran
    await spans.waitFor(
      (finished) => finished.filter((span) => span.name === `kafka.consume.${ASSESSMENT_COMPLETED_TOPIC}`).length === 3,
      15_000,
    );

    // fan-out: the batch's CONSUMER span -> batch.fan_out -> one PRODUCER span per essay
    const registered = spans.one(`kafka.consume.${BATCH_REGISTERED_TOPIC}`);
    expect(registered.kind).toBe(SpanKind.CONSUMER);
    expect(registered).toBeChildOf(spans.one(`kafka.produce.${BATCH_REGISTERED_TOPIC}`));
    expect(registered).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.destination.name': BATCH_REGISTERED_TOPIC,
      'messaging.consumer.group.name': 'batch-orchestrator-service-server',
      'batch.id': 'batch-7',
      'batch.essay_count': 3,
      correlation_id: 'corr-batch-7',
    });
    const fanOut = spans.one('batch.fan_out');
    expect(fanOut).toBeChildOf(registered);
    expect(fanOut).toHaveAttributes({ 'batch.id': 'batch-7', 'batch.essay_count': 3, correlation_id: 'corr-batch-7' });
    const commandsOut = spans.byName(`kafka.produce.${ASSESSMENT_REQUESTED_TOPIC}`);
    expect(commandsOut).toHaveLength(3);
    for (const command of commandsOut) {
      expect(command.kind).toBe(SpanKind.PRODUCER);
      expect(command).toBeChildOf(fanOut);
    }
    expect(
      commands.find((command) => command.essay_id === 'essay-2')?.comparison_essays.map((e) => e.essay_id),
    ).toEqual(['essay-1', 'essay-3']);

    // fan-in: one CONSUMER span per completion, and batch.fan_in linked to each of them
    const completions = spans.byName(`kafka.consume.${ASSESSMENT_COMPLETED_TOPIC}`);
    expect(completions).toHaveLength(3);
    const fanIn = spans.one('batch.fan_in');
    expect(fanIn).toHaveAttributes({ 'batch.id': 'batch-7', 'batch.essay_count': 3 });
    expect(fanIn.links).toHaveLength(3);
    for (const completion of completions) {
      expect(completion.kind).toBe(SpanKind.CONSUMER);
      expect(completion).toHaveAttributes({ 'batch.id': 'batch-7', correlation_id: 'corr-batch-7' });
      expect(fanIn).toHaveLinkTo(completion);
    }
    const last = completions.find((completion) => completion.attributes['batch.completion'] === 'complete');
    expect(fanIn).toBeChildOf(last!);
    const publish = spans.one(`kafka.produce.${BATCH_COMPLETED_TOPIC}`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish).toBeChildOf(fanIn);
    // every span, the stand-in assessor's included, is in the submitter's trace
    expect(spans.inTrace(spans.one('gateway.batch.submit'))).toHaveLength(spans.all().length);

    expect(await batchCompleted).toMatchObject({
      event_type: BATCH_COMPLETED_TOPIC,
      source_service: 'batch-orchestrator-service',
      correlation_id: 'corr-batch-7',
      data: {
        batch_id: 'batch-7',
        essay_count: 3,
        results: [
          { essay_id: 'essay-3', score: 1 },
          { essay_id: 'essay-2', score: 2 / 3 },
          { essay_id: 'essay-1', score: 1 / 3 },
        ],
      },
    });
    spans.assertLifecycle();
  }, 20_000);
});
