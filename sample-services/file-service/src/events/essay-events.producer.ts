import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { traceKafkaProducer } from '@huleedu/nest-tracing-kafka';

/** Injection token of the traced kafkajs producer, or `null` when Kafka is not configured. */
export const ESSAY_EVENTS_PRODUCER = Symbol('ESSAY_EVENTS_PRODUCER');

/** The kafkajs client id, also `messaging.client.id` on the PRODUCER spans. */
export const FILE_SERVICE_CLIENT_ID = 'file-service';

/** The Kafka brokers from `KAFKA_BROKERS` (`host:port[,host:port...]`); undefined when it is unset or blank. */
export function kafkaBrokersFromEnv(): string[] | undefined {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : undefined;
}

/**
 * How long an upload may wait on an unreachable broker: a connection attempt of 1 s and two quick
 * retries, so a publish fails (and is logged) within a few seconds instead of kafkajs's half minute.
 */
const FAIL_FAST = { connectionTimeout: 1000, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } };

/**
 * A traced kafkajs producer (`kafka.produce.{topic}` PRODUCER spans, trace headers on every message)
 * for the brokers in `KAFKA_BROKERS`, or `null` when it is unset: the service then uploads without
 * publishing events. Not connected yet: `EssayEventsPublisher` connects it.
 */
export function essayEventsProducerFromEnv(): Producer | null {
  const brokers = kafkaBrokersFromEnv();
  if (!brokers) return null;
  const kafka = new Kafka({ clientId: FILE_SERVICE_CLIENT_ID, brokers, logLevel: logLevel.NOTHING, ...FAIL_FAST });
  return traceKafkaProducer(kafka.producer(), { clientId: FILE_SERVICE_CLIENT_ID });
}
