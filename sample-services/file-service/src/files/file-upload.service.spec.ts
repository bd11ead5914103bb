import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadGatewayException, BadRequestException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { AppModule } from '../app.module.js';
import { HealthController } from '../health/health.controller.js';
import { ContentStorageError } from './content-storage.error.js';
import { MAX_FILE_SIZE_BYTES } from './file-rules.js';
import { FileUploadService } from './file-upload.service.js';
import type { FileUploadRequest } from './file-upload.types.js';
import { FilesController } from './files.controller.js';
import { FilesModule } from './files.module.js';
import { InvalidFileError } from './invalid-file.error.js';

const ESSAY: FileUploadRequest = {
  fileName: 'holiday.txt',
  contentType: 'text/plain',
  text: '  My summer   holiday\r\nwas\tquiet.\n\n\n\nWe read books.  ',
};
const EXTRACTED = 'My summer holiday\nwas quiet.\n\nWe read books.';
/** Starting or closing the content service stand-in (an HTTP server): far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A real HTTP server standing in for the content service: records requests, answers `status`. */
class ContentServiceStandIn {
  readonly requests: ReceivedRequest[] = [];
  status = 201;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as { text?: string } | null;
      this.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const answer =
        this.status === 201
          ? { contentId: 'content-1', contentType: 'text/plain', size: Buffer.byteLength(body?.text ?? '') }
          : { statusCode: this.status, message: 'storage unavailable' };
      response.writeHead(this.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const standIn = new ContentServiceStandIn();
const savedContentServiceUrl = process.env.CONTENT_SERVICE_URL;
let moduleRef: TestingModule;
let uploads: FileUploadService;
let spans: TestSpans;

beforeAll(async () => {
  process.env.CONTENT_SERVICE_URL = await standIn.start();
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await standIn.stop();
  if (savedContentServiceUrl === undefined) delete process.env.CONTENT_SERVICE_URL;
  else process.env.CONTENT_SERVICE_URL = savedContentServiceUrl;
}, HOOK_TIMEOUT_MS);

beforeEach(() => {
  standIn.requests.length = 0;
  standIn.status = 201;
});

describe('FilesModule', () => {
  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'file-service' }), FilesModule],
    }).compile();
    uploads = moduleRef.get(FileUploadService);
    spans = moduleRef.get(TestSpans);
  });

  afterEach(async () => {
    spans.assertLifecycle();
    await moduleRef.close();
  });

  describe('FileUploadService', () => {
    it('stores the extracted text in the content service, over real HTTP', async () => {
      const result = await uploads.upload(ESSAY);

      expect(result).toEqual({ fileId: expect.stringMatching(/^file-/), contentId: 'content-1' });
      expect(standIn.requests).toHaveLength(1);
      expect(standIn.requests[0]).toMatchObject({ method: 'POST', url: '/content', body: { text: EXTRACTED } });
      expect(standIn.requests[0].headers['content-type']).toBe('application/json');
    });

    it('traces the upload as file.upload with validation and text extraction as its children', async () => {
      const result = await uploads.upload(ESSAY);

      const upload = spans.one('file.upload');
      expect(spans.find({ parent: null })).toEqual([upload]);
      const businessChildren = spans.childrenOf(upload).filter((span) => span.kind === SpanKind.INTERNAL);
      expect(businessChildren.map((span) => span.name)).toEqual([
        'file.upload.validate',
        'file.upload.extract_text',
        'resilience.content-store',
      ]);
      // The call to the content service goes through the content-store breaker, under the upload; its
      // CLIENT span (once HTTP client tracing records it) is under the breaker's span.
      const breaker = spans.one('resilience.content-store');
      for (const client of spans.find({ kind: SpanKind.CLIENT })) expect(client).toBeChildOf(breaker);
      const size = Buffer.byteLength(ESSAY.text);
      expect(upload).toHaveAttributes({
        'file.size': size,
        'file.type': 'text/plain',
        'storage.backend': 'content-service',
        'file.id': result.fileId,
        'content.id': 'content-1',
        'operation.result': 'success',
      });
      expect(upload).toHaveStatus('unset');
      expect(spans.one('file.upload.validate')).toHaveAttributes({ 'file.size': size, 'file.type': 'text/plain' });
      expect(spans.one('file.upload.extract_text')).toHaveAttributes({
        'file.size': size,
        'file.extracted_size': Buffer.byteLength(EXTRACTED),
      });
    });

    it('accepts Markdown, with media type parameters and any case', async () => {
      await uploads.upload({ ...ESSAY, fileName: 'holiday.md', contentType: 'Text/Markdown; charset=utf-8' });

      expect(spans.one('file.upload')).toHaveAttributes({ 'file.type': 'text/markdown' });
      expect(spans.one('file.upload.validate')).toHaveAttributes({ 'file.type': 'text/markdown' });
    });

    it.each([
      ['an unsupported type', { contentType: 'application/pdf' }, 'unsupported_type'],
      ['no type', { contentType: undefined }, 'unsupported_type'],
      ['a file over 1 MB', { text: 'a'.repeat(MAX_FILE_SIZE_BYTES + 1) }, 'too_large'],
      ['an empty file', { text: '' }, 'empty'],
      ['a blank file', { text: ' \n\t ' }, 'empty'],
      ['no file name', { fileName: ' ' }, 'invalid_file_name'],
      ['a text that is not a string', { text: 42 }, 'missing_text'],
    ])('refuses %s: file.upload.validate and file.upload fail, nothing is stored', async (_kind, change, reason) => {
      const failure = uploads.upload({ ...ESSAY, ...change } as FileUploadRequest);

      await expect(failure).rejects.toBeInstanceOf(InvalidFileError);
      await expect(failure).rejects.toMatchObject({ reason });
      const validate = spans.one('file.upload.validate');
      expect(validate).toHaveStatus('error');
      expect(validate).toHaveRecordedException('InvalidFileError');
      expect(validate).toHaveAttributes({
        'file.validation.failure': reason,
        'error.type': 'InvalidFileError',
        'operation.result': 'error',
      });
      const upload = spans.one('file.upload');
      expect(validate).toBeChildOf(upload);
      expect(upload).toHaveStatus('error');
      expect(upload).toHaveAttributes({ 'error.type': 'InvalidFileError', 'storage.backend': 'content-service' });
      expect(upload.attributes['file.id']).toBeUndefined();
      expect(spans).toHaveSpanCount(0, 'file.upload.extract_text');
      expect(standIn.requests).toHaveLength(0);
    });

    it('fails file.upload with ContentStorageError when the content service answers an error', async () => {
      standIn.status = 503;

      await expect(uploads.upload(ESSAY)).rejects.toThrow(
        new ContentStorageError('The content service answered 503 to POST /content.'),
      );
      const upload = spans.one('file.upload');
      expect(upload).toHaveStatus('error');
      expect(upload).toHaveAttributes({ 'error.type': 'ContentStorageError' });
      expect(spans.one('file.upload.validate')).toHaveStatus('unset');
      expect(spans.one('file.upload.extract_text')).toHaveStatus('unset');
    });

    it('puts the correlation id on every span and records neither the text nor the file name', async () => {
      await withCorrelationId('corr-file-1', () => uploads.upload(ESSAY));

      const business = spans.find({ kind: SpanKind.INTERNAL });
      expect(business).toHaveLength(4);
      expect(spans.find({ kind: SpanKind.INTERNAL, attributes: { correlation_id: 'corr-file-1' } })).toEqual(business);
      const attributeValues = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
      expect(attributeValues.some((value) => value.includes('holiday'))).toBe(false);
    });
  });

  describe('FilesController', () => {
    it('answers 201 with the file and content ids', async () => {
      await expect(moduleRef.get(FilesController).upload(ESSAY)).resolves.toEqual({
        fileId: expect.stringMatching(/^file-/),
        contentId: 'content-1',
      });
    });

    it('answers 400 for an invalid file, with the reason', async () => {
      const failure = moduleRef.get(FilesController).upload({ ...ESSAY, contentType: 'image/png' });

      await expect(failure).rejects.toBeInstanceOf(BadRequestException);
      await expect(failure).rejects.toMatchObject({
        status: 400,
        message: 'contentType must be one of text/plain, text/markdown.',
      });
    });

    it('answers 400 for a request without a body', async () => {
      await expect(moduleRef.get(FilesController).upload(undefined)).rejects.toBeInstanceOf(BadRequestException);
      expect(spans.one('file.upload.validate')).toHaveAttributes({ 'file.validation.failure': 'invalid_file_name' });
    });

    it('answers 502 when the content service fails', async () => {
      standIn.status = 500;

      await expect(moduleRef.get(FilesController).upload(ESSAY)).rejects.toBeInstanceOf(BadGatewayException);
    });
  });
});

describe('AppModule', () => {
  it('boots with the testing module taking over its tracing, and answers health checks', async () => {
    const appRef = await Test.createTestingModule({
      imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'file-service' })],
    }).compile();
    try {
      const appSpans = appRef.get(TestSpans);
      expect(appRef.get(HealthController).check()).toEqual({ status: 'ok' });
      await appRef.get(FileUploadService).upload(ESSAY);

      expect(appSpans).toHaveSpan('file.upload', { 'content.id': 'content-1' });
      appSpans.assertLifecycle();
    } finally {
      await appRef.close();
    }
  });
});
