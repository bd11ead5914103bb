import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { UPLOAD_SPANS, receivedMultiServiceTraces } from './multi-service-trace.js';
import { runCli } from './viewer-cli.js';

describe('nest-tracing-viewer render', () => {
  const dir = mkdtempSync(join(tmpdir(), 'viewer-render-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the page for spans saved as JSON', async () => {
    const received = await receivedMultiServiceTraces();
    const spansFile = join(dir, 'spans.json');
    const page = join(dir, 'out.html');
    writeFileSync(
      spansFile,
      JSON.stringify(received, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
    );
    const cli = runCli(['render', spansFile, '-o', page]);
    expect(await cli.exit()).toBe(0);
    expect(cli.output()).toContain(`${UPLOAD_SPANS.length + 1} spans -> ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('"rootName":"POST /essays"');
  });

  it('fails with the usage when the output file is missing', async () => {
    const cli = runCli(['render', join(dir, 'spans.json')]);
    expect(await cli.exit()).toBe(2);
    expect(cli.output()).toContain('render needs -o <out.html>');
    expect(cli.output()).toContain('Usage:');
  });
});
