import { describe, expect, it } from '@jest/globals';
import { coerceAttributeValue, coerceAttributes } from './coerce-attributes.js';

describe('coerceAttributeValue', () => {
  it.each([
    ['a string', 'abc', 'abc'],
    ['a long string', 'abcdef', 'abcd'],
    ['a number', 1.5, 1.5],
    ['a boolean', false, false],
    ['a bigint', 12n, '12'],
    ['a Date', new Date('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000Z'],
    ['an invalid Date', new Date('nope'), undefined],
    ['null', null, undefined],
    ['undefined', undefined, undefined],
    ['an object', { password: 'x' }, undefined],
    ['a function', () => 1, undefined],
    ['a symbol', Symbol('s'), undefined],
    ['a homogeneous array', [1, 2], [1, 2]],
    ['a mixed array', ['a', 1, true], ['a', '1', 'true']],
    ['an array with objects and nulls', ['a', null, { x: 1 }, 'b'], ['a', 'b']],
    // API 1.10 accepts maps, byte arrays and nested arrays as attribute values; from an argument or a
    // result they are a DTO or a payload, so they stay out of the span unless set on purpose
    ['a byte array', new Uint8Array([1, 2]), undefined],
    ['a Buffer', Buffer.from('secret'), undefined],
    ['a map of attribute values', { words: 120, tags: ['en'] }, undefined],
    ['a nested array', [[1, 2], 3], [3]],
  ])('handles %s', (_case, value, expected) => {
    expect(coerceAttributeValue(value, 4)).toEqual(expected);
  });

  it('drops the keys of skipped values', () => {
    expect(coerceAttributes({ a: 1, b: undefined as never, c: 'ok' }, 10)).toEqual({ a: 1, c: 'ok' });
  });
});
