import 'reflect-metadata';
import { startTracing, withCorrelationId } from '@huleedu/nest-tracing';
import { createEventEnvelope, traceKafkaHandler, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { machineInfo } from '../machine-info.js';
import { argument } from '../micro/child-phase.js';
import { DiscardingSpanExporter } from '../micro/discarding.exporter.js';
import { calibrate } from '../macro/cpu-work.js';
import { consumeTopic, essayHandler, lastChecksum } from './consume-run.js';
import { formatRounds, formatSummary, summarize } from './kafka-report.js';
import type { ConsumeVariant, RoundResult } from './kafka-report.js';

/**
 * Messages per second consumed with and without `@TraceKafka` (its function form, `traceKafkaHandler`)
 * from the same broker in one run: a mokapi broker (the one the specs use), N messages produced with a
 * traced producer to two identical topics, then each topic consumed from the beginning by a fresh
 * consumer group per round, the two variants interleaved and alternating which goes first.
 * Usage: node kafka-consume.bench.js [--messages=N] [--rounds=N] [--warmup=N] [--batch=N]
 */
const messages = Number(argument('messages') ?? 20_000);
const rounds = Number(argument('rounds') ?? 6);
const warmupRounds = Number(argument('warmup') ?? 1);
const batchSize = Number(argument('batch') ?? 500);
/** Microseconds of CPU work per message on top of parsing (0: the parse and checksum only). */
const handlerWorkUs = Number(argument('handler-work-us') ?? 0);
const TOPICS: Record<ConsumeVariant, string> = { untraced: 'bench.essays.untraced', traced: 'bench.essays.traced' };

const RESULTS = new URL(
  handlerWorkUs > 0 ? `../../results/kafka-work-${handlerWorkUs}us-latest.json` : '../../results/kafka-latest.json',
  import.meta.url,
);

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

/**
 * `tools/kafka-broker` is compiled into `dist/kafka-broker` by the project reference in tsconfig.json
 * (`src/kafka/tsconfig.kafka-broker.json`); its types come from the sources, its code from there.
 */
async function startBroker(): Promise<KafkaTestBroker> {
  const module = (await import(new URL('../kafka-broker/kafka-test-broker.js', import.meta.url).href)) as {
    startKafkaTestBroker: typeof import('../../../tools/kafka-broker/kafka-test-broker.js').startKafkaTestBroker;
  };
  return module.startKafkaTestBroker({ topics: Object.values(TOPICS), logger: { log: out } });
}

function essayMessages(from: number, count: number): Message[] {
  return Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    const envelope = createEventEnvelope(
      'essay.submitted',
      { essayId: `essay-${index}`, text: `Essay ${index}: the students read the book and wrote about it.` },
      { sourceService: 'bench-producer' },
    );
    return { key: envelope.data.essayId, value: JSON.stringify(envelope) };
  });
}

async function produce(kafka: Kafka): Promise<void> {
  const producer = traceKafkaProducer(kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner }));
  await producer.connect();
  try {
    for (let from = 0; from < messages; from += batchSize) {
      // as a service publishes: inside a request's correlation context (one per batch here), so the
      // headers carry the correlation id and the envelopes repeat it
      await withCorrelationId(`bench-batch-${from}`, async () => {
        const batch = essayMessages(from, Math.min(batchSize, messages - from));
        // the same records to both topics; each send is one PRODUCER span whose context every message carries
        for (const topic of Object.values(TOPICS)) await producer.send({ topic, messages: batch });
      });
    }
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  const info = machineInfo();
  out(`nest-tracing Kafka consumption benchmark: ${JSON.stringify(info)}`);
  out(`${messages} messages per topic, ${warmupRounds} warm-up + ${rounds} measured rounds, variants interleaved\n`);
  const exporter = new DiscardingSpanExporter();
  const tracing = await startTracing({ serviceName: 'bench-consumer', exporter, spanProcessor: 'batch' });
  const broker = await startBroker();
  const runId = randomUUID().slice(0, 8);
  const kafka = new Kafka({ clientId: `kafka-bench-${runId}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const workIterations = handlerWorkUs > 0 ? calibrate(handlerWorkUs / 1000) : 0;
  if (handlerWorkUs > 0) out(`handler work: ${workIterations} iterations of the CPU loop (about ${handlerWorkUs} µs)`);
  const handleEssayMessage = essayHandler(workIterations);
  const handlers: Record<ConsumeVariant, typeof handleEssayMessage> = {
    untraced: handleEssayMessage,
    traced: traceKafkaHandler(handleEssayMessage),
  };
  const results: RoundResult[] = [];
  try {
    const produceStart = performance.now();
    await produce(kafka);
    out(`produced ${messages} messages to each topic in ${((performance.now() - produceStart) / 1000).toFixed(1)} s`);
    for (let round = 1 - warmupRounds; round <= rounds; round += 1) {
      const order: ConsumeVariant[] = round % 2 === 0 ? ['traced', 'untraced'] : ['untraced', 'traced'];
      for (const [position, variant] of order.entries()) {
        const groupId = `kafka-bench-${runId}-${variant}-round-${round + warmupRounds}`;
        const result = await consumeTopic(kafka, TOPICS[variant], groupId, messages, handlers[variant], 120_000);
        const label = round < 1 ? `warm-up ${round + warmupRounds}` : `round ${round}`;
        out(
          `  ${label} ${variant.padEnd(8)} ${Math.round(result.messagesPerSecond)} msg/s (${result.seconds.toFixed(2)} s)`,
        );
        if (round >= 1) results.push({ ...result, round, variant, first: position === 0 });
      }
    }
  } finally {
    await broker.stop();
  }
  await tracing.forceFlush();
  await tracing.shutdown();
  const summary = summarize(results);
  out(`\n${formatRounds(results)}\n\n${formatSummary(summary, messages, rounds)}`);
  out(`\nspans exported: ${exporter.exported} (checksum ${lastChecksum})`);
  await mkdir(new URL('.', RESULTS), { recursive: true });
  const report = {
    benchmark: 'kafka-consume',
    machine: info,
    settings: {
      messages,
      rounds,
      warmupRounds,
      batchSize,
      handlerWorkUs,
      workIterations,
      topics: TOPICS,
      startupMs: broker.startupMs,
    },
    summary,
    rounds: results,
    spansExported: exporter.exported,
  };
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  out(`results written to ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
