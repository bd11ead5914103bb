import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { renderTraceViewerHtml } from '../src/index.js';
import { launchChromium } from './chromium.js';
import {
  ERROR_SPAN,
  EVENT_SPAN,
  LINKED_SPAN,
  SERVICES,
  UPLOAD_SPANS,
  receivedMultiServiceTraces,
} from './multi-service-trace.js';

/**
 * The picture the package README and the root README show, rewritten with `UPDATE_VIEWER_SCREENSHOT=1` (it is
 * not pixel-identical from run to run, so a plain test run leaves the committed one alone and writes a copy).
 */
const SCREENSHOT =
  process.env.UPDATE_VIEWER_SCREENSHOT === '1'
    ? resolve(import.meta.dirname, '../docs/viewer.png')
    : join(tmpdir(), `nest-tracing-viewer-${process.pid}.png`);
const HOSTILE = '</script><script>document.title = "injected"</script>';

/**
 * The little of the DOM the `evaluateAll` callbacks use: they run in the page, but the spec project is
 * type-checked with Node's types, not the DOM's.
 */
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  parentElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): { left: number; right: number; width: number };
}
declare const getComputedStyle: (element: PageElement) => { backgroundColor: string; paddingLeft: string };

const rowOf = (page: Page, name: string) => page.locator('.row', { has: page.locator(`.name:text-is("${name}")`) });

describe('the viewer page in Chromium (opened from a file, spans received over OTLP)', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const received = await receivedMultiServiceTraces();
    // A value that would end the data's <script> element if the page did not escape it.
    const spans = received.map((span) =>
      span.name === EVENT_SPAN ? { ...span, attributes: { ...span.attributes, 'file.comment': HOSTILE } } : span,
    );
    dir = mkdtempSync(join(tmpdir(), 'viewer-page-'));
    const file = join(dir, 'traces.html');
    writeFileSync(file, renderTraceViewerHtml(spans, { title: 'Essay upload' }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 560 } });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads nothing but the file itself', async () => {
    expect(await page.title()).toBe('Essay upload');
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it('draws one section per trace and one row per span, in tree order, indented under the parent across services', async () => {
    const sections = page.locator('details.trace');
    expect(await sections.count()).toBe(2);
    const upload = sections.nth(0).locator('.row');
    expect(await upload.count()).toBe(UPLOAD_SPANS.length);
    const rows = await upload.evaluateAll((elements: PageElement[]) =>
      elements.map((row) => {
        return {
          name: row.querySelector('.name')!.textContent,
          service: row.dataset.service,
          depth: Number(row.dataset.depth),
          spanId: row.dataset.spanId,
          parentSpanId: row.dataset.parentSpanId,
          indent: parseFloat(getComputedStyle(row.querySelector('.label')!).paddingLeft),
        };
      }),
    );
    expect(rows.map(({ name, service, depth }) => ({ name, service, depth }))).toEqual(
      UPLOAD_SPANS.map(({ name, service, depth }) => ({ name, service, depth })),
    );
    rows.forEach((row, index) => {
      const parent = UPLOAD_SPANS[index].parent;
      expect(row.parentSpanId).toBe(parent ? rows.find((other) => other.name === parent)!.spanId : '');
      if (row.depth > 0)
        expect(row.indent).toBeGreaterThan(rows.find((other) => other.spanId === row.parentSpanId)!.indent);
    });
    expect(await sections.nth(1).locator('.row .name').allTextContents()).toEqual([LINKED_SPAN]);
  });

  it('colours each service as its legend entry, and places bars on the trace time axis', async () => {
    const legend = await page
      .locator('#legend li')
      .evaluateAll((items: PageElement[]) =>
        items.map((item): [string, string] => [
          item.dataset.service ?? '',
          getComputedStyle(item.querySelector('.swatch')!).backgroundColor,
        ]),
      );
    expect(legend.map(([service]) => service).sort()).toEqual([...SERVICES].sort());
    expect(new Set(legend.map(([, color]) => color)).size).toBe(SERVICES.length);
    const colors = new Map(legend);
    const bars = await page
      .locator('details.trace')
      .nth(0)
      .locator('.row')
      .evaluateAll((elements: PageElement[]) =>
        elements.map((element) => {
          const bar = element.querySelector('.bar')!;
          const lane = bar.parentElement!.getBoundingClientRect();
          const box = bar.getBoundingClientRect();
          return {
            service: element.dataset.service ?? '',
            color: getComputedStyle(bar).backgroundColor,
            start: (box.left - lane.left) / lane.width,
            end: (box.right - lane.left) / lane.width,
          };
        }),
      );
    for (const bar of bars) expect(bar.color).toBe(colors.get(bar.service));
    // The root spans the whole trace (0 to 27 ms); the content service's save runs from 11 to 17 ms.
    expect(bars[0].start).toBeCloseTo(0, 2);
    expect(bars[0].end).toBeCloseTo(1, 2);
    const save = bars[UPLOAD_SPANS.findIndex((span) => span.name === ERROR_SPAN)];
    expect(save.start).toBeCloseTo(11 / 27, 2);
    expect(save.end).toBeCloseTo(17 / 27, 2);
  });

  it('marks the failed span, and only that one', async () => {
    const errorRows = page.locator('.row.error');
    expect(await errorRows.locator('.name').allTextContents()).toEqual([ERROR_SPAN]);
    expect(await errorRows.locator('.error-mark').count()).toBe(1);
    expect(await rowOf(page, ERROR_SPAN).locator('.event-mark.exception').count()).toBe(1);
  });

  it("shows a span's attributes and events on click", async () => {
    expect(await page.locator('#details').isHidden()).toBe(true);
    await rowOf(page, EVENT_SPAN).click();
    const details = page.locator('#details');
    expect(await details.isVisible()).toBe(true);
    expect(await rowOf(page, EVENT_SPAN).getAttribute('class')).toContain('selected');
    expect(await details.locator('h2').textContent()).toBe(EVENT_SPAN);
    const text = await details.innerText();
    expect(text).toMatch(/file\.size\s+54/);
    expect(text).toContain('file.stored at +9.00 ms');
    expect(text).toMatch(/file\.name\s+summer-holiday\.txt/);
    expect(text).toMatch(/service\.name\s+file-service/);
    // The hostile value is shown as text, and nothing ran.
    expect(text).toContain(HOSTILE);
    expect(await page.title()).toBe('Essay upload');

    await rowOf(page, ERROR_SPAN).click();
    const failed = await details.innerText();
    expect(failed).toContain('ERROR: content store unavailable');
    expect(failed).toMatch(/exception\.message\s+content store unavailable/);
  });

  it("shows a span's links on click", async () => {
    await rowOf(page, LINKED_SPAN).click();
    const publishId = await rowOf(page, 'essay.uploaded publish').getAttribute('data-span-id');
    const text = await page.locator('#details').innerText();
    expect(text).toMatch(/Links \(1\)/i);
    expect(text).toContain(publishId!);
    expect(text).toMatch(/link\.reason\s+message/);
  });

  it('takes the screenshot the READMEs show', async () => {
    await rowOf(page, ERROR_SPAN).click();
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_VIEWER_SCREENSHOT !== '1') rmSync(SCREENSHOT);
  });
});
