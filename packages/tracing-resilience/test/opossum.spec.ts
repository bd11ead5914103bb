import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import CircuitBreaker from 'opossum';
import { traceOperation } from '@huleedu/nest-tracing';
import { traceCircuitBreaker } from '@huleedu/nest-tracing-resilience';
import { deferred, startHarness } from './support/resilience-harness.js';
import type { ResilienceHarness } from './support/resilience-harness.js';

const fail = (message: string) => () =>
  traceOperation('downstream.call', async () => {
    throw new Error(message);
  });
const work = (value: string) => traceOperation('downstream.call', async () => value);

/** A breaker that opens on its first failure and stays open for the rest of the test (its reset timer is unref'd). */
function strictBreaker<T>(action: (...args: any[]) => Promise<T>, name: string, options: CircuitBreaker.Options = {}) {
  return traceCircuitBreaker(
    new CircuitBreaker(action, {
      name,
      volumeThreshold: 1,
      errorThresholdPercentage: 1,
      resetTimeout: 60_000,
      ...options,
    }),
  );
}

describe('traceCircuitBreaker (opossum)', () => {
  let harness: ResilienceHarness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.close());
  beforeEach(() => harness.spans.reset());

  it('traces a successful call as resilience.{name} with the state at entry, the work as its child', async () => {
    const breaker = strictBreaker(work, 'profiles');
    await expect(traceOperation('request', () => breaker.fire('ok'))).resolves.toBe('ok');
    const span = harness.spans.one('resilience.profiles');
    expect(span).toBeChildOf(harness.spans.one('request'));
    expect(span).toHaveAttributes({
      'resilience.name': 'profiles',
      'resilience.library': 'opossum',
      'resilience.policies': ['circuit_breaker'],
      'resilience.circuit.state': 'closed',
      'resilience.outcome': 'success',
      'operation.type': 'resilience',
      'operation.result': 'success',
    });
    expect(harness.spans.one('downstream.call')).toBeChildOf(span);
  });

  it('records the open event on the span of the call that tripped the breaker, and rejects the next call without running it', async () => {
    const breaker = strictBreaker(fail('down'), 'content-store');
    await expect(traceOperation('request.tripping', () => breaker.fire())).rejects.toThrow('down');
    const tripping = harness.spans.one('resilience.content-store');
    expect(tripping).toBeChildOf(harness.spans.one('request.tripping'));
    expect(tripping).toHaveStatus('error');
    expect(tripping).toHaveAttributes({ 'resilience.outcome': 'failure', 'error.type': 'Error' });
    expect(tripping.events.filter((event) => event.name === 'resilience.circuit.state_change')).toEqual([
      expect.objectContaining({
        attributes: {
          'resilience.name': 'content-store',
          'resilience.circuit.state': 'open',
          'resilience.circuit.previous_state': 'closed',
        },
      }),
    ]);
    harness.spans.reset();

    await expect(traceOperation('request.rejected', () => breaker.fire())).rejects.toMatchObject({
      code: 'EOPENBREAKER',
    });
    const rejected = harness.spans.one('resilience.content-store');
    expect(rejected).toHaveStatus('error');
    expect(rejected).toHaveAttributes({
      'resilience.circuit.state': 'open',
      'resilience.outcome': 'short_circuited',
      'error.type': 'circuit_open',
      'operation.result': 'error',
    });
    expect(harness.spans.childrenOf(rejected)).toEqual([]);
    expect(harness.spans.byName('downstream.call')).toEqual([]);
  });

  it('shows half-open and close: the timer-driven half-open is span-less, the close sits on the trial call', async () => {
    const halfOpen = traceCircuitBreaker(
      new CircuitBreaker(work, {
        name: 'catalogue-2',
        volumeThreshold: 1,
        errorThresholdPercentage: 1,
        resetTimeout: 1,
      }),
    );
    const halfOpened = new Promise((resolve) => halfOpen.once('halfOpen', resolve));
    halfOpen.open();
    await halfOpened;
    await traceOperation('request.trial', () => halfOpen.fire('back'));
    const trial = harness.spans.one('resilience.catalogue-2');
    expect(trial).toHaveAttributes({ 'resilience.circuit.state': 'half_open', 'resilience.outcome': 'success' });
    expect(trial.events.map((event) => [event.name, event.attributes?.['resilience.circuit.state']])).toEqual([
      ['resilience.circuit.state_change', 'closed'],
    ]);
    expect(halfOpen.closed).toBe(true);
    const halfOpenEvents = harness.spans
      .all()
      .flatMap((span) => span.events)
      .filter((event) => event.attributes?.['resilience.circuit.state'] === 'half_open');
    expect(halfOpenEvents).toEqual([]);
    expect(await harness.points('resilience.circuit_breaker.state_changes')).toContainEqual([
      { 'resilience.name': 'catalogue-2', 'resilience.circuit.state': 'half_open' },
      1,
    ]);
  });

  it('leaves the call unchanged when the metrics SDK throws', async () => {
    const breaker = strictBreaker(work, 'broken-metrics');
    harness.useMeterProvider({
      getMeter: () => {
        throw new Error('broken meter');
      },
    });
    try {
      await expect(breaker.fire('still fine')).resolves.toBe('still fine');
    } finally {
      harness.useMeterProvider();
    }
    expect(harness.spans.one('resilience.broken-metrics')).toHaveAttributes({ 'resilience.outcome': 'success' });
  });

  it('ends a call that exceeds the timeout with error.type=timeout', async () => {
    const hold = deferred<string>();
    const breaker = strictBreaker(() => hold.promise, 'slow', { timeout: 1 });
    await expect(breaker.fire()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    hold.resolve('late');
    expect(harness.spans.one('resilience.slow')).toHaveAttributes({
      'resilience.outcome': 'timeout',
      'error.type': 'timeout',
    });
  });

  it('ends a call refused by a full bulkhead (capacity) with error.type=bulkhead_rejected', async () => {
    const hold = deferred<string>();
    const breaker = strictBreaker(() => hold.promise, 'narrow', { capacity: 1 });
    const first = breaker.fire();
    await expect(breaker.fire()).rejects.toMatchObject({ code: 'ESEMLOCKED' });
    hold.resolve('done');
    await first;
    const [refused] = harness.spans.find({ name: 'resilience.narrow', status: 'error' });
    expect(refused).toHaveAttributes({ 'resilience.outcome': 'bulkhead_rejected', 'error.type': 'bulkhead_rejected' });
  });

  it('records a fallback as an event and leaves the span without error', async () => {
    const breaker = strictBreaker(fail('down'), 'with-fallback');
    breaker.fallback(() => 'cached');
    await expect(breaker.fire()).resolves.toBe('cached');
    const span = harness.spans.one('resilience.with-fallback');
    expect(span).toHaveStatus('unset');
    expect(span).toHaveAttributes({ 'resilience.outcome': 'fallback', 'operation.result': 'success' });
    expect(span.events.find((event) => event.name === 'resilience.fallback')?.attributes).toEqual({
      'error.type': 'Error',
    });
    await expect(breaker.fire()).resolves.toBe('cached');
    const fallbacks = harness.spans.byName('resilience.with-fallback').map((s) => s.events.at(-1)?.attributes);
    expect(fallbacks[1]).toEqual({ 'error.type': 'circuit_open' });
  });

  it('marks errors the errorFilter ignores as ignored: they reject, and the breaker stays closed', async () => {
    const breaker = strictBreaker(fail('not found'), 'filtered', { errorFilter: () => true });
    await expect(breaker.fire()).rejects.toThrow('not found');
    expect(harness.spans.one('resilience.filtered')).toHaveAttributes({ 'resilience.outcome': 'ignored' });
    expect(breaker.closed).toBe(true);
  });

  it('traces breaker.call(this, ...) like fire, and tracing twice makes one span', async () => {
    const breaker = strictBreaker(async function (this: { id: string }) {
      return this.id;
    }, 'with-this');
    traceCircuitBreaker(breaker);
    await expect(breaker.call({ id: 'ctx' })).resolves.toBe('ctx');
    expect(harness.spans.byName('resilience.with-this')).toHaveLength(1);
  });

  it('counts calls by outcome and state changes, and moves the state gauge', async () => {
    const breaker = strictBreaker(fail('down'), 'metered');
    await expect(breaker.fire()).rejects.toThrow('down');
    await expect(breaker.fire()).rejects.toMatchObject({ code: 'EOPENBREAKER' });
    const calls = (await harness.points('resilience.calls')).filter(
      ([attributes]) => attributes['resilience.name'] === 'metered',
    );
    expect(calls).toEqual(
      expect.arrayContaining([
        [{ 'resilience.name': 'metered', 'resilience.library': 'opossum', 'resilience.outcome': 'failure' }, 1],
        [{ 'resilience.name': 'metered', 'resilience.library': 'opossum', 'resilience.outcome': 'short_circuited' }, 1],
      ]),
    );
    expect(calls).toHaveLength(2);
    expect(await harness.points('resilience.circuit_breaker.state_changes')).toContainEqual([
      { 'resilience.name': 'metered', 'resilience.circuit.state': 'open' },
      1,
    ]);
    const gauge = (await harness.points('resilience.circuit_breaker.state')).filter(
      ([attributes]) => attributes['resilience.name'] === 'metered',
    );
    expect(
      Object.fromEntries(gauge.map(([attributes, value]) => [attributes['resilience.circuit.state'], value])),
    ).toEqual({
      closed: 0,
      open: 1,
      half_open: 0,
      isolated: 0,
    });
  });
});
