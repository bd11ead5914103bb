import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { AppModule } from '../app.module.js';
import { EmptyEssayError } from './empty-essay.error.js';
import { SpellcheckModule } from './spellcheck.module.js';
import { SpellcheckService } from './spellcheck.service.js';

const ESSAY = 'The students read their books in the library.';
const MISSPELLED = 'Teh students wrote thier essays about the enviroment.';

describe('SpellcheckService', () => {
  let moduleRef: TestingModule;
  let spellcheck: SpellcheckService;
  let spans: TestSpans;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'spellchecker-service' }), SpellcheckModule],
    }).compile();
    spellcheck = moduleRef.get(SpellcheckService);
    spans = moduleRef.get(TestSpans);
  });

  afterEach(async () => {
    spans.assertLifecycle();
    await moduleRef.close();
  });

  it('traces an essay as one span with the tokenizer and the dictionary lookup as its children', async () => {
    const result = await spellcheck.checkEssay('essay-1', ESSAY);

    expect(result).toEqual({ essayId: 'essay-1', wordCount: 8, misspellings: [] });
    expect(spans).toHaveSpanCount(3);
    const essay = spans.one('spellchecker.process.essay');
    expect(spans.find({ parent: null })).toEqual([essay]);
    expect(spans.one('spellchecker.process.tokenize')).toBeChildOf(essay);
    expect(spans.one('spellchecker.process.dictionary_lookup')).toBeChildOf(essay);
    expect(spans.childrenOf(essay).map((span) => span.name)).toEqual([
      'spellchecker.process.tokenize',
      'spellchecker.process.dictionary_lookup',
    ]);
  });

  it('records the essay id, counts and outcome, and none of the essay text', async () => {
    await spellcheck.checkEssay('essay-1', ESSAY);

    const essay = spans.one('spellchecker.process.essay');
    expect(essay).toHaveAttributes({
      'essay.id': 'essay-1',
      'essay.word_count': 8,
      'spellcheck.error_count': 0,
      'spellcheck.language': 'en',
      'operation.type': 'internal',
      'operation.result': 'success',
    });
    expect(essay).toHaveStatus('unset');
    expect(essay.attributes['correlation_id']).toBeUndefined();
    expect(spans.one('spellchecker.process.tokenize')).toHaveAttributes({
      'essay.character_count': ESSAY.length,
      'spellcheck.token_count': 8,
    });
    const attributeValues = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
    expect(attributeValues.some((value) => value.includes('library'))).toBe(false);
  });

  it('counts misspellings on the essay and on the dictionary lookup, and suggests corrections', async () => {
    const result = await spellcheck.checkEssay('essay-2', MISSPELLED);

    expect(result.misspellings).toEqual([
      { word: 'teh', position: 0, suggestion: 'the' },
      { word: 'thier', position: 3, suggestion: 'their' },
      { word: 'enviroment', position: 7, suggestion: 'environment' },
    ]);
    expect(spans).toHaveSpan('spellchecker.process.essay', { 'essay.id': 'essay-2', 'spellcheck.error_count': 3 });
    expect(spans.one('spellchecker.process.dictionary_lookup')).toHaveAttributes({
      'spellcheck.token_count': 8,
      'spellcheck.error_count': 3,
    });
  });

  it('puts the correlation id on every span of a call made inside withCorrelationId', async () => {
    await withCorrelationId('corr-1', () => spellcheck.checkEssay('essay-2', MISSPELLED));
    await spellcheck.checkEssay('essay-3', ESSAY);

    const correlated = spans.find({ attributes: { correlation_id: 'corr-1' } });
    expect(correlated.map((span) => span.name).sort()).toEqual([
      'spellchecker.process.dictionary_lookup',
      'spellchecker.process.essay',
      'spellchecker.process.tokenize',
    ]);
    const essay = spans.one({ name: 'spellchecker.process.essay', attributes: { 'essay.id': 'essay-2' } });
    expect(correlated.every((span) => span.spanContext().traceId === essay.spanContext().traceId)).toBe(true);
    const uncorrelated = spans.one({ name: 'spellchecker.process.essay', attributes: { 'essay.id': 'essay-3' } });
    expect(uncorrelated.attributes['correlation_id']).toBeUndefined();
    expect(uncorrelated.spanContext().traceId).not.toBe(essay.spanContext().traceId);
  });

  it.each([
    ['is empty', ''],
    ['is blank', '  \n\t '],
    ['has only punctuation and digits', '... !? 42'],
  ])('rejects an essay that %s with EmptyEssayError and marks the essay span failed', async (_kind, text) => {
    const failure = spellcheck.checkEssay('essay-4', text);

    await expect(failure).rejects.toBeInstanceOf(EmptyEssayError);
    await expect(failure).rejects.toMatchObject({ essayId: 'essay-4' });
    const essay = spans.one('spellchecker.process.essay');
    expect(essay).toHaveStatus('error');
    expect(essay.status.message).toBe('Essay essay-4 has no words to spellcheck.');
    expect(essay).toHaveRecordedException('EmptyEssayError');
    expect(essay.events.filter((event) => event.name === 'exception')).toHaveLength(1);
    expect(essay).toHaveAttributes({
      'essay.id': 'essay-4',
      'error.type': 'EmptyEssayError',
      'operation.result': 'error',
    });
    expect(essay.attributes['spellcheck.error_count']).toBeUndefined();
    const tokenize = spans.one('spellchecker.process.tokenize');
    expect(tokenize).toBeChildOf(essay);
    expect(tokenize).toHaveStatus('unset');
    expect(tokenize).toHaveAttributes({ 'spellcheck.token_count': 0, 'operation.result': 'success' });
    expect(spans).toHaveSpanCount(0, 'spellchecker.process.dictionary_lookup');
  });
});

describe('AppModule', () => {
  it('boots with the testing module taking over its tracing, keeping the spellchecker span names', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'spellchecker-service' })],
    }).compile();
    try {
      const spans = moduleRef.get(TestSpans);
      await moduleRef.get(SpellcheckService).checkEssay('essay-5', ESSAY);

      expect(spans).toHaveSpanCount(3);
      expect(spans).toHaveSpan('spellchecker.process.essay', { 'essay.id': 'essay-5' });
      spans.assertLifecycle();
    } finally {
      await moduleRef.close();
    }
  });
});
