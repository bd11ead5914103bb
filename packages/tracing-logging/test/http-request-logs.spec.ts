import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { Controller, Get, Logger, Param } from '@nestjs/common';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TracedConsoleLogger } from '../src/index.js';
import { tracedLoggerParams } from '../src/nestjs-pino.js';
import { captureProcessOutput, collectingStream } from './support/captured-output.js';
import type { CapturedLines } from './support/captured-output.js';

/** Starting or closing a Nest app with its HTTP server: far more than it takes on a loaded machine. */
const HOOK_TIMEOUT_MS = 30_000;

/** Logs through Nest's `Logger`, as application code does: the application's logger decides where it goes. */
@Controller('essays')
class EssaysController {
  private readonly logger = new Logger(EssaysController.name);

  @Get(':id')
  read(@Param('id') id: string): { id: string } {
    this.logger.log(`read essay ${id}`);
    return { id };
  }
}

interface RunningApp {
  app: INestApplication;
  url: string;
  spans: TestSpans;
}

/** A real HTTP app on 127.0.0.1 with server spans to the test store; `logger(app)` becomes its logger. */
async function startApp(imports: ModuleMetadata['imports'], logger: (app: INestApplication) => LoggerService) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TracingTestingModule.forRoot({ serviceName: 'api-gateway', http: { client: false } }),
      ...(imports ?? []),
    ],
    controllers: [EssaysController],
  }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(logger(app));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app, url, spans: app.get(TestSpans) } satisfies RunningApp;
}

/** GET /essays/:id with a correlation id; the request's SERVER span once it ended. */
async function readEssay({ url, spans }: RunningApp, id: string, correlationId: string): Promise<ReadableSpan> {
  const response = await fetch(`${url}/essays/${id}`, { headers: { 'x-correlation-id': correlationId } });
  expect(response.status).toBe(200);
  await spans.waitFor((all) => all.some((span) => span.kind === SpanKind.SERVER));
  return spans.find({ kind: SpanKind.SERVER })[0];
}

describe('log lines of an HTTP request carry its trace', () => {
  describe('nestjs-pino (LoggerModule.forRoot(tracedLoggerParams(...)), app.useLogger)', () => {
    let running: RunningApp;
    const output = collectingStream();

    beforeAll(async () => {
      const params = tracedLoggerParams({ pinoHttp: [{ base: undefined, timestamp: false }, output.stream] });
      running = await startApp([LoggerModule.forRoot(params)], (app) => app.get(PinoNestLogger));
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => running.app.close(), HOOK_TIMEOUT_MS);

    it("carries the request's trace id, a span id of that trace and the correlation id on the request's lines", async () => {
      const server = await readEssay(running, 'essay-7', 'corr-pino-http');
      const line = output.records().find((record) => record.msg === 'read essay essay-7');
      const traceSpanIds = running.spans
        .find({ traceId: server.spanContext().traceId })
        .map((s) => s.spanContext().spanId);
      expect(line).toMatchObject({
        context: 'EssaysController',
        trace_id: server.spanContext().traceId,
        trace_flags: '01',
        correlation_id: 'corr-pino-http',
      });
      expect(traceSpanIds).toContain(line?.span_id);
      // pino-http's own line at the end of the request carries the same trace
      const completed = output.records().find((record) => record.msg === 'request completed');
      expect(completed).toMatchObject({ trace_id: server.spanContext().traceId, correlation_id: 'corr-pino-http' });
    });

    it('leaves the start-up lines, written outside any request, without trace fields', () => {
      const startup = output
        .records()
        .filter((record) => record.req === undefined && record.msg !== 'read essay essay-7');
      expect(startup.length).toBeGreaterThan(0);
      for (const record of startup) expect(record).not.toHaveProperty('trace_id');
    });
  });

  describe("Nest's Logger through TracedConsoleLogger in JSON mode", () => {
    let running: RunningApp;
    let output: CapturedLines & { restore(): void };

    beforeAll(async () => {
      output = captureProcessOutput();
      running = await startApp([], () => new TracedConsoleLogger({ json: true }));
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await running.app.close();
      output.restore();
    }, HOOK_TIMEOUT_MS);

    it("carries the request's trace id and correlation id on the handler's line", async () => {
      const server = await readEssay(running, 'essay-8', 'corr-console-http');
      const line = output.records().find((record) => record.message === 'read essay essay-8');
      expect(line).toMatchObject({
        level: 'log',
        context: 'EssaysController',
        trace_id: server.spanContext().traceId,
        trace_flags: '01',
        correlation_id: 'corr-console-http',
      });
      const traceSpanIds = running.spans
        .find({ traceId: server.spanContext().traceId })
        .map((s) => s.spanContext().spanId);
      expect(traceSpanIds).toContain(line?.span_id);
    });
  });
});
