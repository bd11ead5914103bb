import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule, getTestSpans, useTracingTestIsolation } from '@huleedu/nest-tracing-testing';

describe('TestSpans', () => {
  let moduleRef: TestingModule;
  const spans = useTracingTestIsolation({ checkLifecycle: false });

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'result-aggregator-service' })],
    }).compile();
  });
  afterAll(async () => moduleRef.close());

  it('is the same store through DI and without it', () => {
    traceOperation('result.collect', () => undefined);
    expect(moduleRef.get(TestSpans).all()).toHaveLength(1);
    expect(getTestSpans().all()).toHaveLength(1);
    expect(spans.all()).toHaveLength(1);
  });

  it('starts every test empty (per-test isolation)', () => {
    expect(spans.all()).toEqual([]);
  });

  it('finds spans by name, pattern, kind, status, attributes, parent and trace', () => {
    traceOperation('report.build', { 'batch.size': 3 }, () => {
      traceOperation('report.row', { 'result.count': 1 }, () => undefined, { kind: SpanKind.CLIENT });
      expect(() =>
        traceOperation('report.fail', () => {
          throw new Error('x');
        }),
      ).toThrow();
    });
    const root = spans.one('report.build');
    expect(spans.byName(/^report\./)).toHaveLength(3);
    expect(spans.find({ kind: SpanKind.CLIENT }).map((s) => s.name)).toEqual(['report.row']);
    expect(spans.find({ status: 'error' }).map((s) => s.name)).toEqual(['report.fail']);
    expect(spans.find({ attributes: { 'batch.size': 3 } })).toEqual([root]);
    expect(spans.childrenOf(root)).toHaveLength(2);
    expect(spans.parentOf(spans.one('report.row'))).toBe(root);
    expect(spans.find({ parent: null })).toEqual([root]);
    expect(spans.inTrace(root)).toHaveLength(3);
  });

  it('one() fails with the span tree when there is not exactly one match', () => {
    traceOperation('dup', () => undefined);
    traceOperation('dup', () => undefined);
    expect(() => spans.one('dup')).toThrow(
      /Expected exactly one span matching \{ name="dup" \}, found 2\.[\s\S]*└─ dup \[INTERNAL\]/,
    );
    expect(() => spans.one('missing')).toThrow(/found 0/);
  });

  it('prints a readable tree with kinds, durations, errors and key attributes', () => {
    traceOperation('essay.pipeline', { 'essay.id': 'e-1' }, () => {
      traceOperation('essay.spellcheck', () => undefined);
      expect(() =>
        traceOperation('essay.assess', () => {
          throw new Error('model timeout');
        }),
      ).toThrow();
    });
    const lines = spans.tree().split('\n');
    expect(lines[0]).toMatch(/^trace [0-9a-f]{32}$/);
    expect(lines[1]).toMatch(/^└─ essay\.pipeline \[INTERNAL\] \d+\.\d{2}ms {2}essay\.id=e-1$/);
    expect(lines[2]).toMatch(/^ {3}├─ essay\.spellcheck \[INTERNAL\]/);
    expect(lines[3]).toMatch(/^ {3}└─ essay\.assess \[INTERNAL\] .* ✗ ERROR \(model timeout\) {2}error\.type=Error$/);
  });

  it('waits for a count or a condition, event-driven, and times out with the tree', async () => {
    setTimeout(() => traceOperation('later.one', () => undefined), 5);
    setTimeout(() => traceOperation('later.two', () => undefined), 10);
    await expect(spans.waitFor(2)).resolves.toHaveLength(2);
    await expect(spans.waitFor((all) => all.some((s) => s.name === 'later.two'))).resolves.toHaveLength(2);
    await expect(spans.waitFor(5, 30)).rejects.toThrow(/Timed out after 30 ms waiting for 5 spans[\s\S]*later\.one/);
  });

  it('finds spans left open, ended twice and changed after end', () => {
    const tracer = trace.getTracer('lifecycle');
    const open = tracer.startSpan('left.open');
    const twice = tracer.startSpan('ended.twice');
    twice.end();
    twice.end();
    const late = tracer.startSpan('changed.late');
    late.end();
    late.setAttribute('too', 'late');
    const problems = spans.lifecycleProblems();
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/span left open: left\.open/);
    expect(problems.join('\n')).toMatch(/span ended twice/);
    expect(problems.join('\n')).toMatch(/span changed after end/);
    expect(() => spans.assertLifecycle()).toThrow(/Span lifecycle problems/);
    open.end();
    spans.reset();
    expect(() => spans.assertLifecycle()).not.toThrow();
  });
});
