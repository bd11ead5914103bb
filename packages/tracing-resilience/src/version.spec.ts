import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

describe('version', () => {
  it('matches package.json, so the instrumentation scope names the real version', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect({ PACKAGE_NAME, PACKAGE_VERSION }).toEqual({
      PACKAGE_NAME: manifest.name,
      PACKAGE_VERSION: manifest.version,
    });
  });
});
