import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { pino } from 'pino';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import type { TestSpans } from '@huleedu/nest-tracing-testing';
import { traceMixin } from '../src/pino.js';
import { collectingStream } from './support/captured-output.js';
import { fieldsOf, startTestTracing, withBrokenBaggage } from './support/traced-context.js';

describe('traceMixin (a real pino logger writing to a destination stream)', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;

  beforeAll(async () => ({ moduleRef, spans } = await startTestTracing()));
  afterAll(async () => moduleRef.close());
  beforeEach(() => spans.reset());

  it('adds the trace fields and the correlation id to lines inside a span, and to its child loggers', () => {
    const output = collectingStream();
    const logger = pino({ base: undefined, timestamp: false, mixin: traceMixin() }, output.stream);
    withCorrelationId('corr-pino-1', () =>
      traceOperation('essay.spellcheck', () => {
        logger.info({ essayId: 'essay-1' }, 'checked');
        logger.child({ component: 'dictionary' }).warn('unknown word');
      }),
    );
    const fields = { ...fieldsOf(spans.one('essay.spellcheck')), correlation_id: 'corr-pino-1' };
    expect(output.records()).toEqual([
      { level: 30, essayId: 'essay-1', msg: 'checked', ...fields },
      { level: 40, component: 'dictionary', msg: 'unknown word', ...fields },
    ]);
  });

  it('leaves lines outside a traced context as pino writes them', () => {
    const plain = collectingStream();
    const traced = collectingStream();
    const options = { base: { service: 'spellchecker' }, timestamp: false };
    pino(options, plain.stream).info({ essayId: 'essay-2' }, 'idle');
    pino({ ...options, mixin: traceMixin() }, traced.stream).info({ essayId: 'essay-2' }, 'idle');
    expect(traced.lines()).toEqual(plain.lines());
  });

  it("composes the application's own mixin, and writes the line when that mixin throws", () => {
    const output = collectingStream();
    let calls = 0;
    const logger = pino(
      {
        base: undefined,
        timestamp: false,
        mixin: traceMixin({
          mixin: () => {
            calls += 1;
            if (calls === 2) throw new Error('mixin bug');
            return { region: 'eu' };
          },
        }),
      },
      output.stream,
    );
    traceOperation('region.read', () => {
      logger.info('first');
      logger.info('second');
    });
    const fields = fieldsOf(spans.one('region.read'));
    expect(output.records()).toEqual([
      { level: 30, region: 'eu', msg: 'first', ...fields },
      { level: 30, msg: 'second', ...fields },
    ]);
    expect(spans.diagnostics()).toContainEqual(expect.stringContaining("The application's pino mixin threw"));
  });

  it('writes the line without the fields when the context cannot be read, or extraFields throws', () => {
    const output = collectingStream();
    const logger = pino(
      {
        base: undefined,
        timestamp: false,
        mixin: traceMixin({
          extraFields: () => {
            throw new Error('extra fields bug');
          },
        }),
      },
      output.stream,
    );
    withBrokenBaggage(() => logger.info('broken context'));
    traceOperation('extra.fields', () => logger.info('broken hook'));
    expect(output.records()).toEqual([
      { level: 30, msg: 'broken context' },
      { level: 30, msg: 'broken hook', ...fieldsOf(spans.one('extra.fields')) },
    ]);
  });
});
