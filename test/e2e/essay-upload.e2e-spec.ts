import { setTimeout as delay } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { collectTrace } from '../harness/collect-trace.js';
import { startEssayPlatform } from '../harness/essay-platform.js';
import type { EssayPlatform } from '../harness/essay-platform.js';
import {
  describeReceivedSpan,
  kindName,
  serviceName,
  traceShape,
  withSpanTreeOnFailure,
} from '../harness/received-span-tree.js';

/** Three processes to start and OTLP exports to wait for: far above a unit spec's 5 s. */
const E2E_TIMEOUT_MS = 120_000;
const TEACHER = { authorization: 'Bearer teacher-token', userId: 'user-teacher-1' };
const TEACHER_HEADERS = { authorization: TEACHER.authorization };
const ESSAY = {
  fileName: 'summer-holiday.txt',
  contentType: 'text/plain',
  text: 'My summer holiday was quiet.\r\n\r\n\r\nWe   read books by the river.',
};
const SERVER = 2;
const CLIENT = 3;

const UPLOAD_TRACE = [
  'api-gateway: POST /essays [SERVER]',
  '  api-gateway: gateway.route.authentication [INTERNAL]',
  '  api-gateway: gateway.route.upload_essay [INTERNAL]',
  '    api-gateway: resilience.file-service [INTERNAL]',
  '      api-gateway: POST [CLIENT]',
  '        file-service: POST /files [SERVER]',
  '          file-service: file.upload [INTERNAL]',
  '            file-service: file.upload.validate [INTERNAL]',
  '            file-service: file.upload.extract_text [INTERNAL]',
  '            file-service: resilience.content-store [INTERNAL]',
  '              file-service: POST [CLIENT]',
  '                content-service: POST /content [SERVER]',
  '                  content-service: content.store [INTERNAL]',
  '                    content-service: content.detect_type [INTERNAL]',
  '                    content-service: INSERT contents [CLIENT]',
];

const READ_MISSING_TRACE = [
  'api-gateway: GET /essays/:id [SERVER]',
  '  api-gateway: gateway.route.authentication [INTERNAL]',
  '  api-gateway: gateway.route.read_essay [INTERNAL]',
  '    api-gateway: resilience.content-service [INTERNAL]',
  '      api-gateway: GET [CLIENT]',
  '        content-service: GET /content/:id [SERVER]',
  '          content-service: content.retrieve [INTERNAL]',
  '            content-service: SELECT contents [CLIENT]',
];

const findSpan = (spans: readonly ReceivedSpan[], service: string, name: string, kind?: number) =>
  spans.find(
    (span) => serviceName(span) === service && span.name === name && (kind === undefined || span.kind === kind),
  );

/** How long a service's log line may take to reach us through its stdout pipe. */
const OUTPUT_TIMEOUT_MS = 10_000;

/** The first line of `service`'s output containing `text`, once it arrived, without Nest's colors. */
async function waitForOutputLine(service: { output(): string }, text: string): Promise<string> {
  const deadline = Date.now() + OUTPUT_TIMEOUT_MS;
  for (;;) {
    const line = stripVTControlCharacters(service.output())
      .split('\n')
      .find((candidate) => candidate.includes(text));
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`No line with "${text}" in the output:\n${service.output()}`);
    await delay(50);
  }
}

describe('essay upload through the gateway, the file service and the content service', () => {
  let receiver: OtlpTraceReceiver;
  let platform: EssayPlatform | undefined;

  beforeAll(async () => {
    receiver = await new OtlpTraceReceiver().start();
    platform = await startEssayPlatform(receiver.endpoint);
  }, E2E_TIMEOUT_MS);

  afterAll(async () => {
    await platform?.stop();
    await receiver?.stop();
  }, E2E_TIMEOUT_MS);

  it(
    'uploads an essay and records one trace across the three services',
    async () => {
      const response = await fetch(`${platform!.gateway.url}/essays`, {
        method: 'POST',
        headers: {
          authorization: TEACHER.authorization,
          'content-type': 'application/json',
          'x-correlation-id': 'corr-e2e-1',
        },
        body: JSON.stringify(ESSAY),
      });

      expect(response.status).toBe(201);
      const body = (await response.json()) as { essayId: string; fileId: string; contentId: string };
      expect(body).toEqual({
        essayId: expect.stringMatching(/^content-/),
        fileId: expect.stringMatching(/^file-/),
        contentId: body.essayId,
      });
      expect(response.headers.get('x-correlation-id')).toBe('corr-e2e-1');

      const trace = await collectTrace(
        receiver,
        (span) => span.name === 'gateway.route.upload_essay',
        UPLOAD_TRACE.length,
      );
      await withSpanTreeOnFailure(
        () => receiver.spans,
        () => {
          expect(traceShape(trace)).toEqual(UPLOAD_TRACE);
          const correlated = receiver.spans.filter((span) => span.attributes['correlation_id'] === 'corr-e2e-1');
          expect(new Set(correlated.map((span) => span.traceId)).size).toBe(1);
          const withoutCorrelation = trace.filter((span) => span.attributes['correlation_id'] !== 'corr-e2e-1');
          expect(withoutCorrelation.map(describeReceivedSpan)).toEqual([]);
          expect(trace.filter((span) => span.status.code !== 0).map(describeReceivedSpan)).toEqual([]);

          expect(findSpan(trace, 'api-gateway', 'POST /essays', SERVER)?.attributes).toMatchObject({
            'http.request.method': 'POST',
            'http.route': '/essays',
            'url.path': '/essays',
            'http.response.status_code': 201,
            'user.id': TEACHER.userId,
          });
          const gatewayOwnSpans = trace.filter((span) => serviceName(span) === 'api-gateway' && span.kind !== CLIENT);
          expect(Object.fromEntries(gatewayOwnSpans.map((span) => [span.name, span.attributes['user.id']]))).toEqual({
            'POST /essays': TEACHER.userId,
            'gateway.route.authentication': TEACHER.userId,
            'gateway.route.upload_essay': TEACHER.userId,
          });
          expect(findSpan(trace, 'api-gateway', 'gateway.route.upload_essay')?.attributes).toMatchObject({
            'essay.id': body.essayId,
            'file.id': body.fileId,
          });
          expect(findSpan(trace, 'file-service', 'POST /files', SERVER)?.attributes).toMatchObject({
            'http.route': '/files',
            'http.response.status_code': 201,
          });
          expect(findSpan(trace, 'file-service', 'file.upload')?.attributes).toMatchObject({
            'file.size': Buffer.byteLength(ESSAY.text),
            'file.type': 'text/plain',
            'storage.backend': 'content-service',
            'file.id': body.fileId,
            'content.id': body.contentId,
          });
          expect(findSpan(trace, 'content-service', 'POST /content', SERVER)?.attributes).toMatchObject({
            'http.route': '/content',
            'http.response.status_code': 201,
          });
          expect(findSpan(trace, 'content-service', 'content.store')?.attributes).toMatchObject({
            'content.id': body.contentId,
            'content.type': 'text/plain',
          });

          const healthSpans = receiver.spans.filter((span) =>
            [span.name, span.attributes['url.path'], span.attributes['http.route']].some((value) =>
              String(value).includes('/health'),
            ),
          );
          expect(healthSpans.map(describeReceivedSpan)).toEqual([]);
          const recordedValues = receiver.spans.flatMap((span) => Object.values(span.attributes).map(String));
          expect(recordedValues.filter((value) => value.includes('summer holiday') || value.includes('river'))).toEqual(
            [],
          );
        },
      );
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'answers 404 for an unknown essay end to end, without failing the gateway request span',
    async () => {
      const response = await fetch(`${platform!.gateway.url}/essays/content-missing`, {
        headers: { authorization: TEACHER.authorization, 'x-correlation-id': 'corr-e2e-2' },
      });

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        statusCode: 404,
        message: 'Content content-missing does not exist.',
      });

      const trace = await collectTrace(
        receiver,
        (span) => span.name === 'gateway.route.read_essay' && span.attributes['essay.id'] === 'content-missing',
        READ_MISSING_TRACE.length,
      );
      await withSpanTreeOnFailure(
        () => receiver.spans,
        () => {
          expect(traceShape(trace)).toEqual(READ_MISSING_TRACE);
          const gatewayServer = findSpan(trace, 'api-gateway', 'GET /essays/:id', SERVER);
          expect(gatewayServer?.attributes).toMatchObject({
            'http.request.method': 'GET',
            'http.route': '/essays/:id',
            'url.path': '/essays/content-missing',
            'http.response.status_code': 404,
            'user.id': TEACHER.userId,
            correlation_id: 'corr-e2e-2',
          });
          expect(gatewayServer?.status.code).toBe(0);
          const contentServer = findSpan(trace, 'content-service', 'GET /content/:id', SERVER);
          expect(contentServer?.attributes).toMatchObject({ 'http.response.status_code': 404 });
          expect(contentServer?.status.code).toBe(0);
          const retrieve = findSpan(trace, 'content-service', 'content.retrieve');
          expect(retrieve?.status.code).toBe(2);
          expect(retrieve?.attributes).toMatchObject({
            'content.id': 'content-missing',
            'error.type': 'ContentNotFoundError',
          });
          expect(trace.map((span) => [kindName(span), span.attributes['correlation_id']])).toEqual(
            trace.map((span) => [kindName(span), 'corr-e2e-2']),
          );
        },
      );
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "writes the gateway's log line of an upload with the upload's trace id, span id and correlation id",
    async () => {
      const response = await fetch(`${platform!.gateway.url}/essays`, {
        method: 'POST',
        headers: { ...TEACHER_HEADERS, 'content-type': 'application/json', 'x-correlation-id': 'corr-e2e-log' },
        body: JSON.stringify(ESSAY),
      });
      expect(response.status).toBe(201);
      const { essayId } = (await response.json()) as { essayId: string };
      const trace = await collectTrace(
        receiver,
        (span) => span.name === 'gateway.route.upload_essay' && span.attributes['essay.id'] === essayId,
        UPLOAD_TRACE.length,
      );
      const gatewaySpanIds = trace.filter((span) => serviceName(span) === 'api-gateway').map((span) => span.spanId);
      // the sample services log through TracedConsoleLogger (text mode)
      const line = await waitForOutputLine(platform!.gateway, `Essay ${essayId} uploaded`);
      expect(line).toMatch(
        new RegExp(
          ` LOG \\[EssaysController\\] Essay ${essayId} uploaded as file file-\\S+ ` +
            `trace_id=${trace[0].traceId} span_id=([0-9a-f]{16}) trace_flags=01 correlation_id=corr-e2e-log$`,
        ),
      );
      expect(gatewaySpanIds).toContain(/span_id=([0-9a-f]{16})/.exec(line)?.[1]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'flushes the last spans when the services stop, and never traces a health check',
    async () => {
      const { gateway, fileService, contentService } = platform!;
      for (const service of [gateway, fileService, contentService]) {
        expect((await fetch(`${service.url}/health`)).status).toBe(200);
      }
      const response = await fetch(`${gateway.url}/essays/content-last`, { headers: TEACHER_HEADERS });
      expect(response.status).toBe(404);

      await platform!.stop();

      await withSpanTreeOnFailure(
        () => receiver.spans,
        () => {
          const last = receiver.spans.find(
            (span) => span.name === 'gateway.route.read_essay' && span.attributes['essay.id'] === 'content-last',
          );
          const trace = receiver.spans.filter((span) => span.traceId === last?.traceId);
          expect(traceShape(trace)).toEqual(READ_MISSING_TRACE);
          const healthSpans = receiver.spans.filter((span) =>
            [span.name, span.attributes['url.path'], span.attributes['http.route']].some((value) =>
              String(value).includes('/health'),
            ),
          );
          expect(healthSpans.map(describeReceivedSpan)).toEqual([]);
        },
      );
    },
    E2E_TIMEOUT_MS,
  );
});
