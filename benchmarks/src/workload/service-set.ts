import { createServer } from 'node:net';
import { startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';
import { schemaFor, urlWithSchema } from './workload-database.js';

/** With tracing (the services as they ship) or without (`OTEL_SDK_DISABLED=true`). */
export type Variant = 'untraced' | 'traced';

/** The topics of the essay pipeline (as in `test/harness/essay-pipeline.ts`). */
export const ESSAY_PIPELINE_TOPICS = ['essay.uploaded', 'essay.spellcheck.requested', 'essay.spellcheck.completed'];

/** What the Kafka services log once their consumer group is joined. */
const LISTENING_ON_KAFKA = /listening on Kafka/;

/** The five services of the upload path, started for one variant. */
export interface ServiceSet {
  readonly variant: Variant;
  readonly gatewayUrl: string;
  readonly services: readonly ServiceProcess[];
  stop(): Promise<void>;
}

export interface ServiceSetOptions {
  /** This set's own Kafka broker(s). */
  brokers: readonly string[];
  /** The PostgreSQL server; the set keeps its tables in its own schema (`schemaFor(variant)`). */
  databaseUrl: string;
  /** Where the traced set exports its spans (OTLP/HTTP protobuf). */
  otlpEndpoint: string;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * The services' environment. Both variants get the same OTLP settings (OpenTelemetry's defaults: a
 * 1 s batch delay, 512 spans per export); the untraced one adds `OTEL_SDK_DISABLED=true`, which
 * nest-tracing's `startTracing` and `TracingModule` honour: no provider, no propagator, no exporter,
 * and every decorator calls straight through. Nothing else differs.
 */
export function serviceEnv(variant: Variant, options: ServiceSetOptions): Record<string, string> {
  return {
    KAFKA_BROKERS: options.brokers.join(','),
    DATABASE_URL: urlWithSchema(options.databaseUrl, schemaFor(variant)),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    ...(variant === 'untraced' ? { OTEL_SDK_DISABLED: 'true' } : {}),
  };
}

/**
 * Start the gateway, the file, content, essay lifecycle and spellchecker services for `variant`, wired
 * to each other as `startEssayPipeline` of the end-to-end harness wires them, all at once. If one
 * fails to start, the others are stopped.
 */
export async function startServiceSet(variant: Variant, options: ServiceSetOptions): Promise<ServiceSet> {
  const [gatewayPort, filePort, contentPort] = await freePorts(3);
  const fileServiceUrl = `http://127.0.0.1:${filePort}`;
  const contentServiceUrl = `http://127.0.0.1:${contentPort}`;
  const env = serviceEnv(variant, options);
  const started = await Promise.allSettled([
    startServiceProcess('api-gateway', {
      port: gatewayPort,
      env: { ...env, FILE_SERVICE_URL: fileServiceUrl, CONTENT_SERVICE_URL: contentServiceUrl },
    }),
    startServiceProcess('file-service', { port: filePort, env: { ...env, CONTENT_SERVICE_URL: contentServiceUrl } }),
    startServiceProcess('content-service', { port: contentPort, env }),
    startServiceProcess('essay-lifecycle-service', { env, readyLine: LISTENING_ON_KAFKA }),
    startServiceProcess('spellchecker-service', { env, readyLine: LISTENING_ON_KAFKA }),
  ]);
  const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(services.map((service) => service.stop()));
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return { variant, gatewayUrl: services[0].url, services, stop };
}
