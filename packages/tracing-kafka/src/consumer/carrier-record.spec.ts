import { describe, expect, it } from '@jest/globals';
import { asCarrierRecord, readField } from './carrier-record.js';

const fail = (): never => {
  throw new Error('getter');
};

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({ traceparent: 'v' }, {});
  revoke();
  return proxy;
}

describe('asCarrierRecord', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'traceparent'],
    ['a number', 7],
    ['a boolean', true],
    ['a function', () => undefined],
    ['an array', ['traceparent']],
    ['a Buffer', Buffer.from('traceparent')],
    ['a Uint8Array', new Uint8Array(4)],
    ['a revoked Proxy', revokedProxy()],
  ])('is undefined for %s', (_case, value) => {
    expect(asCarrierRecord(value)).toBeUndefined();
  });

  it('is the object itself for plain, null-prototype and Proxy records', () => {
    const plain = { traceparent: 'v' };
    const bare = Object.create(null) as Record<string, unknown>;
    const proxy = new Proxy({}, { get: fail });
    for (const record of [plain, bare, proxy]) expect(asCarrierRecord(record)).toBe(record);
  });
});

describe('readField', () => {
  it('reads a field of an object or a function', () => {
    expect(readField({ headers: 'h' }, 'headers')).toBe('h');
    expect(
      readField(
        Object.assign(() => undefined, { headers: 'h' }),
        'headers',
      ),
    ).toBe('h');
  });

  it('is undefined for no object, a throwing getter, a throwing Proxy or a revoked one', () => {
    expect(readField(null, 'headers')).toBeUndefined();
    expect(readField('text', 'length')).toBeUndefined();
    expect(readField(Object.defineProperty({}, 'headers', { get: fail }), 'headers')).toBeUndefined();
    expect(readField(new Proxy({}, { get: fail }), 'headers')).toBeUndefined();
    expect(readField(revokedProxy(), 'traceparent')).toBeUndefined();
  });
});
