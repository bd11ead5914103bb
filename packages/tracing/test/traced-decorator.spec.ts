import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, NotFoundException, InternalServerErrorException } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AttributeNames,
  NoTrace,
  SpanAttribute,
  Traced,
  TracingConfigError,
  withCorrelationId,
} from '@huleedu/nest-tracing';
import { bootTracedModule } from './fixtures/boot-traced-module.js';
import type { TracedTestModule } from './fixtures/boot-traced-module.js';

class DomainError extends Error {}

@Injectable()
class Tokenizer {
  @Traced()
  split(text: string): string[] {
    return text.split(' ');
  }
}

@Injectable()
class EssayService {
  readonly dictionary = new Set(['the', 'cat']);

  constructor(private readonly tokenizer: Tokenizer) {}

  @Traced()
  countSync(text: string): number {
    return this.tokenizer.split(text).length;
  }

  @Traced('essay.check', { attributes: { 'check.mode': 'strict' } })
  async check(@SpanAttribute('essay.id') essayId: string, text: string): Promise<string[]> {
    await Promise.resolve();
    return this.tokenizer.split(text).filter((word) => !this.dictionary.has(word) && essayId.length > 0);
  }

  @Traced()
  promiseWithoutAsync(): Promise<number> {
    return new Promise((resolve) => setTimeout(() => resolve(7), 1));
  }

  @Traced()
  async fireAndForgetChild(): Promise<void> {
    void this.tokenizer.split('not awaited');
    setTimeout(() => this.tokenizer.split('later timer'), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  @Traced()
  failSync(): never {
    throw new DomainError('sync failure');
  }

  @Traced()
  async failAsync(): Promise<never> {
    await Promise.resolve();
    throw new RangeError('async failure');
  }

  @Traced()
  async outerFails(): Promise<void> {
    await this.failAsync();
  }

  @Traced()
  throwString(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
    throw 'plain string';
  }

  @Traced()
  throwObject(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
    throw { email: 'student@example.com' };
  }

  @Traced()
  notFound(): never {
    throw new NotFoundException('no such essay');
  }

  @Traced()
  serverError(): never {
    throw new InternalServerErrorException('database down');
  }

  @Traced({ kind: SpanKind.CLIENT })
  clientNotFound(): never {
    throw new NotFoundException('remote 404');
  }

  @Traced({
    attributes: (essay: { id: string; text: string }) => ({ 'essay.id': essay.id, 'essay.length': essay.text.length }),
    onResult: (words: number) => ({ 'essay.word_count': words }),
  })
  analyse(essay: { id: string; text: string }): number {
    return essay.text.split(' ').length;
  }

  @Traced({
    attributes: () => {
      throw new Error('extractor bug');
    },
    onResult: () => {
      throw new Error('hook bug');
    },
  })
  withBrokenHooks(value: number): number {
    return value * 2;
  }

  @Traced()
  coerced(
    @SpanAttribute('arg.long') long: string,
    @SpanAttribute('arg.nothing') nothing: undefined,
    @SpanAttribute('arg.object') object: object,
    @SpanAttribute('arg.mapped', (o: { id: number }) => o.id) mapped: { id: number },
    @SpanAttribute('arg.list') list: Array<string | number>,
    @SpanAttribute('arg.big') big: bigint,
  ): string {
    return [long.length, String(nothing), typeof object, mapped.id, list.length, big.toString()].join(',');
  }

  @Traced({ root: true })
  detached(): string {
    return 'own trace';
  }

  @Traced({ operationType: 'validation', kind: SpanKind.SERVER })
  validate(): boolean {
    return true;
  }

  @Traced()
  lazyThenable(): { then: (resolve: (v: number) => void) => void; calls: number } {
    const thenable = {
      calls: 0,
      then: (resolve: (v: number) => void) => {
        thenable.calls += 1;
        resolve(1);
      },
    };
    return thenable;
  }

  @Traced()
  selfInvoke(): number {
    return this.countSync('a b');
  }

  @Traced()
  static staticHelper(x: number): number {
    return x + 1;
  }
}

@Traced({ attributes: { component: 'grading' } })
@Injectable()
class GradingService {
  grade(score: number): string {
    return score > 50 ? 'pass' : 'fail';
  }

  @Traced('grading.explicit', { attributes: { 'method.level': true } })
  explicit(): string {
    return 'explicit';
  }

  @NoTrace()
  untraced(): string {
    return 'untraced';
  }

  get accessor(): string {
    return 'accessor';
  }
}

@Traced({ name: 'file.upload' })
@Injectable()
class FileUploadService {
  validate(): boolean {
    return true;
  }
}

describe('@Traced', () => {
  let app: TracedTestModule;
  let essays: EssayService;

  beforeAll(async () => {
    app = await bootTracedModule([Tokenizer, EssayService, GradingService, FileUploadService]);
    essays = app.get(EssayService);
  });
  afterAll(async () => app.moduleRef.close());
  beforeEach(() => app.spans.reset());

  describe('naming', () => {
    it('names spans {service prefix}.{Class}.{method} by default, and an explicit name wins', async () => {
      essays.countSync('a b');
      await essays.check('e-1', 'the dog');
      expect(app.spans).toHaveSpan('essay.EssayService.countSync');
      expect(app.spans).toHaveSpan('essay.Tokenizer.split');
      expect(app.spans).toHaveSpan('essay.check', { 'essay.id': 'e-1', 'check.mode': 'strict' });
    });

    it('sets operation.type, code.function.name and operation.result on every span', () => {
      essays.countSync('x');
      expect(app.spans.one('essay.EssayService.countSync')).toHaveAttributes({
        [AttributeNames.OPERATION_TYPE]: 'internal',
        'code.function.name': 'EssayService.countSync',
        [AttributeNames.OPERATION_RESULT]: 'success',
      });
      essays.validate();
      const validate = app.spans.one('essay.EssayService.validate');
      expect(validate.kind).toBe(SpanKind.SERVER);
      expect(validate).toHaveAttributes({ 'operation.type': 'validation' });
    });
  });

  describe('result shapes', () => {
    it('ends a sync span when the method returns, with the method span active for nested calls', () => {
      expect(essays.countSync('a b c')).toBe(3);
      const outer = app.spans.one('essay.EssayService.countSync');
      expect(app.spans.one('essay.Tokenizer.split')).toBeChildOf(outer);
      expect(app.spans.open()).toHaveLength(0);
    });

    it('ends an async span when the promise settles and keeps the parent across await', async () => {
      await expect(essays.check('e-2', 'the cat sat')).resolves.toEqual(['sat']);
      expect(app.spans.one('essay.Tokenizer.split')).toBeChildOf(app.spans.one('essay.check'));
    });

    it('detects promises by the returned value, not by async functions', async () => {
      const pending = essays.promiseWithoutAsync();
      // open while the promise is pending (not ended when the method returned), ended once it settled
      expect(app.spans.all()).toHaveLength(0);
      expect(app.spans.open().map((span) => span.name)).toEqual(['essay.EssayService.promiseWithoutAsync']);
      await expect(pending).resolves.toBe(7);
      expect(app.spans.open()).toEqual([]);
      expect(app.spans.one('essay.EssayService.promiseWithoutAsync')).toHaveStatus('unset');
    });

    it('parents children that are not awaited, including ones run later from timers', async () => {
      await essays.fireAndForgetChild();
      await app.spans.waitFor(3);
      const parent = app.spans.one('essay.EssayService.fireAndForgetChild');
      for (const child of app.spans.byName('essay.Tokenizer.split')) expect(child).toBeChildOf(parent);
    });

    it('never calls then() on a lazy thenable (a query builder is not a promise)', () => {
      const thenable = essays.lazyThenable();
      expect(thenable.calls).toBe(0);
      expect(app.spans.one('essay.EssayService.lazyThenable')).toHaveStatus('unset');
    });

    it('gives a self-invoked traced method its own child span, once', () => {
      essays.selfInvoke();
      const outer = app.spans.one('essay.EssayService.selfInvoke');
      expect(app.spans.one('essay.EssayService.countSync')).toBeChildOf(outer);
      expect(app.spans).toHaveSpanCount(3);
    });

    it('traces static methods', () => {
      expect(EssayService.staticHelper(1)).toBe(2);
      expect(app.spans).toHaveSpan('essay.EssayService.staticHelper');
    });
  });

  describe('errors', () => {
    it('rethrows the same error object from a sync method and marks the span', () => {
      let caught: unknown;
      try {
        essays.failSync();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DomainError);
      const span = app.spans.one('essay.EssayService.failSync');
      expect(span).toHaveStatus('error');
      expect(span.status.message).toBe('sync failure');
      expect(span).toHaveAttributes({ 'error.type': 'DomainError', 'operation.result': 'error' });
      expect(span).toHaveRecordedException('DomainError');
    });

    it('rejects with the same error object and records it once, where it escaped', async () => {
      const error = await essays.outerFails().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      const inner = app.spans.one('essay.EssayService.failAsync');
      const outer = app.spans.one('essay.EssayService.outerFails');
      expect(inner).toHaveRecordedException('RangeError');
      expect(outer.events.filter((event) => event.name === 'exception')).toHaveLength(0);
      expect(outer).toHaveStatus('error');
      expect(outer).toHaveAttributes({ 'error.type': 'RangeError' });
    });

    it('handles non-Error throwables with error.type _OTHER', () => {
      expect(() => essays.throwString()).toThrow('plain string');
      const span = app.spans.one('essay.EssayService.throwString');
      expect(span).toHaveAttributes({ 'error.type': '_OTHER' });
      expect(span).toHaveStatus('error');
    });

    it('never serialises a thrown non-Error object into the span', () => {
      expect(() => essays.throwObject()).toThrow();
      const span = app.spans.one('essay.EssayService.throwObject');
      expect(span.status.message).toBe('non-Error value thrown (object)');
      expect(JSON.stringify(span.events)).not.toContain('student@example.com');
    });

    it('treats a 4xx HttpException as expected on serving spans and as an error on client spans', () => {
      expect(() => essays.notFound()).toThrow(NotFoundException);
      expect(() => essays.clientNotFound()).toThrow(NotFoundException);
      expect(() => essays.serverError()).toThrow(InternalServerErrorException);
      const notFound = app.spans.one('essay.EssayService.notFound');
      expect(notFound).toHaveStatus('unset');
      expect(notFound.attributes['error.type']).toBeUndefined();
      expect(notFound.events).toHaveLength(0);
      expect(notFound).toHaveAttributes({ 'operation.result': 'error' });
      expect(app.spans.one('essay.EssayService.clientNotFound')).toHaveStatus('error');
      expect(app.spans.one('essay.EssayService.serverError')).toHaveAttributes({
        'error.type': 'InternalServerErrorException',
      });
    });
  });

  describe('attributes', () => {
    it('takes attributes from arguments and from the result', () => {
      essays.analyse({ id: 'e-9', text: 'one two three' });
      expect(app.spans.one('essay.EssayService.analyse')).toHaveAttributes({
        'essay.id': 'e-9',
        'essay.length': 13,
        'essay.word_count': 3,
      });
    });

    it('coerces values: truncates long strings, skips null/undefined/objects, maps with a resolver', () => {
      essays.coerced('x'.repeat(5000), undefined, { secret: 'dto' }, { id: 42 }, ['a', 1], 10n);
      const span = app.spans.one('essay.EssayService.coerced');
      expect(span.attributes['arg.long']).toHaveLength(2048);
      expect(span.attributes).not.toHaveProperty('arg.nothing');
      expect(span.attributes).not.toHaveProperty('arg.object');
      expect(span).toHaveAttributes({ 'arg.mapped': 42, 'arg.list': ['a', '1'], 'arg.big': '10' });
    });

    it('keeps the result when extractors and hooks throw, and reports each site once', () => {
      expect(essays.withBrokenHooks(2)).toBe(4);
      expect(essays.withBrokenHooks(3)).toBe(6);
      const spans = app.spans.byName('essay.EssayService.withBrokenHooks');
      expect(spans).toHaveLength(2);
      for (const span of spans) expect(span).toHaveStatus('unset');
      expect(app.spans.diagnostics().filter((line) => line.includes('EssayService.withBrokenHooks'))).toHaveLength(1);
    });

    it('adds correlation_id when a correlation id is in context', () => {
      withCorrelationId('corr-42', () => essays.countSync('a'));
      expect(app.spans.one('essay.EssayService.countSync')).toHaveAttributes({ correlation_id: 'corr-42' });
      expect(app.spans.one('essay.Tokenizer.split')).toHaveAttributes({ correlation_id: 'corr-42' });
    });
  });

  describe('root and links', () => {
    it('starts a new trace linked to the current span with root: true', () => {
      const tracer = trace.getTracer('test');
      tracer.startActiveSpan('request', (request) => {
        essays.detached();
        request.end();
      });
      const request = app.spans.one('request');
      const detached = app.spans.one('essay.EssayService.detached');
      expect(detached).not.toBeInSameTrace(request);
      expect(detached.parentSpanContext).toBeUndefined();
      expect(detached).toHaveLinkTo(request);
    });
  });

  describe('class-level tracing', () => {
    it('traces every method once; method options win; @NoTrace and accessors are left alone', () => {
      const grading = app.get(GradingService);
      expect(grading.grade(70)).toBe('pass');
      expect(grading.explicit()).toBe('explicit');
      expect(grading.untraced()).toBe('untraced');
      expect(grading.accessor).toBe('accessor');
      expect(app.spans).toHaveSpan('essay.GradingService.grade', { component: 'grading' });
      expect(app.spans).toHaveSpan('grading.explicit', { component: 'grading', 'method.level': true });
      expect(app.spans).toHaveSpanCount(2);
    });

    it('uses a class-level name as the group of its methods', () => {
      app.get(FileUploadService).validate();
      expect(app.spans).toHaveSpan('file.upload.validate');
    });
  });

  describe('function identity', () => {
    it('keeps name and length, and this', () => {
      expect(EssayService.prototype.check.name).toBe('check');
      expect(EssayService.prototype.check.length).toBe(2);
      expect(essays.countSync('a b')).toBe(2);
    });

    it('refuses to decorate something that is not a method, saying how to fix it', () => {
      const decorate = (): void => {
        Traced()({}, 'field', { value: 42 });
      };
      expect(decorate).toThrow(TracingConfigError);
      expect(decorate).toThrow(/Potential solutions/);
    });

    it('does not wrap the same method twice', () => {
      class Twice {
        @Traced()
        @Traced('inner.name')
        run(): number {
          return 1;
        }
      }
      new Twice().run();
      expect(app.spans).toHaveSpanCount(1);
      expect(app.spans.all()[0].status.code).toBe(SpanStatusCode.UNSET);
    });
  });
});
