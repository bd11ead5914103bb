import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { AppModule } from '../app.module.js';

const ESSAY = {
  fileName: 'holiday.md',
  contentType: 'text/markdown',
  text: '# Holiday\n\nWe read books by the river.',
};
const STORED = { contentId: 'content-1', contentType: 'text/markdown', size: 38, text: ESSAY.text };
const TEACHER = { authorization: 'Bearer teacher-token' };
/** Starting or closing the upstream stand-in and the gateway's HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;
/** How long `afterEach` waits for a request's spans to end after its response arrived: ample on a loaded machine. */
const SPAN_SETTLE_MS = 10_000;

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

interface UpstreamRequest {
  method: string;
  url: string;
  body: unknown;
}

/**
 * A real HTTP server standing in for the file service (`POST /files`) and the content service
 * (`GET /content/:id`, which knows `content-1` only). `reply` overrides the next answers.
 */
class UpstreamStandIn {
  readonly requests: UpstreamRequest[] = [];
  reply: { status: number; body: unknown } | undefined;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const { method = '', url = '' } = request;
      this.requests.push({ method, url, body: text ? JSON.parse(text) : undefined });
      const { status, body } = this.reply ?? this.answer(method, url);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, url: string): { status: number; body: unknown } {
    if (method === 'POST' && url === '/files')
      return { status: 201, body: { fileId: 'file-1', contentId: 'content-1' } };
    if (method === 'GET' && url === '/content/content-1') return { status: 200, body: STORED };
    const id = decodeURIComponent(url.replace('/content/', ''));
    return { status: 404, body: { statusCode: 404, message: `Content ${id} does not exist.`, error: 'Not Found' } };
  }
}

const upstream = new UpstreamStandIn();
const savedEnv = { fileService: process.env.FILE_SERVICE_URL, contentService: process.env.CONTENT_SERVICE_URL };
let app: INestApplication;
let gatewayUrl: string;
let spans: TestSpans;

/** One request to the gateway with `node:http` (no connection reuse), JSON in and out. */
function call(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}) {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise<Exchange>((resolve, reject) => {
    const request = httpRequest(`${gatewayUrl}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

function attributeValues(): string[] {
  return spans.all().flatMap((span) => Object.values(span.attributes).map(String));
}

beforeAll(async () => {
  const upstreamUrl = await upstream.start();
  process.env.FILE_SERVICE_URL = upstreamUrl;
  process.env.CONTENT_SERVICE_URL = `${upstreamUrl}/`;
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'api-gateway' })],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  gatewayUrl = await app.getUrl();
  spans = app.get(TestSpans);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await app.close();
  await upstream.stop();
  for (const [name, value] of [
    ['FILE_SERVICE_URL', savedEnv.fileService],
    ['CONTENT_SERVICE_URL', savedEnv.contentService],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}, HOOK_TIMEOUT_MS);

beforeEach(() => {
  spans.reset();
  upstream.requests.length = 0;
  upstream.reply = undefined;
});

afterEach(async () => {
  // A request's own span may end just after its response reached the client.
  await spans.waitFor(() => spans.open().length === 0, SPAN_SETTLE_MS).catch(() => undefined);
  spans.assertLifecycle();
}, HOOK_TIMEOUT_MS);

describe('GET /health', () => {
  it('answers without authentication, and no span is about it', async () => {
    const response = await call('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    // A request span would have started before the response: it would be open or finished now.
    expect([...spans.all(), ...spans.open()].map((span) => span.name)).toEqual([]);
  });
});

describe('BearerTokenGuard', () => {
  it.each([
    ['no Authorization header', undefined, 'missing_token'],
    ['another scheme', 'Basic dGVhY2hlcjpzZWNyZXQ=', 'malformed_header'],
    ['a bearer without a token', 'Bearer', 'malformed_header'],
    ['an unknown token', 'Bearer not-a-token', 'unknown_token'],
  ])('answers 401 for %s, records why, and calls no upstream', async (_kind, authorization, failure) => {
    const response = await call('POST', '/essays', {
      headers: authorization === undefined ? {} : { authorization },
      body: ESSAY,
    });

    expect(response.status).toBe(401);
    const authentication = spans.one('gateway.route.authentication');
    expect(authentication).toHaveAttributes({
      'auth.scheme': 'bearer',
      'auth.result': 'rejected',
      'auth.failure': failure,
    });
    expect(authentication).toHaveStatus('unset');
    expect(authentication.attributes['user.id']).toBeUndefined();
    expect(spans).toHaveSpanCount(0, 'gateway.route.upload_essay');
    expect(upstream.requests).toEqual([]);
    expect(attributeValues().some((value) => value.includes('not-a-token'))).toBe(false);
  });

  it('guards the read route too', async () => {
    const response = await call('GET', '/essays/content-1');

    expect(response.status).toBe(401);
    expect(spans).toHaveSpanCount(0, 'gateway.route.read_essay');
    expect(upstream.requests).toEqual([]);
  });

  it('maps each token of the table to its user', async () => {
    await call('GET', '/essays/content-1', { headers: { authorization: 'Bearer student-token' } });

    expect(spans.one('gateway.route.authentication')).toHaveAttributes({
      'auth.result': 'authenticated',
      'user.id': 'user-student-1',
    });
    expect(spans.one('gateway.route.read_essay')).toHaveAttributes({ 'user.id': 'user-student-1' });
  });
});

describe('POST /essays', () => {
  it('forwards the essay to the file service and answers 201 with the ids', async () => {
    const response = await call('POST', '/essays', { headers: TEACHER, body: { ...ESSAY, extra: 'dropped' } });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ essayId: 'content-1', fileId: 'file-1', contentId: 'content-1' });
    expect(upstream.requests).toEqual([{ method: 'POST', url: '/files', body: ESSAY }]);
  });

  it('traces authentication and the route side by side, with the user id, and no essay text', async () => {
    await call('POST', '/essays', { headers: TEACHER, body: ESSAY });

    const authentication = spans.one('gateway.route.authentication');
    const route = spans.one('gateway.route.upload_essay');
    expect(authentication).toHaveAttributes({ 'auth.result': 'authenticated', 'user.id': 'user-teacher-1' });
    expect(route).toHaveAttributes({
      'user.id': 'user-teacher-1',
      'essay.id': 'content-1',
      'file.id': 'file-1',
      'operation.result': 'success',
    });
    expect(route).toHaveStatus('unset');
    // Both run under the request (its SERVER span once HTTP tracing records one); the call to the
    // file service goes through its circuit breaker (resilience.file-service, under the route), and
    // its CLIENT span (once HTTP client tracing records it) runs under the breaker's span.
    expect(route.parentSpanContext?.spanId).toBe(authentication.parentSpanContext?.spanId);
    const breaker = spans.one('resilience.file-service');
    expect(breaker).toBeChildOf(route);
    expect(breaker).toHaveAttributes({ 'resilience.circuit.state': 'closed', 'resilience.outcome': 'success' });
    for (const client of spans.find({ kind: SpanKind.CLIENT })) expect(client).toBeChildOf(breaker);
    expect(attributeValues().some((value) => value.includes('river'))).toBe(false);
  });

  it("answers the file service's 400 with its status and message", async () => {
    const refusal = {
      statusCode: 400,
      message: 'contentType must be one of text/plain, text/markdown.',
      error: 'Bad Request',
    };
    upstream.reply = { status: 400, body: refusal };

    const response = await call('POST', '/essays', { headers: TEACHER, body: { ...ESSAY, contentType: 'image/png' } });

    expect(response.status).toBe(400);
    expect(response.body).toEqual(refusal);
    expect(spans.one('gateway.route.upload_essay')).toHaveStatus('unset');
  });
});

describe('GET /essays/:id', () => {
  it('reads the essay from the content service', async () => {
    const response = await call('GET', '/essays/content-1', { headers: TEACHER });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ essayId: 'content-1', contentType: 'text/markdown', size: 38, text: ESSAY.text });
    expect(upstream.requests).toEqual([{ method: 'GET', url: '/content/content-1', body: undefined }]);
    expect(spans.one('gateway.route.read_essay')).toHaveAttributes({
      'user.id': 'user-teacher-1',
      'essay.id': 'content-1',
      'content.type': 'text/markdown',
      'content.size': 38,
    });
  });

  it('answers 404 for an essay the content service does not have, without failing the route span', async () => {
    const response = await call('GET', '/essays/content-missing', { headers: TEACHER });

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, message: 'Content content-missing does not exist.' });
    const route = spans.one('gateway.route.read_essay');
    expect(route).toHaveStatus('unset');
    expect(route).toHaveAttributes({ 'essay.id': 'content-missing', 'user.id': 'user-teacher-1' });
  });

  it('answers 502 when the content service fails, and fails the route span', async () => {
    upstream.reply = { status: 500, body: { statusCode: 500, message: 'Internal server error' } };

    const response = await call('GET', '/essays/content-1', { headers: TEACHER });

    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ statusCode: 502, message: 'content-service answered 500.' });
    const route = spans.one('gateway.route.read_essay');
    expect(route).toHaveStatus('error');
    expect(route).toHaveAttributes({ 'error.type': 'BadGatewayException', 'operation.result': 'error' });
  });
});
