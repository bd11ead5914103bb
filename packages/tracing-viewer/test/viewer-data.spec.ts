import { describe, expect, it } from '@jest/globals';
import { buildViewerData, readSpansJson, renderTraceViewerHtml } from '../src/index.js';
import type { ViewerData } from '../src/index.js';
import { scriptSafeJson } from '../src/page/render-page.js';
import {
  ERROR_SPAN,
  EVENT_SPAN,
  LINKED_SPAN,
  SERVICES,
  UPLOAD_SPANS,
  receivedMultiServiceTraces,
  readableMultiServiceTraces,
} from './multi-service-trace.js';

/** What a test compares: the layout, without ids and attributes. */
const layout = (data: ViewerData) =>
  data.traces.map((trace) =>
    trace.rows.map(({ name, service, kind, depth, offsetMs, durationMs, status }) => ({
      name,
      service,
      kind,
      depth,
      offsetMs,
      durationMs,
      status: status.code,
    })),
  );

/** The page's embedded data, read back as the browser does. */
function embeddedData(html: string): { data: ViewerData } {
  const json = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(html)![1];
  return JSON.parse(json) as { data: ViewerData };
}

describe('buildViewerData', () => {
  it('lays out the SDK’s ReadableSpans as rows in tree order across services', async () => {
    const data = buildViewerData(await readableMultiServiceTraces());
    expect(data.spanCount).toBe(UPLOAD_SPANS.length + 1);
    const [upload, consumer] = layout(data);
    expect(upload.map(({ name, service, depth }) => ({ name, service, depth }))).toEqual(
      UPLOAD_SPANS.map(({ name, service, depth }) => ({ name, service, depth })),
    );
    expect(upload[0]).toMatchObject({ kind: 'SERVER', offsetMs: 0, durationMs: 27 });
    expect(upload.find((row) => row.name === ERROR_SPAN)).toMatchObject({
      offsetMs: 11,
      durationMs: 6,
      status: 'ERROR',
    });
    expect(upload.find((row) => row.name === 'essay.uploaded publish')?.kind).toBe('PRODUCER');
    expect(consumer).toEqual([expect.objectContaining({ name: LINKED_SPAN, kind: 'CONSUMER', depth: 0 })]);
    expect(data.traces[0]).toMatchObject({ rootName: 'POST /essays', rootService: 'api-gateway', errorCount: 1 });
    expect(data.traces[0].services).toEqual(['api-gateway', 'file-service', 'content-service']);
    const store = data.traces[0].rows.find((row) => row.name === EVENT_SPAN)!;
    expect(store.events).toEqual([
      { name: 'file.stored', offsetMs: 9, attributes: { 'file.name': 'summer-holiday.txt' } },
    ]);
  });

  it('gives the same layout for the same traces received over OTLP', async () => {
    const received = await receivedMultiServiceTraces();
    expect(layout(buildViewerData(received))).toEqual(layout(buildViewerData(await readableMultiServiceTraces())));
  });

  it('gives each service its own colour, the same whatever the order the spans came in', async () => {
    const spans = await readableMultiServiceTraces();
    const { services } = buildViewerData(spans);
    expect(services.map((service) => service.name)).toEqual([...SERVICES].sort());
    expect(new Set(services.map((service) => service.color)).size).toBe(SERVICES.length);
    expect(buildViewerData([...spans].reverse()).services).toEqual(services);
  });

  it('starts a tree of its own for a span whose parent did not arrive, and says so', async () => {
    const spans = (await readableMultiServiceTraces()).filter((span) => span.name !== 'POST /files');
    const rows = buildViewerData(spans).traces[0].rows;
    expect(rows.filter((row) => row.depth === 0).map((row) => [row.name, row.parentMissing])).toEqual([
      ['POST /essays', false],
      [EVENT_SPAN, true],
      ['essay.uploaded publish', true],
    ]);
  });
});

describe('renderTraceViewerHtml', () => {
  it('embeds the data so that no value ends its <script> element', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028 & >';
    const json = scriptSafeJson({ value: hostile, big: 12n });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ value: hostile, big: '12' });
  });

  it('writes one page with everything inline: no src, no href, no external URL', async () => {
    const html = renderTraceViewerHtml(await readableMultiServiceTraces(), { title: 'Upload <1>' });
    expect(html).toContain('<title>Upload &#60;1&#62;</title>');
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(embeddedData(html).data.traces.map((trace) => trace.rows.length)).toEqual([UPLOAD_SPANS.length, 1]);
  });
});

describe('readSpansJson', () => {
  it('reads spans saved as JSON (times as strings), and OTLP/JSON export requests', () => {
    const saved = JSON.stringify([
      {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        parentSpanId: '',
        name: 'GET /health',
        kind: 2,
        attributes: {},
        status: { code: 0, message: '' },
        events: [],
        links: [],
        resource: { 'service.name': 'api-gateway' },
        scope: { name: 'x', version: '' },
        startTimeUnixNano: '1764756000000000000',
        endTimeUnixNano: '1764756000005000000',
      },
    ]);
    expect(layout(buildViewerData(readSpansJson(saved)))[0]).toEqual([
      {
        name: 'GET /health',
        service: 'api-gateway',
        kind: 'SERVER',
        depth: 0,
        offsetMs: 0,
        durationMs: 5,
        status: 'UNSET',
      },
    ]);
    const otlpJson = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'file-service' } }] },
          scopeSpans: [
            {
              scope: { name: 'x' },
              spans: [
                {
                  traceId: 'C'.repeat(32),
                  spanId: 'D'.repeat(16),
                  name: 'POST /files',
                  kind: 2,
                  startTimeUnixNano: '1764756000000000000',
                  endTimeUnixNano: '1764756000002000000',
                  status: { code: 2, message: 'disk full' },
                },
              ],
            },
          ],
        },
      ],
    });
    const [row] = buildViewerData(readSpansJson(otlpJson)).traces[0].rows;
    expect(row).toMatchObject({ name: 'POST /files', service: 'file-service', durationMs: 2 });
    expect(row.status).toEqual({ code: 'ERROR', message: 'disk full' });
  });

  it('says what it expected when the file holds no spans', () => {
    expect(() => readSpansJson('{"traces": []}', 'spans.json')).toThrow(
      /spans\.json holds no spans\. Potential solutions/,
    );
    expect(() => readSpansJson('not json', 'spans.json')).toThrow(/spans\.json is not JSON/);
  });
});
