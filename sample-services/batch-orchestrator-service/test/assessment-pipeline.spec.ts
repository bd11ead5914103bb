import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { logLevel } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TracedClientKafka, createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
// The other two services of the assessment side, booted in-process as they run in the platform.
import { AppModule as CjAssessmentAppModule } from '../../cj-assessment-service/src/app.module.js';
import { cjAssessmentMicroserviceOptions } from '../../cj-assessment-service/src/kafka/kafka.config.js';
import { AppModule as LlmProviderAppModule } from '../../llm-provider-service/src/app.module.js';
import { llmProviderMicroserviceOptions } from '../../llm-provider-service/src/kafka/kafka.config.js';
import { AppModule } from '../src/app.module.js';
import {
  ASSESSMENT_COMPLETED_TOPIC,
  ASSESSMENT_REQUESTED_TOPIC,
  BATCH_COMPLETED_TOPIC,
  BATCH_REGISTERED_TOPIC,
} from '../src/batch/batch.events.js';
import type { BatchRegisteredData } from '../src/batch/batch.events.js';
import { batchOrchestratorMicroserviceOptions } from '../src/kafka/kafka.config.js';

/** Starting or stopping the Kafka test broker, the three Nest microservices and the submitter: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const SUBMITTER = Symbol('SUBMITTER');
const JUDGEMENT_TOPIC = 'llm.judgement.requested';
const TOPICS = [
  BATCH_REGISTERED_TOPIC,
  ASSESSMENT_REQUESTED_TOPIC,
  ASSESSMENT_COMPLETED_TOPIC,
  BATCH_COMPLETED_TOPIC,
  JUDGEMENT_TOPIC,
  `${JUDGEMENT_TOPIC}.reply`,
  'llm.judgement.queued',
  'llm.judgement.completed',
];

const BATCH: BatchRegisteredData = {
  batch_id: 'batch-pipeline',
  essays: [
    { essay_id: 'essay-1', text: 'Short.' },
    { essay_id: 'essay-2', text: 'Somewhat longer text.' },
    { essay_id: 'essay-3', text: 'The longest of all three essays here.' },
  ],
};

describe('the assessment side: batch orchestrator, CJ assessment and LLM provider on one Kafka broker', () => {
  const savedBrokers = process.env.KAFKA_BROKERS;
  let broker: KafkaTestBroker;
  const modules: TestingModule[] = [];
  const apps: INestMicroservice[] = [];
  let submitter: ClientKafka;
  let spans: TestSpans;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    const services = [
      { module: LlmProviderAppModule, name: 'llm-provider-service', options: llmProviderMicroserviceOptions },
      { module: CjAssessmentAppModule, name: 'cj-assessment-service', options: cjAssessmentMicroserviceOptions },
      { module: AppModule, name: 'batch-orchestrator-service', options: batchOrchestratorMicroserviceOptions },
    ];
    for (const service of services) {
      const imports = [service.module, TracingTestingModule.forRoot({ serviceName: service.name })];
      if (service.module === AppModule) {
        imports.push(
          ClientsModule.registerAsync([
            {
              name: SUBMITTER,
              useFactory: () => ({
                customClass: TracedClientKafka,
                options: {
                  client: { clientId: 'pipeline-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING },
                  producerOnlyMode: true,
                },
              }),
            },
          ]),
        );
      }
      const moduleRef = await Test.createTestingModule({ imports }).compile();
      modules.push(moduleRef);
      apps.push(moduleRef.createNestMicroservice({ ...service.options(broker.brokers), logger: false }));
    }
    await Promise.all(apps.map((app) => app.listen()));
    submitter = modules[2].get(SUBMITTER);
    spans = modules[2].get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await submitter?.close();
    for (const app of apps.reverse()) await app.close();
    for (const moduleRef of modules.reverse()) await moduleRef.close();
    await broker?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, HOOK_TIMEOUT_MS);

  it('follows one batch in one trace: fan-out, every assessment with its judgements, and the fan-in', async () => {
    await withCorrelationId('corr-pipeline', () =>
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
    await spans.waitFor(
      (finished) => finished.filter((span) => span.name === `kafka.consume.${ASSESSMENT_COMPLETED_TOPIC}`).length === 3,
      15_000,
    );

    const root = spans.one('gateway.batch.submit');
    expect(spans.inTrace(root)).toHaveLength(spans.all().length);
    expect(spans.find({ parent: null })).toEqual([root]);
    const fanOut = spans.one('batch.fan_out');
    const runs = spans.byName('cj.assessment.run');
    expect(runs.map((run) => run.attributes['essay.id']).sort()).toEqual(['essay-1', 'essay-2', 'essay-3']);
    for (const run of runs) {
      // orchestrator PRODUCER -> cj CONSUMER -> cj.assessment.run
      const consume = spans.parentOf(run)!;
      expect(consume.kind).toBe(SpanKind.CONSUMER);
      expect(spans.parentOf(consume)).toBeChildOf(fanOut);
      expect(run).toHaveAttributes({
        'batch.id': 'batch-pipeline',
        'cj.pair_count': 2,
        correlation_id: 'corr-pipeline',
      });
    }
    // six judgements: CLIENT span in cj -> CONSUMER span in llm
    const requests = spans.byName(`kafka.request.${JUDGEMENT_TOPIC}`);
    expect(requests).toHaveLength(6);
    for (const request of requests) {
      expect(request.kind).toBe(SpanKind.CLIENT);
      const [llmConsume] = spans.childrenOf(request);
      expect(llmConsume).toHaveAttributes({ 'messaging.consumer.group.name': 'llm-provider-service-server' });
    }
    const scores = Object.fromEntries(runs.map((run) => [run.attributes['essay.id'], run.attributes['cj.score']]));
    expect(scores).toEqual({ 'essay-1': 0, 'essay-2': 0.5, 'essay-3': 1 });

    const fanIn = spans.one('batch.fan_in');
    const completions = spans.byName(`kafka.consume.${ASSESSMENT_COMPLETED_TOPIC}`);
    for (const completion of completions) expect(fanIn).toHaveLinkTo(completion);
    expect(spans.one(`kafka.produce.${BATCH_COMPLETED_TOPIC}`)).toBeChildOf(fanIn);
    spans.assertLifecycle();
  }, 20_000);
});
