import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { walkOtlpSpans } from './otlp-span-walker.js';
import type { WalkedSpan } from './otlp-span-walker.js';

/** CPU time of this thread (Node.js 23.9+), else of the whole process, in microseconds. */
function threadCpuMicros(): number {
  const usage = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * An OTLP/HTTP trace receiver on loopback that counts what arrives: spans per trace id, and, for the
 * traces it is asked to `describe`, each span's service, name, start and end. The services export to it for
 * real (OTLP/HTTP protobuf, `OTEL_EXPORTER_OTLP_ENDPOINT`); it reads the wire format with
 * `walkOtlpSpans` instead of decoding whole spans (as `OtlpTraceReceiver` of nest-tracing-testing
 * does), so the receiver's own CPU stays small on a machine it shares with the services.
 */
export class OtlpSpanCounter {
  /** Spans received in all. */
  totalSpans = 0;
  /** Export requests received. */
  requests = 0;
  /** Requests refused (not protobuf, or not a valid export). */
  refused = 0;
  /** CPU time this thread spent reading and counting the exports, in microseconds. */
  readingCpuMicros = 0;
  private readonly perTrace = new Map<string, number>();
  private readonly described = new Map<string, WalkedSpan[]>();
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.receive(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends `/v1/traces`). */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('OtlpSpanCounter: call start() first.');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Spans received so far with this trace id. */
  spansOf(traceId: string): number {
    return this.perTrace.get(traceId) ?? 0;
  }

  /** Spans received so far in all of these traces. */
  spansOfAll(traceIds: Iterable<string>): number {
    let sum = 0;
    for (const traceId of traceIds) sum += this.spansOf(traceId);
    return sum;
  }

  /** From now on, keep each span of this trace that arrives (see `description` and `describedSpans`). */
  describe(traceId: string): void {
    this.described.set(traceId, []);
  }

  /** The `service span-name` lines of a trace given to `describe`, in the order they arrived. */
  description(traceId: string): string[] {
    return this.describedSpans(traceId).map((span) => `${span.service} ${span.name}`);
  }

  /** The spans of a trace given to `describe`, in the order they arrived. */
  describedSpans(traceId: string): WalkedSpan[] {
    return [...(this.described.get(traceId) ?? [])];
  }

  /**
   * Wait until `count()` reaches `expected`, or stops growing for `quietMs`, or `timeoutMs` passes;
   * resolves with the last count.
   */
  async settle(count: () => number, expected: number, quietMs: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = count();
    let lastChange = Date.now();
    while (last < expected && Date.now() < deadline && Date.now() - lastChange < quietMs) {
      await sleep(50);
      const now = count();
      if (now !== last) lastChange = Date.now();
      last = now;
    }
    return last;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests += 1;
      const contentType = request.headers['content-type'] ?? '';
      if (!request.url?.endsWith('/v1/traces') || !contentType.startsWith('application/x-protobuf')) {
        this.refused += 1;
        response.writeHead(415).end(`expected OTLP/HTTP protobuf on /v1/traces, got ${contentType}`);
        return;
      }
      const started = threadCpuMicros();
      try {
        this.count(walkOtlpSpans(Buffer.concat(chunks)));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (error) {
        this.refused += 1;
        response.writeHead(400).end(String(error));
      }
      this.readingCpuMicros += threadCpuMicros() - started;
    });
  }

  private count(spans: readonly WalkedSpan[]): void {
    this.totalSpans += spans.length;
    for (const span of spans) {
      this.perTrace.set(span.traceId, (this.perTrace.get(span.traceId) ?? 0) + 1);
      this.described.get(span.traceId)?.push(span);
    }
  }
}
