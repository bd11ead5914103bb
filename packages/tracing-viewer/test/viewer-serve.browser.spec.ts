import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { LINKED_SPAN, UPLOAD_SPANS, exportMultiServiceTraces } from './multi-service-trace.js';
import { runCli, waitForOutput } from './viewer-cli.js';
import type { CliProcess } from './viewer-cli.js';

interface TracesResponse {
  data: { traces: Array<{ rootName: string; rows: Array<{ name: string; service: string }> }> };
  live: { version: number };
}

describe('nest-tracing-viewer --serve', () => {
  let cli: CliProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    cli = runCli(['--serve', '--port', '0']);
    [, url] = await waitForOutput(cli, /traces on (http:\/\/127\.0\.0\.1:\d+)\//);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 560 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGTERM');
  });

  it('tells where to point the exporters', () => {
    expect(cli.output()).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${url}`);
  });

  it('serves a page with no traces until spans arrive', async () => {
    await page.goto(`${url}/`);
    expect(await page.locator('#traces').textContent()).toBe('No traces yet.');
    const response = (await (await fetch(`${url}/api/traces`)).json()) as TracesResponse;
    expect(response.data.traces).toEqual([]);
  });

  it('shows the traces an OTLP exporter sends, as they arrive, newest first', async () => {
    await exportMultiServiceTraces(url);
    // The open page polls: the rows appear without a reload.
    await page.locator('.row').nth(UPLOAD_SPANS.length).waitFor({ timeout: 10_000 });
    const sections = page.locator('details.trace');
    expect(await sections.count()).toBe(2);
    expect(await sections.nth(0).locator('.row .name').allTextContents()).toEqual([LINKED_SPAN]);
    expect(await sections.nth(1).locator('.row .name').allTextContents()).toEqual(
      UPLOAD_SPANS.map((span) => span.name),
    );
    expect(await page.locator('#legend li').count()).toBe(3);
  });

  it('answers its JSON endpoint with the traces, and 204 while nothing changed', async () => {
    const response = (await (await fetch(`${url}/api/traces`)).json()) as TracesResponse;
    expect(response.data.traces.map((trace) => trace.rootName)).toEqual(['POST /essays', LINKED_SPAN]);
    expect(response.data.traces[0].rows.map((row) => row.service)).toEqual(UPLOAD_SPANS.map((span) => span.service));
    const unchanged = await fetch(`${url}/api/traces?version=${response.live.version}`);
    expect(unchanged.status).toBe(204);
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });

  it('says so when its port is in use, and exits', async () => {
    const second = runCli(['--serve', '--port', new URL(url).port]);
    expect(await second.exit()).toBe(2);
    expect(second.output()).toContain(`port ${new URL(url).port} is in use`);
  });

  it('stops on SIGTERM', async () => {
    cli.child.kill('SIGTERM');
    expect(await cli.exit()).toBe(0);
  });
});
