import { describe, expect, it } from '@jest/globals';
import { incomingHeadersGetter, recordCarrierGetter } from './record-carrier.getter.js';

describe('recordCarrierGetter', () => {
  it.each([
    ['a string', { traceparent: 'v' }, 'traceparent', 'v'],
    ['any key case', { TraceParent: 'v' }, 'traceparent', 'v'],
    ['a Buffer', { traceparent: Buffer.from('v') }, 'traceparent', 'v'],
    ['a Uint8Array', { baggage: new TextEncoder().encode('k=v') }, 'baggage', 'k=v'],
    ['an array of one', { traceparent: [Buffer.from('v')] }, 'traceparent', 'v'],
    ['identical duplicates', { traceparent: ['v', 'v'] }, 'traceparent', 'v'],
    ['conflicting traceparents', { traceparent: ['v', 'w'] }, 'traceparent', undefined],
    ['several tracestate fields', { tracestate: ['a=1', 'b=2'] }, 'tracestate', 'a=1,b=2'],
    ['a number', { traceparent: 1 }, 'traceparent', undefined],
    ['an object', { traceparent: { value: 'v' } }, 'traceparent', undefined],
    ['a missing key', {}, 'traceparent', undefined],
  ])('reads %s', (_case, carrier, key, expected) => {
    expect(recordCarrierGetter.get(carrier as Record<string, unknown>, key)).toEqual(expected);
  });

  it('lists keys and tolerates a missing carrier', () => {
    expect(recordCarrierGetter.keys({ a: 1, b: 2 })).toEqual(['a', 'b']);
    expect(recordCarrierGetter.keys(undefined as never)).toEqual([]);
    expect(recordCarrierGetter.get(undefined as never, 'traceparent')).toBeUndefined();
  });

  it('never throws: a carrier whose getters or Proxy traps throw has no readable fields', () => {
    const fail = (): never => {
      throw new Error('getter');
    };
    const throwingGetter = Object.defineProperty({ baggage: 'k=v' }, 'traceparent', { get: fail, enumerable: true });
    const throwingProxy = new Proxy({}, { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail });
    const revoked = Proxy.revocable({ traceparent: 'v' }, {});
    revoked.revoke();
    for (const carrier of [throwingGetter, throwingProxy, revoked.proxy] as Record<string, unknown>[]) {
      expect(recordCarrierGetter.get(carrier, 'traceparent')).toBeUndefined();
      expect(recordCarrierGetter.get(carrier, 'TraceParent')).toBeUndefined();
    }
    expect(recordCarrierGetter.get(throwingGetter, 'baggage')).toBe('k=v');
    expect(recordCarrierGetter.keys(throwingProxy)).toEqual([]);
    expect(recordCarrierGetter.keys(revoked.proxy)).toEqual([]);
  });
});

describe('incomingHeadersGetter', () => {
  it.each([
    ['a header', { traceparent: 'v' }, 'traceparent', 'v'],
    ['a lower-cased header asked in another case', { 'x-correlation-id': 'c' }, 'X-Correlation-ID', 'c'],
    ['identical repeated values', { tracestate: ['a=1', 'a=1'] }, 'tracestate', 'a=1'],
    ['conflicting traceparents', { traceparent: ['v', 'w'] }, 'traceparent', undefined],
    ['several baggage fields', { baggage: ['a=1', 'b=2'] }, 'baggage', 'a=1,b=2'],
    ['a missing header', { host: 'h' }, 'traceparent', undefined],
  ])('reads %s as recordCarrierGetter does', (_case, carrier, key, expected) => {
    expect(incomingHeadersGetter.get(carrier, key)).toEqual(expected);
    expect(recordCarrierGetter.get(carrier, key)).toEqual(expected);
  });

  it('tolerates a missing carrier and lists keys', () => {
    expect(incomingHeadersGetter.get(undefined as never, 'traceparent')).toBeUndefined();
    expect(incomingHeadersGetter.keys({ host: 'h' })).toEqual(['host']);
  });
});
