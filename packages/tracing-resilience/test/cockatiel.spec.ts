import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  fallback,
  handleAll,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { traceOperation } from '@huleedu/nest-tracing';
import { traceResiliencePolicy } from '@huleedu/nest-tracing-resilience';
import { deferred, startHarness } from './support/resilience-harness.js';
import type { ResilienceHarness } from './support/resilience-harness.js';

const down = () =>
  traceOperation('downstream.call', async () => {
    throw new Error('down');
  });

describe('traceResiliencePolicy (cockatiel)', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.close());
  beforeEach(() => harness.spans.reset());

  it('traces a breaker: the open event on the tripping call, then a rejection with error.type=circuit_open and no child', async () => {
    const breaker = traceResiliencePolicy(
      circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(1) }),
      'llm-provider',
    );
    await expect(traceOperation('request.tripping', () => breaker.execute(down))).rejects.toThrow('down');
    const tripping = harness.spans.one('resilience.llm-provider');
    expect(tripping).toBeChildOf(harness.spans.one('request.tripping'));
    expect(tripping).toHaveAttributes({
      'resilience.library': 'cockatiel',
      'resilience.policies': ['circuit_breaker'],
      'resilience.circuit.state': 'closed',
      'resilience.outcome': 'failure',
      'error.type': 'Error',
    });
    expect(tripping.events.map((event) => [event.name, event.attributes?.['resilience.circuit.state']])).toContainEqual(
      ['resilience.circuit.state_change', 'open'],
    );
    harness.spans.reset();

    await expect(breaker.execute(down)).rejects.toBeInstanceOf(BrokenCircuitError);
    const rejected = harness.spans.one('resilience.llm-provider');
    expect(rejected).toHaveStatus('error');
    expect(rejected).toHaveAttributes({
      'resilience.circuit.state': 'open',
      'resilience.outcome': 'short_circuited',
      'error.type': 'circuit_open',
    });
    expect(harness.spans.childrenOf(rejected)).toEqual([]);
  });

  it('marks an isolated circuit with error.type=circuit_isolated', async () => {
    const breaker = traceResiliencePolicy(
      circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(1) }),
      'isolated',
    );
    const isolation = breaker.isolate();
    await expect(breaker.execute(() => 'never')).rejects.toBeInstanceOf(BrokenCircuitError);
    isolation.dispose();
    expect(harness.spans.one('resilience.isolated')).toHaveAttributes({
      'resilience.circuit.state': 'isolated',
      'error.type': 'circuit_isolated',
    });
  });

  it('traces each retry attempt as a child span with its number, and each retry as an event with the delay', async () => {
    let calls = 0;
    const policy = traceResiliencePolicy(
      wrap(
        retry(handleAll, { maxAttempts: 2 }),
        circuitBreaker(handleAll, {
          halfOpenAfter: 60_000,
          breaker: new ConsecutiveBreaker(5),
        }),
      ),
      'flaky',
    );
    const result = await policy.execute(() =>
      traceOperation('downstream.call', async () => {
        calls += 1;
        if (calls < 3) throw new Error('flaky');
        return 'third time';
      }),
    );
    expect(result).toBe('third time');
    const call = harness.spans.one('resilience.flaky');
    expect(call).toHaveAttributes({
      'resilience.policies': ['retry', 'circuit_breaker'],
      'resilience.outcome': 'success',
    });
    expect(call).toHaveStatus('unset');
    const attempts = harness.spans.childrenOf(call);
    expect(attempts.map((span) => [span.name, span.attributes['resilience.attempt'], span.status.code])).toEqual([
      ['resilience.flaky.attempt', 0, 2],
      ['resilience.flaky.attempt', 1, 2],
      ['resilience.flaky.attempt', 2, 0],
    ]);
    for (const attempt of attempts)
      expect(harness.spans.childrenOf(attempt).map((span) => span.name)).toEqual(['downstream.call']);
    expect(call.events.filter((event) => event.name === 'resilience.retry').map((event) => event.attributes)).toEqual([
      { 'resilience.attempt': 1, 'resilience.retry.delay_ms': 0, 'error.type': 'Error' },
      { 'resilience.attempt': 2, 'resilience.retry.delay_ms': 0, 'error.type': 'Error' },
    ]);
  });

  it('ends a timed-out call with error.type=timeout and a bulkhead rejection with error.type=bulkhead_rejected', async () => {
    const hold = deferred<string>();
    const slow = traceResiliencePolicy(timeout(1, TimeoutStrategy.Aggressive), 'slow');
    await expect(slow.execute(() => hold.promise)).rejects.toMatchObject({ isTaskCancelledError: true });
    const narrow = traceResiliencePolicy(bulkhead(1), 'narrow');
    const first = narrow.execute(() => hold.promise);
    await expect(narrow.execute(() => 'never')).rejects.toMatchObject({ isBulkheadRejectedError: true });
    hold.resolve('done');
    await first;
    expect(harness.spans.one('resilience.slow')).toHaveAttributes({
      'resilience.outcome': 'timeout',
      'error.type': 'timeout',
    });
    expect(harness.spans.one({ name: 'resilience.narrow', status: 'error' })).toHaveAttributes({
      'resilience.outcome': 'bulkhead_rejected',
      'error.type': 'bulkhead_rejected',
    });
  });

  it('records a fallback as an event on a successful span', async () => {
    const policy = traceResiliencePolicy(
      wrap(fallback(handleAll, 'cached'), retry(handleAll, { maxAttempts: 1 })),
      'guarded',
    );
    await expect(policy.execute(down)).resolves.toBe('cached');
    const span = harness.spans.one('resilience.guarded');
    expect(span).toHaveStatus('unset');
    expect(span).toHaveAttributes({ 'resilience.outcome': 'fallback', 'resilience.policies': ['fallback', 'retry'] });
    expect(span.events.find((event) => event.name === 'resilience.fallback')?.attributes).toEqual({
      'error.type': 'Error',
    });
  });

  it('counts cockatiel calls by outcome', async () => {
    const breaker = traceResiliencePolicy(
      circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(1) }),
      'counted',
    );
    await expect(breaker.execute(down)).rejects.toThrow('down');
    await expect(breaker.execute(down)).rejects.toBeInstanceOf(BrokenCircuitError);
    const calls = (await harness.points('resilience.calls')).filter(
      ([attributes]) => attributes['resilience.name'] === 'counted',
    );
    expect(calls.map(([attributes, value]) => [attributes['resilience.outcome'], value]).sort()).toEqual([
      ['failure', 1],
      ['short_circuited', 1],
    ]);
  });
});
