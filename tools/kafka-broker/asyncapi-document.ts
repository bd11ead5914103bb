/** The only host the test broker advertises: its clients reach it on the loopback interface. */
export const KAFKA_TEST_BROKER_HOST = '127.0.0.1';

/** Kafka's own rule for topic names: at most 249 of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * How long mokapi's group coordinator waits for more members before the first rebalance of a group.
 * mokapi reads 0 as "not set" and then waits 3000 ms, so the smallest useful value is 1.
 */
const DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS = 100;

/** What {@link buildAsyncApiDocument} declares. */
export interface AsyncApiDocumentOptions {
  /**
   * The topics, each one channel whose address is the topic name. A request/reply pattern needs its reply
   * topic listed too (`essay.spellcheck.requested` and `essay.spellcheck.requested.reply`): mokapi refuses
   * to produce to a topic it was not told about (`UNKNOWN_TOPIC_OR_PARTITION`).
   */
  readonly topics: readonly string[];
  /** The Kafka port of the one broker, on {@link KAFKA_TEST_BROKER_HOST}. */
  readonly port: number;
  /**
   * The cluster's name (`info.title`). mokapi reports it as the cluster id in Metadata responses, which lets
   * a client tell this broker from another one on the same port. Default: `'kafka-test-broker'`.
   */
  readonly clusterName?: string;
  /**
   * mokapi's `group.initial.rebalance.delay.ms` (a server binding): how long a new consumer group waits for
   * more members before it is assigned partitions. Default: 100 (mokapi's own default is 3000).
   */
  readonly groupInitialRebalanceDelayMs?: number;
}

/** A Kafka server object of an AsyncAPI 3 document, with the mokapi broker settings it reads. */
export interface AsyncApiKafkaServer {
  readonly host: string;
  readonly protocol: 'kafka';
  readonly bindings: { readonly kafka: { readonly 'group.initial.rebalance.delay.ms': number } };
}

/** An AsyncAPI 3 channel: one Kafka topic. */
export interface AsyncApiChannel {
  readonly address: string;
}

/** The AsyncAPI 3.0.0 document mokapi serves as one Kafka cluster of one broker. */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly servers: Readonly<Record<'broker', AsyncApiKafkaServer>>;
  readonly channels: Readonly<Record<string, AsyncApiChannel>>;
}

function assertValidTopics(topics: readonly string[]): void {
  if (topics.length === 0) {
    throw new Error('A Kafka test broker needs at least one topic: mokapi serves only the topics it declares.');
  }
  const seen = new Set<string>();
  for (const topic of topics) {
    if (!LEGAL_TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
      throw new Error(`"${topic}" is not a legal Kafka topic name (at most 249 of a-z, A-Z, 0-9, '.', '_', '-').`);
    }
    if (seen.has(topic)) {
      throw new Error(`Topic "${topic}" is listed twice.`);
    }
    seen.add(topic);
  }
}

function assertValidPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${port} is not a TCP port (an integer from 1 to 65535).`);
  }
}

/**
 * Build the AsyncAPI 3.0.0 document that makes mokapi (the `go-mokapi` package) a Kafka broker on
 * `127.0.0.1:<port>` with the given topics, one partition each.
 *
 * The channels declare no messages on purpose: with a message payload schema, mokapi validates every record
 * against it (and rejects other payloads); without one, it stores whatever a producer sends, with its key
 * and headers unchanged. The channel key and its address are both the topic name.
 *
 * @throws Error when a topic name is not a legal Kafka topic name, is listed twice, the list is empty, or the
 * port is not a TCP port.
 */
export function buildAsyncApiDocument(options: AsyncApiDocumentOptions): AsyncApiDocument {
  assertValidTopics(options.topics);
  assertValidPort(options.port);
  const rebalanceDelayMs = options.groupInitialRebalanceDelayMs ?? DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS;
  if (!Number.isInteger(rebalanceDelayMs) || rebalanceDelayMs < 1) {
    throw new Error(
      `groupInitialRebalanceDelayMs must be an integer of at least 1 (mokapi reads 0 as its default of 3000 ms), not ${rebalanceDelayMs}.`,
    );
  }
  return {
    asyncapi: '3.0.0',
    info: { title: options.clusterName ?? 'kafka-test-broker', version: '1.0.0' },
    servers: {
      broker: {
        host: `${KAFKA_TEST_BROKER_HOST}:${options.port}`,
        protocol: 'kafka',
        bindings: { kafka: { 'group.initial.rebalance.delay.ms': rebalanceDelayMs } },
      },
    },
    channels: Object.fromEntries(options.topics.map((topic) => [topic, { address: topic }])),
  };
}
