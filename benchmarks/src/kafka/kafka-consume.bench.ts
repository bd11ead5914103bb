import 'reflect-metadata';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing, withCorrelationId } from '@huleedu/nest-tracing';
import { createEventEnvelope, traceKafkaHandler, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Message } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../versions.js';
import { argument } from '../micro/child-phase.js';
import { DiscardingSpanExporter } from '../micro/discarding.exporter.js';
import { calibrate } from '../macro/cpu-work.js';
import { consumeTopic, essayHandler, lastChecksum } from './consume-run.js';
import { VARIANTS, formatRounds, formatSummary, summarize } from './kafka-report.js';
import type { ConsumeVariant, RoundResult } from './kafka-report.js';

/**
 * Messages per second consumed with and without `@TraceKafka` (its function form, `traceKafkaHandler`)
 * from the same broker in one run: a mokapi broker (the one the specs use), N messages produced to four
 * topics (the same records; only their trace context differs, see `produce`), then each topic consumed
 * from the beginning by a fresh consumer group per round, the four variants interleaved, the order
 * rotating by one each round. The consumer's SDK samples 1 % of new traces (`sampling: { ratio: 0.01 }`),
 * parent-based: the `traced` variant's messages come from a sampled trace, so it records every message
 * as it did under the default sampler (a sampled remote parent goes to the same always-on sampler).
 * Usage: node kafka-consume.bench.js [--messages=N] [--rounds=N] [--warmup=N] [--batch=N] [--handler-work-us=N]
 */
const messages = Number(argument('messages') ?? 20_000);
/** 8: two full rotations of the four variants, so each runs in each position equally often. */
const rounds = Number(argument('rounds') ?? 8);
const warmupRounds = Number(argument('warmup') ?? 1);
const batchSize = Number(argument('batch') ?? 500);
/** Microseconds of CPU work per message on top of parsing (0: the parse and checksum only). */
const handlerWorkUs = Number(argument('handler-work-us') ?? 0);
const TOPICS: Record<ConsumeVariant, string> = {
  untraced: 'bench.essays.untraced',
  traced: 'bench.essays.traced',
  'traced-1pct': 'bench.essays.traced-1pct',
  'traced-sampled-out-parent': 'bench.essays.traced-sampled-out-parent',
};

const RESULTS = new URL(
  handlerWorkUs > 0 ? `kafka-work-${handlerWorkUs}us-latest.json` : 'kafka-latest.json',
  resultsDirectory(),
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

/** `active` under a remote parent span (a new trace per call) whose sampled flag is `flags`, as an upstream request's. */
function underRemoteParent(active: Context, flags: TraceFlags): Context {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return trace.setSpanContext(active, { traceId, spanId, traceFlags: flags, isRemote: true });
}

/**
 * The same records to the four topics; only their trace context differs:
 * - untraced and traced: from a traced producer inside a sampled upstream trace, so every message
 *   carries `traceparent` (flags 01, the PRODUCER span's), `baggage` and `correlation_id`;
 * - traced-sampled-out-parent: from the traced producer inside an upstream trace that was sampled
 *   out, so `traceparent` has flags 00 (with `baggage` and `correlation_id`);
 * - traced-1pct: from a producer that does not trace, with only the `correlation_id` header, so the
 *   consumer starts each trace and its 1 % ratio decides.
 */
async function produce(kafka: Kafka): Promise<void> {
  const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const producer = traceKafkaProducer(plain);
  await producer.connect();
  try {
    for (let from = 0; from < messages; from += batchSize) {
      // as a service publishes: inside a request's correlation context (one per batch here), so the
      // headers carry the correlation id and the envelopes repeat it
      const correlationId = `bench-batch-${from}`;
      await withCorrelationId(correlationId, async () => {
        const batch = essayMessages(from, Math.min(batchSize, messages - from));
        // each traced send is one PRODUCER span whose context every message of the batch carries
        await context.with(underRemoteParent(context.active(), TraceFlags.SAMPLED), async () => {
          for (const topic of [TOPICS.untraced, TOPICS.traced]) await producer.send({ topic, messages: batch });
        });
        await context.with(underRemoteParent(context.active(), TraceFlags.NONE), () =>
          producer.send({ topic: TOPICS['traced-sampled-out-parent'], messages: batch }),
        );
        const untracedBatch = batch.map((message) => ({ ...message, headers: { correlation_id: correlationId } }));
        await plain.send({ topic: TOPICS['traced-1pct'], messages: untracedBatch });
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The discarding exporter, counting spans by name too: the consumer's span name carries its topic. */
class NameCountingExporter extends DiscardingSpanExporter {
  readonly byName: Record<string, number> = {};

  override export(spans: ReadableSpan[], resultCallback: Parameters<DiscardingSpanExporter['export']>[1]): void {
    for (const span of spans) this.byName[span.name] = (this.byName[span.name] ?? 0) + 1;
    super.export(spans, resultCallback);
  }
}

async function main(): Promise<void> {
  const info = machineInfo();
  const versions = stackVersions([...CORE_PACKAGES, 'kafkajs']);
  out(`nest-tracing Kafka consumption benchmark: ${JSON.stringify(info)}`);
  out(`versions: ${formatVersions(versions)}`);
  out(`${messages} messages per topic, ${warmupRounds} warm-up + ${rounds} measured rounds, variants interleaved\n`);
  const exporter = new NameCountingExporter();
  // 1 % head sampling, parent-based (the default): what the traced-1pct variant measures; the others'
  // messages carry a parent, whose decision is followed
  const tracing = await startTracing({
    serviceName: 'bench-consumer',
    exporter,
    spanProcessor: 'batch',
    sampling: { ratio: 0.01 },
  });
  const broker = await startBroker();
  const runId = randomUUID().slice(0, 8);
  const kafka = new Kafka({ clientId: `kafka-bench-${runId}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const workIterations = handlerWorkUs > 0 ? calibrate(handlerWorkUs / 1000) : 0;
  if (handlerWorkUs > 0) out(`handler work: ${workIterations} iterations of the CPU loop (about ${handlerWorkUs} µs)`);
  const handleEssayMessage = essayHandler(workIterations);
  const handlers: Record<ConsumeVariant, typeof handleEssayMessage> = {
    untraced: handleEssayMessage,
    traced: traceKafkaHandler(handleEssayMessage),
    'traced-1pct': traceKafkaHandler(handleEssayMessage),
    'traced-sampled-out-parent': traceKafkaHandler(handleEssayMessage),
  };
  const results: RoundResult[] = [];
  try {
    const produceStart = performance.now();
    await produce(kafka);
    out(`produced ${messages} messages to each topic in ${((performance.now() - produceStart) / 1000).toFixed(1)} s`);
    for (let round = 1 - warmupRounds; round <= rounds; round += 1) {
      // the order rotates by one each round, so every variant runs in every position
      const shift = (((round + warmupRounds) % VARIANTS.length) + VARIANTS.length) % VARIANTS.length;
      const order: ConsumeVariant[] = [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
      for (const [position, variant] of order.entries()) {
        const groupId = `kafka-bench-${runId}-${variant}-round-${round + warmupRounds}`;
        const result = await consumeTopic(kafka, TOPICS[variant], groupId, messages, handlers[variant], 120_000);
        const label = round < 1 ? `warm-up ${round + warmupRounds}` : `round ${round}`;
        out(
          `  ${label} ${variant.padEnd(25)} ${Math.round(result.messagesPerSecond)} msg/s (${result.seconds.toFixed(2)} s)`,
        );
        if (round >= 1) results.push({ ...result, round, variant, position });
      }
    }
  } finally {
    await broker.stop();
  }
  await tracing.forceFlush();
  await tracing.shutdown();
  const summary = summarize(results);
  out(`\n${formatRounds(results)}\n\n${formatSummary(summary, messages, rounds)}`);
  out(`\nspans exported: ${exporter.exported} (checksum ${lastChecksum}), by name: ${JSON.stringify(exporter.byName)}`);
  const consumed = rounds + warmupRounds;
  out(
    `expected: ${consumed * messages} kafka.consume.${TOPICS.traced} (every message of every round), ` +
      `about ${(consumed * messages) / 100} kafka.consume.${TOPICS['traced-1pct']} (1 %), ` +
      `none for ${TOPICS['traced-sampled-out-parent']}`,
  );
  await mkdir(new URL('.', RESULTS), { recursive: true });
  const report = {
    benchmark: 'kafka-consume',
    machine: info,
    versions,
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
    spansByName: exporter.byName,
  };
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  out(`results written to ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
