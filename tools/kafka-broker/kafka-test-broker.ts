import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAsyncApiDocument, KAFKA_TEST_BROKER_HOST } from './asyncapi-document.js';
import { waitForKafkaBroker } from './broker-readiness.js';
import type { BrokerStartFailure } from './broker-readiness.js';
import { freePort } from './free-port.js';
import { resolveMokapiBinary } from './mokapi-binary.js';
import { spawnMokapi } from './mokapi-process.js';

/** Comma-separated `host:port` list of a broker to use instead of starting one. */
export const KAFKA_BROKERS_ENV = 'KAFKA_BROKERS';

/** Ports tried when none is given: a free port can be taken by another process before mokapi binds it. */
const PORT_ATTEMPTS = 3;
/** mokapi's words when its Kafka listener cannot bind. */
const BIND_FAILURE = /bind: address already in use/;

/** Where the broker reports what it does. Nest's `Logger` and `console` fit. */
export interface KafkaTestBrokerLogger {
  log(message: string): void;
}

/** What {@link startKafkaTestBroker} starts. */
export interface KafkaTestBrokerOptions {
  /** The topics to serve, request/reply `.reply` topics included (see `buildAsyncApiDocument`). */
  readonly topics: readonly string[];
  /** The Kafka port on 127.0.0.1. Default: a free port (three tries if another process takes it first). */
  readonly port?: number;
  /** Longest wait for the broker to be ready. Default: 20 000 ms. */
  readonly startTimeoutMs?: number;
  /** Wait after SIGTERM before `stop()` sends SIGKILL. Default: 5000 ms. */
  readonly stopTimeoutMs?: number;
  /** mokapi's `group.initial.rebalance.delay.ms`. Default: 100 (see `buildAsyncApiDocument`). */
  readonly groupInitialRebalanceDelayMs?: number;
  /** The mokapi executable. Default: the one the `go-mokapi` package installed for this platform. */
  readonly binaryPath?: string;
  /** Receives one line when the broker is ready or stopped. Default: none. */
  readonly logger?: KafkaTestBrokerLogger;
}

/** A running broker, or the brokers named in `KAFKA_BROKERS`. */
export interface KafkaTestBroker {
  /** The `host:port` list for kafkajs's `brokers` option. */
  readonly brokers: string[];
  /** Milliseconds from spawning mokapi to the broker being ready; 0 when `KAFKA_BROKERS` is used. */
  readonly startupMs: number;
  /** Stop mokapi and remove its files. Safe to call more than once; does nothing for `KAFKA_BROKERS`. */
  stop(): Promise<void>;
}

function brokersFromEnvironment(): string[] | undefined {
  const brokers = (process.env[KAFKA_BROKERS_ENV] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : undefined;
}

type AttemptResult =
  | { readonly broker: KafkaTestBroker }
  | { readonly failure: BrokerStartFailure; readonly port: number; readonly output: string };

async function startOnPort(options: KafkaTestBrokerOptions, binaryPath: string, port: number): Promise<AttemptResult> {
  const clusterName = `kafka-test-broker-${randomUUID()}`;
  const document = buildAsyncApiDocument({
    topics: options.topics,
    port,
    clusterName,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
  });
  const directory = await mkdtemp(join(tmpdir(), 'kafka-test-broker-'));
  const documentPath = join(directory, 'asyncapi.json');
  await writeFile(documentPath, `${JSON.stringify(document, null, 2)}\n`);

  const startedAt = performance.now();
  const mokapi = spawnMokapi(binaryPath, documentPath, directory);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= mokapi
      .stop(options.stopTimeoutMs ?? 5000)
      .then(() => rm(directory, { recursive: true, force: true })));

  const failure = await waitForKafkaBroker(
    {
      host: KAFKA_TEST_BROKER_HOST,
      port,
      clusterId: clusterName,
      topics: options.topics,
      failure: () => {
        if (BIND_FAILURE.test(mokapi.output())) return { reason: `port ${port} is taken`, portTaken: true };
        const exitReason = mokapi.exitReason();
        return exitReason === undefined ? undefined : { reason: `mokapi ended (${exitReason})`, portTaken: false };
      },
    },
    Date.now() + (options.startTimeoutMs ?? 20_000),
  );
  if (failure) {
    await stop();
    return { failure, port, output: mokapi.output() };
  }
  const startupMs = Math.round(performance.now() - startedAt);
  const address = `${KAFKA_TEST_BROKER_HOST}:${port}`;
  options.logger?.log(
    `Kafka test broker: mokapi (pid ${mokapi.pid}) serves ${options.topics.length} topic(s) on ${address}, ready in ${startupMs} ms`,
  );
  return {
    broker: {
      brokers: [address],
      startupMs,
      stop: async () => {
        const first = stopping === undefined;
        await stop();
        if (first) options.logger?.log(`Kafka test broker: mokapi (pid ${mokapi.pid}) on ${address} stopped`);
      },
    },
  };
}

/**
 * Start a Kafka broker for tests and demos: mokapi (from the `go-mokapi` package) serving an AsyncAPI
 * document that declares `topics`, on 127.0.0.1. Resolves once the port accepts connections and a kafkajs
 * admin client lists every topic; the document lives in a temporary directory that `stop()` removes.
 *
 * When `KAFKA_BROKERS` is set (`host:port[,host:port...]`), starts nothing and returns those brokers with a
 * `stop()` that does nothing; the topics must then exist on that cluster (or be created automatically).
 *
 * @throws Error when the topics are invalid, no mokapi binary is installed, or the broker is not ready
 * within `startTimeoutMs`; the message holds mokapi's output.
 */
export async function startKafkaTestBroker(options: KafkaTestBrokerOptions): Promise<KafkaTestBroker> {
  const external = brokersFromEnvironment();
  if (external) {
    options.logger?.log(`Kafka test broker: ${KAFKA_BROKERS_ENV} is set, using ${external.join(',')}`);
    return { brokers: external, startupMs: 0, stop: async () => undefined };
  }
  const binaryPath = options.binaryPath ?? resolveMokapiBinary();
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  let last: Extract<AttemptResult, { failure: BrokerStartFailure }> | undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const result = await startOnPort(options, binaryPath, options.port ?? (await freePort()));
    if ('broker' in result) return result.broker;
    last = result;
    if (!result.failure.portTaken) break;
    options.logger?.log(`Kafka test broker: ${result.failure.reason}, attempt ${attempt} of ${attempts}`);
  }
  throw new Error(
    `The Kafka test broker (${binaryPath}) did not start on ${KAFKA_TEST_BROKER_HOST}:${last?.port}: ` +
      `${last?.failure.reason}.\nPotential solutions: pass another port, raise startTimeoutMs, or set ` +
      `${KAFKA_BROKERS_ENV} to a broker you run yourself.\nmokapi's output:\n${last?.output ?? ''}`,
  );
}
