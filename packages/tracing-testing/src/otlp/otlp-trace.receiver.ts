import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeOtlpTraces } from './decode-otlp-traces.js';
import type { ReceivedSpan } from './decode-otlp-traces.js';
import { decodeOtlpMetrics } from './decode-otlp-metrics.js';
import type { ReceivedMetricPoint } from './decode-otlp-metrics.js';
import { appendSpanLines } from '../spans-file.writer.js';

/** Options of {@link OtlpTraceReceiver}. */
export interface OtlpTraceReceiverOptions {
  /**
   * Answers the requests that are not OTLP trace exports (any path but `/v1/traces`), so that one port can
   * also serve something else (the trace viewer's page). Default: none; such requests get an empty 200.
   */
  otherRequests?: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * An OTLP/HTTP trace receiver on loopback for tests: services export to it for real (set
 * `OTEL_EXPORTER_OTLP_ENDPOINT` to `endpoint`) and the test reads what actually arrived, decoded.
 * Metrics sent to the same endpoint (`/v1/metrics`) are decoded into `metrics`.
 */
export class OtlpTraceReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Metric data points received on `/v1/metrics`, in arrival order (each export adds its points). */
  readonly metrics: ReceivedMetricPoint[] = [];
  requests = 0;
  private readonly listeners = new Set<() => void>();
  private server: Server | undefined;

  constructor(private readonly options: OtlpTraceReceiverOptions = {}) {}

  /** Listen on 127.0.0.1 (a free port unless given). */
  async start(port = 0): Promise<this> {
    const server = createServer((request, response) => this.receive(request, response));
    // A port in use rejects here (EADDRINUSE) instead of crashing the process with an unhandled 'error' event.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return this;
  }

  /** The base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends `/v1/traces`). */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('OtlpTraceReceiver: call start() first.');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Resolve with the received spans once `condition` holds; reject after `timeoutMs`. */
  waitFor(
    condition: number | ((spans: readonly ReceivedSpan[]) => boolean),
    timeoutMs = 10_000,
  ): Promise<ReceivedSpan[]> {
    const holds = (): boolean =>
      typeof condition === 'number' ? this.spans.length >= condition : condition(this.spans);
    if (holds()) return Promise.resolve([...this.spans]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `OtlpTraceReceiver: timed out after ${timeoutMs} ms; received: ${this.spans.map((s) => s.name).join(', ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      const check = (): void => {
        if (!holds()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve([...this.spans]);
      };
      this.listeners.add(check);
    });
  }

  /** Resolve with the received metric data points once `condition` holds; reject after `timeoutMs`. */
  async waitForMetrics(
    condition: (points: readonly ReceivedMetricPoint[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<ReceivedMetricPoint[]> {
    await this.waitFor(() => condition(this.metrics), timeoutMs).catch(() => {
      throw new Error(
        `OtlpTraceReceiver: timed out after ${timeoutMs} ms waiting for metrics; received: ${[...new Set(this.metrics.map((m) => m.name))].join(', ') || 'nothing'}`,
      );
    });
    return [...this.metrics];
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const otherRequests = this.options.otherRequests;
    const path = otherRequests ? new URL(request.url ?? '/', 'http://localhost').pathname : '';
    if (otherRequests && !path.endsWith('/v1/traces') && !path.endsWith('/v1/metrics')) {
      otherRequests(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests += 1;
      try {
        if (request.url?.endsWith('/v1/traces')) {
          const received = decodeOtlpTraces(Buffer.concat(chunks), request.headers['content-type']);
          this.spans.push(...received);
          // OTLP kinds count from 1 (internal); the SDK's from 0.
          appendSpanLines(
            received.map((span) => ({ ...span, kind: span.kind - 1, service: span.resource['service.name'] })),
          );
        }
        if (request.url?.endsWith('/v1/metrics'))
          this.metrics.push(...decodeOtlpMetrics(Buffer.concat(chunks), request.headers['content-type']));
        response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' }).end();
      } catch (error) {
        response.writeHead(400).end(String(error));
      }
      for (const listener of [...this.listeners]) listener();
    });
  }
}
