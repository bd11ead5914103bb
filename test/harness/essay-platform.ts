import { freePorts } from './free-port.js';
import { startService } from './start-service.js';
import type { RunningService } from './start-service.js';

/** The gateway, the file service and the content service, wired to each other. */
export interface EssayPlatform {
  gateway: RunningService;
  fileService: RunningService;
  contentService: RunningService;
  /** Stop every service and wait for them to exit (their last spans are flushed). */
  stop(): Promise<void>;
}

/** How to start the platform. */
export interface EssayPlatformOptions {
  /** Kafka brokers for the file service (`KAFKA_BROKERS`): it then publishes `essay.uploaded`. Default: none. */
  kafkaBrokers?: readonly string[];
}

/** The services' tracing environment: OTLP/HTTP to `otlpEndpoint`, with a 100 ms batch delay. */
export function tracingEnv(otlpEndpoint: string): Record<string, string> {
  return { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/**
 * Start the three services at once on free ports, exporting spans over OTLP/HTTP to
 * `otlpEndpoint` with a 100 ms batch delay. If one fails to start, the others are stopped.
 */
export async function startEssayPlatform(
  otlpEndpoint: string,
  options: EssayPlatformOptions = {},
): Promise<EssayPlatform> {
  const [gatewayPort, filePort, contentPort] = await freePorts(3);
  const fileServiceUrl = `http://127.0.0.1:${filePort}`;
  const contentServiceUrl = `http://127.0.0.1:${contentPort}`;
  const tracing = tracingEnv(otlpEndpoint);
  const kafka: Record<string, string> = options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers.join(',') } : {};
  const started = await Promise.allSettled([
    startService('api-gateway', {
      port: gatewayPort,
      env: { ...tracing, FILE_SERVICE_URL: fileServiceUrl, CONTENT_SERVICE_URL: contentServiceUrl },
    }),
    startService('file-service', {
      port: filePort,
      env: { ...tracing, ...kafka, CONTENT_SERVICE_URL: contentServiceUrl },
    }),
    startService('content-service', { port: contentPort, env: tracing }),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((service) => service.stop()));
  };
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    await stop();
    throw failures[0];
  }
  const [gateway, fileService, contentService] = running;
  return { gateway, fileService, contentService, stop };
}
