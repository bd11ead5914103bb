import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { traceOperation } from '@huleedu/nest-tracing';
import {
  TracingTestingModule,
  formatSpanTree,
  tracingMatchers,
  useTracingTestIsolation,
} from '@huleedu/nest-tracing-testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

type Matcher = (
  this: { isNot: boolean },
  received: unknown,
  ...args: any[]
) => { pass: boolean; message: () => string };

function run(
  name: keyof typeof tracingMatchers,
  received: unknown,
  ...args: unknown[]
): { pass: boolean; message: string } {
  const outcome = (tracingMatchers[name] as Matcher).call({ isNot: false }, received, ...args);
  return { pass: outcome.pass, message: outcome.message() };
}

describe('jest matchers', () => {
  let moduleRef: TestingModule;
  const spans = useTracingTestIsolation();
  let parent: ReadableSpan;
  let child: ReadableSpan;
  let other: ReadableSpan;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [TracingTestingModule.forRoot()] }).compile();
  });
  afterAll(async () => moduleRef.close());

  function produce(): void {
    traceOperation('parent', { 'essay.id': 'e-1' }, () => {
      expect(() =>
        traceOperation('child', () => {
          throw new TypeError('bad');
        }),
      ).toThrow();
    });
    traceOperation('other', () => undefined, { links: [{ context: spans.one('parent').spanContext() }] });
    [parent, child, other] = [spans.one('parent'), spans.one('child'), spans.one('other')];
  }

  it('pass on matching spans, through expect', () => {
    produce();
    expect(spans).toHaveSpan('parent', { 'essay.id': 'e-1' });
    expect(spans.all()).toHaveSpanCount(3);
    expect(spans).toHaveSpanCount(1, 'child');
    expect(parent).toHaveAttributes({ 'essay.id': 'e-1' });
    expect(child).toBeChildOf(parent);
    expect(child).toBeInSameTrace(parent);
    expect(child).toHaveStatus('error');
    expect(child).toHaveStatus(SpanStatusCode.ERROR);
    expect(child).toHaveRecordedException('TypeError');
    expect(other).toHaveLinkTo(parent);
    expect(other).not.toBeInSameTrace(parent);
    expect(parent).not.toBeChildOf(child);
  });

  it('compare the attribute values API 1.10 allows (maps, bytes, nested arrays, null) in depth', () => {
    traceOperation('wide', (span) => {
      span.setAttribute('essay.meta', { words: 120, tags: ['draft', 'en'], reviewer: { id: 'r-1' } });
      span.setAttribute('essay.digest', new Uint8Array([0xca, 0xfe]));
      span.setAttribute('essay.grid', [
        [1, 2],
        [3, 4],
      ]);
      span.setAttribute('essay.reviewed_at', null);
    });
    const wide = spans.one('wide');
    expect(wide).toHaveAttributes({
      'essay.meta': { words: 120, tags: ['draft', 'en'], reviewer: { id: 'r-1' } },
      'essay.digest': new Uint8Array([0xca, 0xfe]),
      'essay.grid': [
        [1, 2],
        [3, 4],
      ],
      'essay.reviewed_at': null,
    });
    expect(spans).toHaveSpan('wide', { 'essay.meta': { words: 120, tags: ['draft', 'en'], reviewer: { id: 'r-1' } } });
    for (const wrong of [
      { 'essay.meta': { words: 120, tags: ['draft', 'en'] } },
      { 'essay.meta': { words: 120, tags: ['draft', 'en'], reviewer: { id: 'r-2' } } },
      { 'essay.digest': new Uint8Array([0xca, 0xff]) },
      { 'essay.grid': [[1, 2], [3]] },
      { 'essay.reviewed_at': undefined },
    ]) {
      expect(run('toHaveAttributes', wide, wrong).pass).toBe(false);
    }
    expect(formatSpanTree([wide])).toContain(
      // values are cut at 48 characters
      'essay.meta={words:120,tags:[draft,en],reviewer:{id… essay.digest=0xcafe essay.grid=[[1,2],[3,4]] essay.reviewed_at=null',
    );
  });

  it('fail with a message that names the problem and prints the span tree', () => {
    produce();
    const cases: Array<[keyof typeof tracingMatchers, unknown, unknown[], RegExp]> = [
      ['toHaveSpan', spans, ['missing'], /Expected spans to include one matching \{ name="missing" \}/],
      ['toHaveSpanCount', spans, [5], /Expected 5 spans, found 3/],
      ['toHaveAttributes', parent, [{ 'essay.id': 'e-2' }], /essay\.id: expected "e-2", got "e-1"/],
      ['toBeChildOf', parent, [child], /Expected parent to be a child of child/],
      ['toBeInSameTrace', other, [parent], /Expected other to be in the same trace as parent/],
      ['toHaveStatus', parent, ['error'], /Expected parent to have status error, got code 0/],
      ['toHaveRecordedException', child, ['RangeError'], /of type RangeError; recorded: TypeError/],
      ['toHaveLinkTo', parent, [other], /Expected parent to link to other/],
    ];
    for (const [name, received, args, message] of cases) {
      const outcome = run(name, received, ...args);
      expect(outcome.pass).toBe(false);
      expect(outcome.message).toMatch(message);
      expect(outcome.message).toMatch(/Spans:\ntrace [0-9a-f]{32}\n/);
    }
  });

  it('reject what is not a span', () => {
    expect(() => run('toHaveAttributes', { name: 'fake' }, {})).toThrow(/expected a finished span/);
    expect(() => run('toHaveSpan', 'spans', 'x')).toThrow(/expected a TestSpans or an array/);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
