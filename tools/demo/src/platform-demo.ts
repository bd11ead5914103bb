/**
 * `npm run demo`, second part: one upload followed across HTTP and Kafka. Starts an OTLP receiver, the Kafka
 * test broker (mokapi from the `go-mokapi` package, or the cluster in `KAFKA_BROKERS`) and eight services as
 * separate processes (built `dist/main.js`, free ports on 127.0.0.1) exporting their spans to it: the API
 * gateway, file, content, essay lifecycle and spellchecker services (the essay pipeline) and the batch
 * orchestrator, CJ assessment and LLM provider services (the assessment side). Uploads an essay through the
 * gateway and publishes one `batch.registered` event, waits until the essay lifecycle's completion span and
 * the orchestrator's `batch.completed` span arrived, stops everything (SIGTERM: the services flush their spans
 * on the way out), prints both traces as cross-service trees, each with a summary line and the services' log
 * lines that carry its trace id (the samples log through `TracedConsoleLogger`), and writes them as a
 * self-contained HTML waterfall (tools/demo/out/traces.html, @huleedu/nest-tracing-viewer). Exits 1, with the
 * reason, if any step fails; never waits unbounded, and leaves no process behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { renderTraceViewerHtml } from '@huleedu/nest-tracing-viewer';
import type { KafkaTestBroker } from '../../kafka-broker/kafka-test-broker.js';
import { formatTrace, servicesOf, summarizeTrace } from './cross-service-tree.js';
import { publishBatchRegistered, startDemoBroker } from './demo-kafka.js';
import type { DemoBatch } from './demo-kafka.js';
import { expectedTraces, missingFromTraces, pipelinesFinished, traceOf } from './expected-traces.js';
import { describeResult, expectStatus, request } from './http-request.js';
import { freePorts, spawnService } from './service-process.js';
import type { ServiceProcess } from './service-process.js';
import { traceLogLines } from './trace-log-lines.js';

/** A user of sample-services/api-gateway/src/auth/bearer-tokens.ts. */
const BEARER_TOKEN = 'teacher-token';
const UPLOAD_CORRELATION_ID = 'demo-upload-1';
const BATCH_CORRELATION_ID = 'demo-batch-1';
/** The viewer page the demo writes (git-ignored): every span it received, as a waterfall per trace. */
const VIEWER_PAGE = resolve(import.meta.dirname, '../out/traces.html');
const ESSAY = {
  fileName: 'summer-holiday.txt',
  contentType: 'text/plain',
  text: 'My sumer holiday was quiet. We red books by the river.',
};
const BATCH: DemoBatch = {
  // New per run: on a real cluster (KAFKA_BROKERS) an older run's batch could still be in the topic.
  batch_id: `demo-batch-${randomUUID().slice(0, 8)}`,
  essays: [
    { essay_id: 'essay-a', text: 'Short.' },
    { essay_id: 'essay-b', text: 'A somewhat longer essay.' },
    { essay_id: 'essay-c', text: 'The longest essay of the three in this batch.' },
  ],
};

const READY_TIMEOUT_MS = 90_000;
/** From the upload and the batch event to the last span of their pipelines. */
const PIPELINE_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;
const SPANS_TIMEOUT_MS = 5_000;
const RECEIVER_STOP_TIMEOUT_MS = 2_000;
/** How much of each service's output a failure shows. */
const SERVICE_OUTPUT_CHARS = 2_000;
/** The whole demo: past this, the services and the broker are killed and the demo fails. */
const DEMO_TIMEOUT_MS = 180_000;
/** What the essay lifecycle and the spellchecker log once their consumer group joined. */
const LISTENING_ON_KAFKA = /listening on Kafka/;
/** What the three assessment services log once they consume. */
const CONSUMING = /consuming from/;

const EXPECTED = expectedTraces(BATCH.batch_id);
const finished = (spans: readonly ReceivedSpan[]): boolean => pipelinesFinished(EXPECTED, spans);
const missing = (spans: readonly ReceivedSpan[]): string[] => missingFromTraces(EXPECTED, spans);

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const services: ServiceProcess[] = [];
let broker: KafkaTestBroker | undefined;
const killAll = (): void => services.forEach((service) => service.kill());
// Whatever happens (an uncaught error, process.exit, Ctrl-C), no service outlives the demo; the broker's
// mokapi process is killed by its own exit handler (tools/kafka-broker/mokapi-process.ts).
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
const watchdog = setTimeout(() => {
  process.stderr.write(`platform demo failed: it did not finish within ${DEMO_TIMEOUT_MS} ms.\n`);
  process.exit(1);
}, DEMO_TIMEOUT_MS);

const startedAt = performance.now();
const elapsed = (): string => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const receiver = await new OtlpTraceReceiver().start();
try {
  print('nest-tracing demo: one upload through HTTP and Kafka, and one batch through the assessment services');
  print();

  broker = await startDemoBroker(print);
  const kafka = { KAFKA_BROKERS: broker.brokers.join(',') };
  const [gatewayPort, filePort, contentPort] = await freePorts(3);
  const fileServiceUrl = `http://127.0.0.1:${filePort}`;
  const contentServiceUrl = `http://127.0.0.1:${contentPort}`;
  const tracing = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    NO_COLOR: '1',
  };
  // Each service joins `services` as soon as it is spawned, so that any failure from here on stops it.
  const start = (name: string, options: { port?: number; env?: Record<string, string>; readyLine?: RegExp }) => {
    const service = spawnService(name, { ...options, env: { ...tracing, ...options.env } });
    services.push(service);
    return service;
  };
  const gateway = start('api-gateway', {
    port: gatewayPort,
    env: { FILE_SERVICE_URL: fileServiceUrl, CONTENT_SERVICE_URL: contentServiceUrl },
  });
  start('file-service', { port: filePort, env: { ...kafka, CONTENT_SERVICE_URL: contentServiceUrl } });
  start('content-service', { port: contentPort });
  start('essay-lifecycle-service', { env: kafka, readyLine: LISTENING_ON_KAFKA });
  start('spellchecker-service', { env: kafka, readyLine: LISTENING_ON_KAFKA });
  start('batch-orchestrator-service', { env: kafka, readyLine: CONSUMING });
  start('cj-assessment-service', { env: kafka, readyLine: CONSUMING });
  start('llm-provider-service', { env: kafka, readyLine: CONSUMING });
  await Promise.all(services.map((service) => service.waitUntilReady(READY_TIMEOUT_MS)));
  print(`Services ready after ${elapsed()}: ${services.map((service) => `${service.name} ${service.url}`).join(', ')}`);
  print(`Spans go over OTLP/HTTP to ${receiver.endpoint}`);
  print();

  const uploadLabel = EXPECTED[0].label;
  const upload = await request(`${gateway.url}/essays`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${BEARER_TOKEN}`,
      'content-type': 'application/json',
      'x-correlation-id': UPLOAD_CORRELATION_ID,
    },
    body: JSON.stringify(ESSAY),
  });
  print(describeResult(uploadLabel, upload));
  expectStatus(uploadLabel, upload, 201);
  await publishBatchRegistered(broker.brokers, BATCH, BATCH_CORRELATION_ID);
  print(`${EXPECTED[1].label} published (${BATCH.essays.length} essays, correlation_id ${BATCH_CORRELATION_ID})`);

  await receiver.waitFor(finished, PIPELINE_TIMEOUT_MS).catch(() => undefined);
  print(`Pipelines ${finished(receiver.spans) ? 'finished' : 'NOT finished'} after ${elapsed()}`);
  await Promise.all(services.map((service) => service.stop(KILL_AFTER_MS)));
  await receiver.waitFor((spans) => missing(spans).length === 0, SPANS_TIMEOUT_MS).catch(() => undefined);

  const traceIdsWithoutLogLines: string[] = [];
  for (const { label, anchor } of EXPECTED) {
    const trace = traceOf(receiver.spans, anchor);
    if (trace.length === 0) continue;
    print();
    print(`${label}:`);
    print(formatTrace(trace));
    print(summarizeTrace(trace));
    const logLines = traceLogLines(services, trace[0].traceId, servicesOf(trace));
    print(`${logLines.length} log lines carry trace_id=${trace[0].traceId}:`);
    for (const line of logLines) print(`  ${line}`);
    if (logLines.length === 0) traceIdsWithoutLogLines.push(`${label} (trace ${trace[0].traceId})`);
  }
  mkdirSync(resolve(VIEWER_PAGE, '..'), { recursive: true });
  writeFileSync(VIEWER_PAGE, renderTraceViewerHtml(receiver.spans, { title: 'nest-tracing demo' }));
  print();
  print(`Waterfall of every trace (open in a browser, no server needed): ${relative(process.cwd(), VIEWER_PAGE)}`);
  const stillMissing = missing(receiver.spans);
  if (stillMissing.length > 0) {
    throw new Error(
      `${stillMissing.join('; ')} did not arrive within ${PIPELINE_TIMEOUT_MS} ms of the upload ` +
        `(${receiver.spans.length} spans arrived in all).`,
    );
  }
  if (traceIdsWithoutLogLines.length > 0) {
    throw new Error(`no service log line carries the trace id of ${traceIdsWithoutLogLines.join('; ')}.`);
  }
  print();
  print(`Done in ${elapsed()}.`);
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`\nplatform demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const service of services) {
    // Nest's LOG lines only tell that the service started: the warnings and errors are what explains a failure.
    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '' && !/\bLOG\b/.test(line));
    const output = lines.join('\n').slice(-SERVICE_OUTPUT_CHARS);
    if (output) process.stderr.write(`\n--- ${service.name} output (without LOG lines) ---\n${output}\n`);
  }
} finally {
  await Promise.all(services.map((service) => service.stop(KILL_AFTER_MS)));
  await broker?.stop();
  await Promise.race([receiver.stop(), delay(RECEIVER_STOP_TIMEOUT_MS, undefined, { ref: false })]);
  // Not cleared: should anything still hold the process open, the watchdog ends it.
  watchdog.unref();
}
