import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestMetrics, TracingTestingModule, tracingMatchers } from '@huleedu/nest-tracing-testing';
import type { HistogramPoint } from '@huleedu/nest-tracing-testing';

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

const OPERATION = 'nest_tracing.operation.duration';

describe('TestMetrics and the metric matchers', () => {
  let moduleRef: TestingModule;
  let testMetrics: TestMetrics;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'grading-service', metrics: true })],
    }).compile();
    testMetrics = moduleRef.get(TestMetrics);
  });
  afterAll(async () => moduleRef.close());

  it('sums what each collection brought, per attribute set, until reset()', async () => {
    await testMetrics.reset();
    traceOperation('essay.grade', () => 1);
    traceOperation('essay.grade', () => 2);
    expect(await testMetrics.histogram(OPERATION)).toHaveDataPoint({ 'operation.name': 'essay.grade' }, 2);
    traceOperation('essay.grade', () => 3);
    expect(() =>
      traceOperation('essay.grade', () => {
        throw new RangeError('score out of range');
      }),
    ).toThrow(RangeError);
    const points = await testMetrics.histogram(OPERATION);
    expect(points).toHaveDataPoint({ 'operation.name': 'essay.grade', 'error.type': undefined }, 3);
    expect(points).toHaveDataPoint({ 'operation.name': 'essay.grade', 'error.type': 'RangeError' }, 1);
    const point = points.find((candidate) => candidate.attributes['error.type'] === undefined)!;
    expect(point.bucketCounts.reduce((sum, count) => sum + count, 0)).toBe(3);
    expect(point.sum).toBeGreaterThanOrEqual(0);
    expect(await testMetrics.names()).toEqual([OPERATION]);

    await testMetrics.reset();
    expect(await testMetrics.histogram(OPERATION)).toEqual([]);
  });

  it('toHaveDataPoint and toHaveOnlyAttributeKeys fail with the data points they saw', async () => {
    await testMetrics.reset();
    traceOperation('essay.grade', () => 1);
    const points: HistogramPoint[] = await testMetrics.histogram(OPERATION);

    const wrongCount = run('toHaveDataPoint', points, { 'operation.name': 'essay.grade' }, 5);
    expect(wrongCount.pass).toBe(false);
    expect(wrongCount.message).toContain(
      'Expected a data point with attributes {"operation.name":"essay.grade"} and count 5',
    );
    expect(wrongCount.message).toContain('nest_tracing.operation.duration count=1');

    const extraKey = run('toHaveOnlyAttributeKeys', points, ['operation.name']);
    expect(extraKey.pass).toBe(false);
    expect(extraKey.message).toContain('also found ["operation.type"]');
    expect(run('toHaveOnlyAttributeKeys', points, ['operation.name', 'operation.type']).pass).toBe(true);

    expect(() => run('toHaveDataPoint', testMetrics, {})).toThrow(
      /expected the data points of TestMetrics.histogram\(\)/,
    );
  });
});
