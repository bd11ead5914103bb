import { describe, expect, it } from '@jest/globals';
import { globToRegExp, isGlob } from './glob-to-regexp.js';

describe('globToRegExp', () => {
  it.each([
    ['kafka.consume.heartbeat*', 'kafka.consume.heartbeat', true],
    ['kafka.consume.heartbeat*', 'kafka.consume.heartbeat.v2', true],
    ['kafka.consume.heartbeat*', 'kafka.consumeXheartbeat', false],
    ['health.?', 'health.a', true],
    ['health.?', 'health.ab', false],
    ['a+b(c)', 'a+b(c)', true],
  ])('%s matches %s: %s', (glob, name, expected) => {
    expect(globToRegExp(glob).test(name)).toBe(expected);
  });

  it('tells globs from exact names', () => {
    expect(isGlob('a*')).toBe(true);
    expect(isGlob('a.b')).toBe(false);
  });
});
