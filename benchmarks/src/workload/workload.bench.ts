import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { machineInfo } from '../machine-info.js';
import { argument } from '../micro/child-phase.js';
import type { TrackedProcess } from './cpu-accounting.js';
import { KafkaLongPollProxy } from './kafka-long-poll.proxy.js';
import { OtlpSpanCounter } from './otlp-span-counter.js';
import { ROOT_DIR } from './service-process.js';
import { ESSAY_PIPELINE_TOPICS, startServiceSet } from './service-set.js';
import type { ServiceSet, Variant } from './service-set.js';
import { CompletionListener, installCompletionTrigger, recreateSchemas, schemaFor } from './workload-database.js';
import { formatSummary, roundJson, summarize } from './workload-report.js';
import { calibrate, runRounds, warmUp } from './workload-rounds.js';
import type { RoundsContext, RoundsOptions } from './workload-rounds.js';

/**
 * The essay platform's upload path end to end, traced against untraced: gateway → file → content over
 * HTTP, the essay lifecycle and spellchecker over Kafka, PostgreSQL through TypeORM. Two sets of the
 * five sample services run side by side, each with its own Kafka broker and PostgreSQL schema (the
 * services' topics and consumer groups are fixed names); uploads go through one gateway at a time
 * in interleaved rounds. See benchmarks/docs/workload.md.
 * Usage: node workload.bench.js [--rounds=N] [--uploads=N] [--concurrency=N] [--warmup=N] [--round-warmup=N]
 *   [--long-poll=false] (the services talk to mokapi directly, whose fetches do not wait: see KafkaLongPollProxy)
 */
const options: RoundsOptions = {
  rounds: Number(argument('rounds') ?? 8),
  uploads: Number(argument('uploads') ?? 300),
  concurrency: Number(argument('concurrency') ?? 6),
  warmup: Number(argument('warmup') ?? 150),
  roundWarmup: Number(argument('round-warmup') ?? 20),
};
const longPoll = argument('long-poll') !== 'false';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RESULTS = new URL('../../results/workload-latest.json', import.meta.url);
const VARIANTS: readonly Variant[] = ['untraced', 'traced'];
const VERSIONED = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@nestjs/core',
  'kafkajs',
  'typeorm',
  'pg',
  'go-mokapi',
];

const out = (text: string): boolean => process.stdout.write(`${text}\n`);
const channelFor = (variant: Variant): string => `workload_done_${variant}`;

async function versions(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    VERSIONED.map(async (name) => {
      const json = await readFile(`${ROOT_DIR}node_modules/${name}/package.json`, 'utf8').catch(() => '{}');
      return [name, (JSON.parse(json) as { version?: string }).version ?? 'not installed'];
    }),
  );
  return { node: process.version, ...Object.fromEntries(entries) };
}

async function startBroker(label: string, tracked: TrackedProcess[]): Promise<KafkaTestBroker> {
  const module = (await import(new URL('../kafka-broker/kafka-test-broker.js', import.meta.url).href)) as {
    startKafkaTestBroker: typeof import('../../../tools/kafka-broker/kafka-test-broker.js').startKafkaTestBroker;
  };
  const logger = {
    log: (line: string) => {
      const pid = /mokapi \(pid (\d+)\) serves/.exec(line)?.[1];
      if (pid) tracked.push({ label, pid: Number(pid) });
    },
  };
  return module.startKafkaTestBroker({ topics: ESSAY_PIPELINE_TOPICS, logger });
}

async function main(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    throw new Error('The workload benchmark starts a Kafka broker per service set; unset KAFKA_BROKERS.');
  }
  const startedAt = Date.now();
  const info: Record<string, unknown> = {
    ...machineInfo(),
    loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
  out(`nest-tracing workload benchmark (essay upload path): ${JSON.stringify(info)}`);
  out(
    `${options.rounds} rounds per variant of ${options.uploads} uploads (${options.roundWarmup} unmeasured before each), ` +
      `${options.concurrency} in flight, ${options.warmup} warm-up uploads per set; PostgreSQL ${databaseUrl}; ` +
      `Kafka ${longPoll ? 'through the long-poll proxy' : 'direct to mokapi'}`,
  );
  const tracked: TrackedProcess[] = [];
  const counter = await new OtlpSpanCounter().start();
  const postgres = await recreateSchemas(databaseUrl, VARIANTS.map(schemaFor));
  const completions = await CompletionListener.open(databaseUrl, VARIANTS.map(channelFor));
  const brokers: KafkaTestBroker[] = [];
  const proxies: Partial<Record<Variant, KafkaLongPollProxy>> = {};
  const sets: Partial<Record<Variant, ServiceSet>> = {};
  try {
    const startup: Record<string, number> = {};
    for (const variant of VARIANTS) {
      const started = performance.now();
      const broker = await startBroker(`${variant} broker`, tracked);
      brokers.push(broker);
      const proxy = longPoll
        ? await new KafkaLongPollProxy(Number(broker.brokers[0].split(':')[1])).start()
        : undefined;
      proxies[variant] = proxy;
      const kafkaBrokers = proxy ? [proxy.address] : broker.brokers;
      const set = await startServiceSet(variant, {
        brokers: kafkaBrokers,
        databaseUrl,
        otlpEndpoint: counter.endpoint,
      });
      sets[variant] = set;
      for (const service of set.services) tracked.push({ label: `${variant} ${service.name}`, pid: service.pid });
      await installCompletionTrigger(databaseUrl, schemaFor(variant), channelFor(variant));
      startup[variant] = Math.round(performance.now() - started);
      out(
        `  ${variant} set ready in ${(startup[variant] / 1000).toFixed(1)} s: gateway ${set.gatewayUrl}, Kafka ${kafkaBrokers.join(',')}${proxy ? ` (long-poll proxy to ${broker.brokers.join(',')})` : ''}`,
      );
    }
    const context: RoundsContext = {
      sets: sets as Record<Variant, ServiceSet>,
      completions,
      counter,
      tracked,
      tracedTraceIds: new Set(),
      log: out,
    };
    await warmUp(context, options.warmup, options.concurrency);
    const calibration = await calibrate(context);
    out(`  calibration: one traced upload delivers ${calibration.spansPerUpload} spans`);
    const records = await runRounds(context, options, calibration);
    await Promise.all(Object.values(sets).map((set) => set.stop()));
    const tracedUploads = context.tracedTraceIds.size;
    const inUploads = counter.spansOfAll(context.tracedTraceIds);
    const stray = counter.totalSpans - inUploads;
    const summary = summarize(records);
    out('\nSummary');
    for (const line of formatSummary(summary)) out(line);
    out(
      `  receiver: ${counter.totalSpans} spans in ${counter.requests} OTLP requests (${counter.refused} refused), ` +
        `${stray} outside the uploads' traces, ${(counter.readingCpuMicros / 1000).toFixed(0)} ms CPU reading them; ` +
        `all ${tracedUploads} traced uploads (warm-ups included): ${inUploads} of ${tracedUploads * calibration.spansPerUpload} spans`,
    );
    info.loadAverageAtEnd = os.loadavg().map((v) => Number(v.toFixed(2)));
    info.postgres = postgres;
    const durationSeconds = Math.round((Date.now() - startedAt) / 1000);
    info.durationSeconds = durationSeconds;
    const json = {
      benchmark: 'workload',
      machine: info,
      versions: await versions(),
      options: {
        ...options,
        longPoll,
        databaseUrl,
        exporter: 'OTLP/HTTP protobuf, batch (1 s delay, OpenTelemetry defaults)',
      },
      startupMs: startup,
      calibration,
      receiver: {
        spans: counter.totalSpans,
        requests: counter.requests,
        refused: counter.refused,
        stray,
        tracedUploads,
        tracedUploadSpans: { expected: tracedUploads * calibration.spansPerUpload, received: inUploads },
        readingCpuMs: Math.round(counter.readingCpuMicros / 1000),
      },
      kafkaLongPoll: Object.fromEntries(VARIANTS.map((variant) => [variant, proxies[variant]?.stats ?? null])),
      summary,
      rounds: records.map(roundJson),
    };
    await mkdir(new URL('.', RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
    out(`\nwrote ${RESULTS.pathname} (${durationSeconds} s in all)`);
  } finally {
    await Promise.all(Object.values(sets).map((set) => set.stop()));
    await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
    await Promise.all(brokers.map((broker) => broker.stop()));
    await completions.close();
    await counter.stop();
  }
}

await main();
