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

/**
 * Start the three services at once on free ports, exporting spans over OTLP/HTTP to
 * `otlpEndpoint` with a 100 ms batch delay. If one fails to start, the others are stopped.
 */
export async function startEssayPlatform(otlpEndpoint: string): Promise<EssayPlatform> {
  const [gatewayPort, filePort, contentPort] = await freePorts(3);
  const fileServiceUrl = `http://127.0.0.1:${filePort}`;
  const contentServiceUrl = `http://127.0.0.1:${contentPort}`;
  const tracing = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const started = await Promise.allSettled([
    startService('api-gateway', {
      port: gatewayPort,
      env: { ...tracing, FILE_SERVICE_URL: fileServiceUrl, CONTENT_SERVICE_URL: contentServiceUrl },
    }),
    startService('file-service', { port: filePort, env: { ...tracing, CONTENT_SERVICE_URL: contentServiceUrl } }),
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
