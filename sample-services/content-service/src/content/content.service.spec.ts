import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { AppModule } from '../app.module.js';
import { HealthController } from '../health/health.controller.js';
import { ContentNotFoundError } from './content-not-found.error.js';
import { ContentController } from './content.controller.js';
import { ContentService } from './content.service.js';

const PLAIN = 'My summer holiday was quiet. We read books by the river.';
const MARKDOWN = '# My summer holiday\n\nWe read **many** books:\n\n- by the river\n- in the library';
/** Opening the embedded database (no `DATABASE_URL`) takes a few seconds, closing stops it: ample on a loaded 2-core CI machine. */
const BOOT_TIMEOUT_MS = 60_000;

/**
 * The application (`AppModule`: the content module, the database, statement spans) on a real
 * PostgreSQL, `DATABASE_URL` when set, else the embedded one, with the testing module taking over
 * its tracing. Contents get fresh ids, so runs sharing the table do not meet.
 */
async function startContentModule(): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'content-service' })],
  }).compile();
  // init() runs the lifecycle hooks: TypeOrmTracingModule finds the data source in onModuleInit.
  return moduleRef.init();
}

describe('ContentService', () => {
  let moduleRef: TestingModule;
  let content: ContentService;
  let spans: TestSpans;

  beforeAll(async () => {
    moduleRef = await startContentModule();
    content = moduleRef.get(ContentService);
    spans = moduleRef.get(TestSpans);
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await moduleRef?.close();
  }, BOOT_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  afterEach(() => spans.assertLifecycle());

  it('stores a text as content.store with content.detect_type and INSERT contents as its children', async () => {
    const stored = await content.store(PLAIN);

    expect(stored).toEqual({ contentId: expect.stringMatching(/^content-/), contentType: 'text/plain', size: 56 });
    expect(spans).toHaveSpanCount(3);
    const store = spans.one('content.store');
    expect(spans.find({ parent: null })).toEqual([store]);
    expect(spans.one('content.detect_type')).toBeChildOf(store);
    const insert = spans.one({ name: 'INSERT contents', kind: SpanKind.CLIENT });
    expect(insert).toBeChildOf(store);
    expect(insert).toHaveAttributes({
      'db.system.name': 'postgresql',
      'db.operation.name': 'INSERT',
      'db.collection.name': 'contents',
    });
    expect(store).toHaveAttributes({
      'content.id': stored.contentId,
      'content.type': 'text/plain',
      'content.size': 56,
      'operation.result': 'success',
    });
    expect(spans.one('content.detect_type')).toHaveAttributes({ 'content.type': 'text/plain' });
  });

  it('detects Markdown and counts the size in UTF-8 bytes', async () => {
    const stored = await content.store(`${MARKDOWN} — é`);

    expect(stored.contentType).toBe('text/markdown');
    expect(stored.size).toBe(Buffer.byteLength(`${MARKDOWN} — é`, 'utf8'));
    expect(spans.one('content.detect_type')).toHaveAttributes({ 'content.type': 'text/markdown' });
    expect(spans.one('content.store')).toHaveAttributes({ 'content.size': stored.size });
  });

  it('retrieves stored content as content.retrieve with its id, type and size', async () => {
    const { contentId } = await content.store(MARKDOWN);
    spans.reset();

    const retrieved = await content.retrieve(contentId);

    expect(retrieved).toMatchObject({ contentId, contentType: 'text/markdown', text: MARKDOWN });
    expect(new Date(retrieved.storedAt).toISOString()).toBe(retrieved.storedAt);
    expect(spans).toHaveSpanCount(2);
    const select = spans.one({ name: 'SELECT contents', kind: SpanKind.CLIENT });
    expect(select).toBeChildOf(spans.one('content.retrieve'));
    expect(select).toHaveAttributes({ 'db.operation.name': 'SELECT', 'db.collection.name': 'contents' });
    expect(spans.one('content.retrieve')).toHaveAttributes({
      'content.id': contentId,
      'content.type': 'text/markdown',
      'content.size': Buffer.byteLength(MARKDOWN),
    });
    expect(spans.one('content.retrieve')).toHaveStatus('unset');
  });

  it('rejects an unknown id with ContentNotFoundError and marks content.retrieve failed', async () => {
    const failure = content.retrieve('content-missing');

    await expect(failure).rejects.toBeInstanceOf(ContentNotFoundError);
    const retrieve = spans.one('content.retrieve');
    expect(retrieve).toHaveStatus('error');
    expect(retrieve.status.message).toBe('Content content-missing does not exist.');
    expect(retrieve).toHaveRecordedException('ContentNotFoundError');
    expect(retrieve).toHaveAttributes({
      'content.id': 'content-missing',
      'error.type': 'ContentNotFoundError',
      'operation.result': 'error',
    });
    expect(retrieve.attributes['content.type']).toBeUndefined();
    expect(spans.one('SELECT contents')).toBeChildOf(retrieve);
    expect(spans.one('SELECT contents')).toHaveStatus('unset');
  });

  it('puts the correlation id on every span and never records the text', async () => {
    await withCorrelationId('corr-content-1', async () => {
      const { contentId } = await content.store(PLAIN);
      await content.retrieve(contentId);
    });

    expect(spans.all().map((span) => span.name)).toEqual([
      'content.detect_type',
      'INSERT contents',
      'content.store',
      'SELECT contents',
      'content.retrieve',
    ]);
    expect(spans.find({ attributes: { correlation_id: 'corr-content-1' } })).toHaveLength(5);
    const attributeValues = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
    expect(attributeValues.some((value) => value.includes('holiday'))).toBe(false);
  });
});

describe('ContentController', () => {
  let moduleRef: TestingModule;
  let controller: ContentController;
  let spans: TestSpans;

  beforeAll(async () => {
    moduleRef = await startContentModule();
    controller = moduleRef.get(ContentController);
    spans = moduleRef.get(TestSpans);
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await moduleRef?.close();
  }, BOOT_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  afterEach(() => spans.assertLifecycle());

  it('answers 404 for unknown content', async () => {
    const failure = controller.read('content-missing');

    await expect(failure).rejects.toBeInstanceOf(NotFoundException);
    await expect(failure).rejects.toMatchObject({ status: 404, message: 'Content content-missing does not exist.' });
  });

  it.each([
    ['no body', undefined],
    ['no text', {}],
    ['an empty text', { text: '' }],
    ['a text that is not a string', { text: 42 }],
  ])('answers 400 for %s, before any span', async (_kind, body) => {
    const failure = controller.store(body as never);

    await expect(failure).rejects.toBeInstanceOf(BadRequestException);
    expect(spans).toHaveSpanCount(0);
  });

  it('stores and reads back through the routes', async () => {
    const stored = await controller.store({ text: PLAIN });

    await expect(controller.read(stored.contentId)).resolves.toMatchObject({ text: PLAIN, contentType: 'text/plain' });
  });
});

describe('AppModule', () => {
  it(
    'boots with the testing module taking over its tracing, stores in PostgreSQL, and answers health checks',
    async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'content-service' })],
      }).compile();
      await moduleRef.init();
      try {
        const spans = moduleRef.get(TestSpans);
        expect(moduleRef.get(HealthController).check()).toEqual({ status: 'ok' });
        await moduleRef.get(ContentService).store(PLAIN);

        expect(spans).toHaveSpan('content.store', { 'content.type': 'text/plain' });
        expect(spans.one('INSERT contents')).toBeChildOf(spans.one('content.store'));
        spans.assertLifecycle();
      } finally {
        await moduleRef.close();
      }
    },
    BOOT_TIMEOUT_MS,
  );
});
