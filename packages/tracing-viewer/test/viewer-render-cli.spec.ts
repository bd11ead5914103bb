import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import { UPLOAD_SPANS, exportMultiServiceTraces } from './multi-service-trace.js';
import { runCli } from './viewer-cli.js';

describe('nest-tracing-viewer render', () => {
  const dir = mkdtempSync(join(tmpdir(), 'viewer-render-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the page for spans saved as JSON', async () => {
    const receiver = await new OtlpTraceReceiver().start();
    try {
      await exportMultiServiceTraces(receiver.endpoint);
      await receiver.waitFor(UPLOAD_SPANS.length + 1);
    } finally {
      await receiver.stop();
    }
    const spansFile = join(dir, 'spans.json');
    const page = join(dir, 'out.html');
    writeFileSync(
      spansFile,
      JSON.stringify(receiver.spans, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
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
