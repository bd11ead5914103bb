import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation } from '@opentelemetry/api';
import type { Baggage, Context } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { LazyBaggage, LazyW3CBaggagePropagator } from './lazy-baggage.propagator.js';

const stock = new W3CBaggagePropagator();
const lazy = new LazyW3CBaggagePropagator();

const extract = (propagator: W3CBaggagePropagator, header: string | string[] | undefined): Context =>
  propagator.extract(ROOT_CONTEXT, header === undefined ? {} : { baggage: header }, defaultTextMapGetter);

const entries = (baggage: Baggage | undefined) =>
  baggage
    ?.getAllEntries()
    .map(([key, entry]) => [key, entry.value, entry.metadata?.toString()])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));

const inject = (propagator: W3CBaggagePropagator, ctx: Context): Record<string, string> => {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
};

describe('LazyW3CBaggagePropagator', () => {
  it.each([
    ['one entry', 'correlation_id=6f1c2b9e-4d7a-4c51-9a8e-2f0b7d3e1a55'],
    ['several entries with spaces and metadata', 'a=1, b = two;prop=x ,c=%20three'],
    ['a repeated key (the last wins)', 'k=1,k=2'],
    ['malformed entries among good ones', 'good=1,=nokey,novalue=,bad%E0=1,also=2'],
    ['several header fields', ['a=1', 'b=2']],
  ])('gives the baggage OpenTelemetry parses: %s', (_case, header) => {
    const ours = extract(lazy, header);
    const theirs = extract(stock, header);
    expect(propagation.getBaggage(ours)).toBeInstanceOf(LazyBaggage);
    expect(entries(propagation.getBaggage(ours))).toEqual(entries(propagation.getBaggage(theirs)));
    expect(inject(lazy, ours)).toEqual(inject(stock, theirs));
  });

  it('leaves the context as it is without a header, or with an empty one', () => {
    expect(extract(lazy, undefined)).toBe(ROOT_CONTEXT);
    expect(extract(lazy, '')).toBe(ROOT_CONTEXT);
    expect(extract(lazy, [])).toBe(ROOT_CONTEXT);
  });

  it('gives an empty baggage for a header of malformed entries only (OpenTelemetry gives none)', () => {
    const ours = propagation.getBaggage(extract(lazy, '=x,y='));
    expect(ours?.getAllEntries()).toEqual([]);
    expect(propagation.getBaggage(extract(stock, '=x,y='))).toBeUndefined();
    expect(inject(lazy, extract(lazy, '=x,y='))).toEqual({});
  });

  it('parses on the first read only, and once', () => {
    const baggage = propagation.getBaggage(extract(lazy, 'a=1')) as LazyBaggage;
    const parse = jestSpyOnParse(baggage);
    expect(parse.calls).toBe(0);
    expect(baggage.getEntry('a')?.value).toBe('1');
    expect(baggage.getEntry('b')).toBeUndefined();
    expect(baggage.getAllEntries()).toHaveLength(1);
    expect(parse.calls).toBe(1);
  });

  it('applies setEntry made before the first read after parsing, in order, and never changes the original', () => {
    const received = propagation.getBaggage(extract(lazy, 'correlation_id=old,tenant=t1'))!;
    const updated = received
      .setEntry('correlation_id', { value: 'new' })
      .setEntry('user', { value: 'u1' })
      .setEntry('user', { value: 'u2' });
    expect(updated).toBeInstanceOf(LazyBaggage);
    expect(entries(updated)).toEqual([
      ['correlation_id', 'new', undefined],
      ['tenant', 't1', undefined],
      ['user', 'u2', undefined],
    ]);
    expect(entries(received)).toEqual([
      ['correlation_id', 'old', undefined],
      ['tenant', 't1', undefined],
    ]);
    // after the first read, changes go to the parsed baggage
    expect(entries(received.setEntry('x', { value: '1' }))).toContainEqual(['x', '1', undefined]);
  });

  it('removes and clears as the API baggage does', () => {
    const received = propagation.getBaggage(extract(lazy, 'a=1,b=2,c=3'))!;
    expect(entries(received.removeEntry('a'))).toEqual([
      ['b', '2', undefined],
      ['c', '3', undefined],
    ]);
    expect(entries(received.removeEntries('a', 'c'))).toEqual([['b', '2', undefined]]);
    expect(received.clear().getAllEntries()).toEqual([]);
    expect(entries(received)).toHaveLength(3);
  });
});

/** Counts how often the baggage parses its header (by watching the private parsed slot get filled). */
function jestSpyOnParse(baggage: LazyBaggage): { readonly calls: number } {
  const holder = baggage as unknown as { parsed: Baggage | undefined };
  let calls = 0;
  let value = holder.parsed;
  Object.defineProperty(holder, 'parsed', {
    get: () => value,
    set: (next: Baggage | undefined) => {
      calls++;
      value = next;
    },
  });
  return {
    get calls() {
      return calls;
    },
  };
}
