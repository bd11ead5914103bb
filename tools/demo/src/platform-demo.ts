/**
 * `npm run demo`, second part: one request followed across the HTTP services. Starts an OTLP receiver and
 * the API gateway, the file service and the content service as separate processes (built `dist/main.js`,
 * free ports on 127.0.0.1) exporting their spans to it, uploads an essay through the gateway and reads it
 * back, stops the services (SIGTERM: they flush their spans on the way out) and prints what arrived as
 * one cross-service tree per trace. Exits 1, with the reason, if any step fails; never waits unbounded.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { formatTrace, groupByTrace, serviceName, servicesOf } from './cross-service-tree.js';
import { freePorts, spawnService } from './service-process.js';
import type { ServiceProcess } from './service-process.js';

/** A user of sample-services/api-gateway/src/auth/bearer-tokens.ts. */
const BEARER_TOKEN = 'teacher-token';
const CORRELATION_ID = 'demo-upload-1';
const ESSAY = {
  fileName: 'summer-holiday.txt',
  contentType: 'text/plain',
  text: 'My summer holiday was quiet. We read books by the river.',
};

const HEALTH_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KILL_AFTER_MS = 5_000;
const SPANS_TIMEOUT_MS = 5_000;
const RECEIVER_STOP_TIMEOUT_MS = 2_000;
/** How much of each service's output a failure shows. */
const SERVICE_OUTPUT_CHARS = 2_000;
/** The whole demo: past this, the services are killed and the demo fails. */
const DEMO_TIMEOUT_MS = 60_000;

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

interface HttpResult {
  status: number;
  statusText: string;
  correlationId: string | null;
  body: unknown;
}

async function request(url: string, init: RequestInit): Promise<HttpResult> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return {
    status: response.status,
    statusText: response.statusText,
    correlationId: response.headers.get('x-correlation-id'),
    body,
  };
}

function printResult(label: string, result: HttpResult): void {
  print(`${label} -> ${result.status} ${result.statusText}  x-correlation-id: ${result.correlationId ?? '(none)'}`);
  print(`  ${JSON.stringify(result.body)}`);
}

function expectStatus(label: string, result: HttpResult, status: number): void {
  if (result.status !== status) {
    throw new Error(`${label} answered ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`);
  }
}

/** A trace is complete when it has its root span and every other span's parent arrived too. */
function isComplete(trace: readonly ReceivedSpan[]): boolean {
  const ids = new Set(trace.map((span) => span.spanId));
  return (
    trace.some((span) => span.parentSpanId === '') &&
    trace.every((span) => span.parentSpanId === '' || ids.has(span.parentSpanId))
  );
}

/** The trace holding the first span `isAnchor` picks (empty if none arrived). */
function traceOf(spans: readonly ReceivedSpan[], isAnchor: (span: ReceivedSpan) => boolean): ReceivedSpan[] {
  const anchor = spans.find(isAnchor);
  return anchor ? spans.filter((span) => span.traceId === anchor.traceId) : [];
}

const services: ServiceProcess[] = [];
const killAll = (): void => services.forEach((service) => service.kill());
// Whatever happens (an uncaught error, process.exit), no service outlives the demo.
process.on('exit', killAll);
const watchdog = setTimeout(() => {
  process.stderr.write(`platform demo failed: it did not finish within ${DEMO_TIMEOUT_MS} ms.\n`);
  killAll();
  process.exit(1);
}, DEMO_TIMEOUT_MS);

const receiver = await new OtlpTraceReceiver().start();
try {
  print('nest-tracing demo: one request across api-gateway, file-service and content-service');
  print();

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
  const start = (name: string, port: number, env: Record<string, string>): ServiceProcess => {
    const service = spawnService(name, port, { ...tracing, ...env });
    services.push(service);
    return service;
  };
  const gateway = start('api-gateway', gatewayPort, {
    FILE_SERVICE_URL: fileServiceUrl,
    CONTENT_SERVICE_URL: contentServiceUrl,
  });
  start('file-service', filePort, { CONTENT_SERVICE_URL: contentServiceUrl });
  start('content-service', contentPort, {});
  await Promise.all(services.map((service) => service.waitUntilHealthy(HEALTH_TIMEOUT_MS)));
  print(`Services: ${services.map((service) => `${service.name} ${service.url}`).join(', ')}`);
  print(`Spans go over OTLP/HTTP to ${receiver.endpoint}`);
  print();

  const uploadLabel = 'POST /essays';
  const upload = await request(`${gateway.url}/essays`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${BEARER_TOKEN}`,
      'content-type': 'application/json',
      'x-correlation-id': CORRELATION_ID,
    },
    body: JSON.stringify(ESSAY),
  });
  printResult(uploadLabel, upload);
  expectStatus(uploadLabel, upload, 201);
  const { contentId } = upload.body as { contentId?: unknown };
  if (typeof contentId !== 'string') throw new Error(`${uploadLabel} answered no content id.`);

  const readLabel = `GET /essays/${contentId}`;
  const read = await request(`${gateway.url}/essays/${encodeURIComponent(contentId)}`, {
    headers: { authorization: `Bearer ${BEARER_TOKEN}` },
  });
  printResult(readLabel, read);
  expectStatus(readLabel, read, 200);
  if ((read.body as { text?: unknown }).text !== ESSAY.text) {
    throw new Error(`${readLabel} did not answer the uploaded text.`);
  }

  await Promise.all(services.map((service) => service.stop(KILL_AFTER_MS)));

  const expected = [
    {
      label: uploadLabel,
      anchor: (span: ReceivedSpan) => span.attributes['correlation_id'] === CORRELATION_ID,
      services: ['api-gateway', 'file-service', 'content-service'],
    },
    {
      label: readLabel,
      anchor: (span: ReceivedSpan) =>
        span.name === 'gateway.route.read_essay' && span.attributes['essay.id'] === contentId,
      services: ['api-gateway', 'content-service'],
    },
  ];
  /** What is still missing from the two requests' traces, or nothing once both arrived whole. */
  const missing = (spans: readonly ReceivedSpan[]): string[] =>
    expected.flatMap(({ label, anchor, services: names }) => {
      const trace = traceOf(spans, anchor);
      if (trace.length === 0) return [`the trace of ${label}`];
      const absent = names.filter((name) => !trace.some((span) => serviceName(span) === name));
      if (absent.length > 0) return [`the ${absent.join(' and ')} spans of ${label}`];
      return isComplete(trace) ? [] : [`some spans of ${label} (a parent span is missing)`];
    });
  await receiver.waitFor((spans) => missing(spans).length === 0, SPANS_TIMEOUT_MS).catch(() => undefined);

  print();
  print(`Spans received (${receiver.spans.length}), one tree per trace:`);
  for (const trace of groupByTrace(receiver.spans)) {
    print();
    print(`trace ${trace[0].traceId}: ${trace.length} spans from ${servicesOf(trace).join(', ')}`);
    print(formatTrace(trace));
  }
  const stillMissing = missing(receiver.spans);
  if (stillMissing.length > 0) {
    throw new Error(
      `${stillMissing.join('; ')} did not arrive within ${SPANS_TIMEOUT_MS} ms after the services stopped.`,
    );
  }
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
  await Promise.race([receiver.stop(), delay(RECEIVER_STOP_TIMEOUT_MS, undefined, { ref: false })]);
  // Not cleared: should anything still hold the process open, the watchdog ends it.
  watchdog.unref();
}
