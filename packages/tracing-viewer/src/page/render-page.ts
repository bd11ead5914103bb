import { buildViewerData } from '../model/build-viewer-data.js';
import type { ViewerInputSpan } from '../model/normalize-span.js';
import type { RenderTraceViewerOptions, ViewerPagePayload } from '../types.js';
import { viewerScript } from './viewer-script.js';
import { VIEWER_STYLES } from './viewer-styles.js';

/**
 * JSON that is safe inside `<script type="application/json">`: no `<` (so no `</script>` or `<!--`), `>` or `&`
 * reaches the HTML parser, and U+2028/U+2029 are escaped as well; `JSON.parse` reads the escapes back. A bigint
 * (an attribute value no JSON has) becomes its decimal string.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The whole page around a payload: CSS, data and script inline. */
export function renderPayloadHtml(payload: ViewerPagePayload): string {
  const title = escapeHtml(payload.data.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'">
<title>${title}</title>
<style>${VIEWER_STYLES}</style>
</head>
<body>
<main>
<h1 id="title">${title}</h1>
<p id="summary"></p>
<ul id="legend" class="legend"></ul>
<div id="traces"></div>
</main>
<aside id="details" hidden></aside>
<script type="application/json" id="trace-data">${scriptSafeJson(payload)}</script>
<script>(() => {
${viewerScript()}
})();</script>
</body>
</html>
`;
}

/**
 * One self-contained HTML page (no network, no server: CSS, script and data inline) with a waterfall per trace:
 * one row per span, indented under its parent across services, coloured by service (with a legend), bars on
 * the trace's time axis, errors marked, and a span's attributes, events and links on click.
 *
 * @param spans spans received over OTLP (the testing package's `OtlpTraceReceiver`, `ReceivedSpan`), the same
 *   read back from JSON (times as strings), or the SDK's `ReadableSpan`s (an in-memory exporter).
 */
export function renderTraceViewerHtml(
  spans: readonly ViewerInputSpan[],
  options: RenderTraceViewerOptions = {},
): string {
  return renderPayloadHtml({ data: buildViewerData(spans, options.title) });
}
