import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import type { KafkaTestBroker } from '../../kafka-broker/kafka-test-broker.js';

/** The essay pipeline's topics: file service -> essay lifecycle -> spellchecker -> essay lifecycle. */
const ESSAY_PIPELINE_TOPICS = ['essay.uploaded', 'essay.spellcheck.requested', 'essay.spellcheck.completed'];
/** The assessment side's topics: batch orchestrator <-> CJ assessment <-> LLM provider (request/reply). */
const ASSESSMENT_TOPICS = [
  'batch.registered',
  'essay.assessment.requested',
  'essay.assessment.completed',
  'batch.completed',
  'llm.judgement.requested',
  'llm.judgement.requested.reply',
  'llm.judgement.queued',
  'llm.judgement.completed',
];
export const BATCH_REGISTERED_TOPIC = 'batch.registered';
const BROKER_START_TIMEOUT_MS = 20_000;

/**
 * Start the Kafka test broker (mokapi from the `go-mokapi` package, `tools/kafka-broker`) with every topic the
 * platform uses, or use the cluster in `KAFKA_BROKERS`. `tools/kafka-broker` is compiled into
 * `dist/kafka-broker` by the project reference in `tools/demo/tsconfig.json` (`tsconfig.kafka-broker.json`):
 * its types come from the sources, its code from there.
 */
export async function startDemoBroker(log: (line: string) => void): Promise<KafkaTestBroker> {
  const module = (await import(new URL('./kafka-broker/kafka-test-broker.js', import.meta.url).href)) as {
    startKafkaTestBroker: typeof import('../../kafka-broker/kafka-test-broker.js').startKafkaTestBroker;
  };
  return module.startKafkaTestBroker({
    topics: [...ESSAY_PIPELINE_TOPICS, ...ASSESSMENT_TOPICS],
    startTimeoutMs: BROKER_START_TIMEOUT_MS,
    logger: { log },
  });
}

/** A batch for the batch orchestrator: `batch.registered`'s `data`. */
export interface DemoBatch {
  batch_id: string;
  essays: { essay_id: string; text: string }[];
}

/**
 * Publish `batch.registered` as an upstream service would: an event envelope (`createEventEnvelope`) keyed by
 * the batch id, with the correlation id in the envelope and in a `correlation_id` header. The demo process runs
 * no tracing SDK, so the message carries no trace context: the orchestrator's CONSUMER span starts the trace.
 */
export async function publishBatchRegistered(
  brokers: readonly string[],
  batch: DemoBatch,
  correlationId: string,
): Promise<void> {
  const kafka = new Kafka({ clientId: 'platform-demo', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const envelope = createEventEnvelope(BATCH_REGISTERED_TOPIC, batch, {
      correlationId,
      sourceService: 'platform-demo',
    });
    await producer.send({
      topic: BATCH_REGISTERED_TOPIC,
      messages: [{ key: batch.batch_id, value: JSON.stringify(envelope), headers: { correlation_id: correlationId } }],
    });
  } finally {
    await producer.disconnect();
  }
}
