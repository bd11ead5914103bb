/**
 * The viewer page's script (compiled on its own, with the DOM's types, and inlined into the page by
 * src/page/render-page.ts). It draws what Node computed (src/model): a legend of services, then per trace a
 * waterfall with one row per span, and on a click the span's details. With `live` it polls for newer data.
 * Everything from the spans goes into the page as text (textContent), never as HTML.
 */
import type { ViewerPagePayload, ViewerService, ViewerSpanRow, ViewerTrace } from '../src/types.js';

const INDENT_PX = 14;
const MIN_BAR_PX = 2;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

const formatMs = (ms: number): string =>
  ms === 0
    ? '0 ms'
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${ms.toFixed(1)} ms`
        : `${ms.toFixed(2)} ms`;
const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
const formatValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A step of 1, 2 or 5 times a power of ten that gives about five ticks. */
function tickStep(durationMs: number): number {
  const rough = Math.max(durationMs, 0.001) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? rough;
}

function axis(trace: ViewerTrace): HTMLElement {
  const row = el('div', 'axis');
  row.append(el('div', 'label', 'Service: span'));
  const lane = el('div', 'lane');
  const step = tickStep(trace.durationMs);
  for (let at = 0; at <= trace.durationMs + 1e-9; at += step) {
    const tick = el('span', 'tick', formatMs(at));
    tick.style.left = `${(at / Math.max(trace.durationMs, 0.001)) * 100}%`;
    lane.append(tick);
  }
  row.append(lane);
  return row;
}

function spanRow(trace: ViewerTrace, row: ViewerSpanRow, color: string): HTMLElement {
  const scale = (ms: number): number => (ms / Math.max(trace.durationMs, 0.001)) * 100;
  const element = el('div', row.status.code === 'ERROR' ? 'row error' : 'row');
  Object.assign(element.dataset, {
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    depth: String(row.depth),
    service: row.service,
  });
  element.tabIndex = 0;
  element.setAttribute('role', 'button');
  const label = el('div', 'label');
  label.style.paddingLeft = `${row.depth * INDENT_PX + 6}px`;
  const swatch = el('span', 'swatch');
  swatch.style.background = color;
  label.append(swatch, el('span', 'service', row.service), el('span', 'name', row.name));
  if (row.status.code === 'ERROR') label.append(el('span', 'error-mark', '!'));
  label.title = `${row.service}: ${row.name}${row.parentMissing ? ` (its parent ${row.parentSpanId} did not arrive)` : ''}`;
  const lane = el('div', 'lane');
  const bar = el('div', 'bar');
  bar.style.left = `${scale(row.offsetMs)}%`;
  bar.style.width = `max(${scale(row.durationMs)}%, ${MIN_BAR_PX}px)`;
  bar.style.background = color;
  lane.append(bar);
  for (const event of row.events) {
    if (event.offsetMs === undefined) continue;
    const mark = el('span', event.name === 'exception' ? 'event-mark exception' : 'event-mark');
    mark.style.left = `${scale(event.offsetMs)}%`;
    mark.title = event.name;
    lane.append(mark);
  }
  const duration = el('span', 'duration', formatMs(row.durationMs));
  duration.style.left = `calc(${scale(row.offsetMs + row.durationMs)}% + 4px)`;
  lane.append(duration);
  element.append(label, lane);
  return element;
}

function table(title: string, entries: Record<string, unknown>): HTMLElement {
  const section = el('section', 'kv');
  section.append(el('h3', '', title));
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) section.append(el('p', 'empty', 'none'));
  const list = el('dl');
  for (const key of keys) list.append(el('dt', '', key), el('dd', '', formatValue(entries[key])));
  section.append(list);
  return section;
}

function showDetails(trace: ViewerTrace, row: ViewerSpanRow): void {
  const panel = document.getElementById('details')!;
  panel.replaceChildren(el('h2', '', row.name));
  panel.append(
    table('Span', {
      service: row.service,
      kind: row.kind,
      status: row.status.message ? `${row.status.code}: ${row.status.message}` : row.status.code,
      duration: formatMs(row.durationMs),
      start: `+${formatMs(row.offsetMs)}`,
      'span id': row.spanId,
      'parent span id': row.parentSpanId || '(root)',
      'trace id': trace.traceId,
    }),
    table('Attributes', row.attributes),
  );
  const events = el('section', 'events');
  events.append(el('h3', '', `Events (${row.events.length})`));
  for (const event of row.events) {
    const at = event.offsetMs === undefined ? '' : ` at +${formatMs(event.offsetMs)}`;
    events.append(table(`${event.name}${at}`, event.attributes));
  }
  const links = el('section', 'links');
  links.append(el('h3', '', `Links (${row.links.length})`));
  for (const link of row.links) links.append(table(`${link.traceId} / ${link.spanId}`, link.attributes));
  panel.append(events, links, table('Resource', row.resource), table('Scope', row.scope));
  panel.hidden = false;
}

function select(element: HTMLElement, trace: ViewerTrace, row: ViewerSpanRow): void {
  document.querySelectorAll('.row.selected').forEach((other) => other.classList.remove('selected'));
  element.classList.add('selected');
  showDetails(trace, row);
}

function traceSection(trace: ViewerTrace, colors: Map<string, string>, open: boolean): HTMLElement {
  const section = el('details', 'trace');
  section.open = open;
  section.dataset.traceId = trace.traceId;
  const errors = trace.errorCount > 0 ? `, ${plural(trace.errorCount, 'error')}` : '';
  const summary = el('summary', '', `${trace.rootService}: ${trace.rootName}`);
  summary.append(
    el(
      'span',
      'meta',
      `${formatMs(trace.durationMs)}, ${plural(trace.rows.length, 'span')}, ${plural(trace.services.length, 'service')}${errors} · ${trace.startTime} · ${trace.traceId}`,
    ),
  );
  section.append(summary, axis(trace));
  for (const row of trace.rows) {
    const element = spanRow(trace, row, colors.get(row.service) ?? '#888');
    element.addEventListener('click', () => select(element, trace, row));
    element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') select(element, trace, row);
    });
    section.append(element);
  }
  return section;
}

function legend(services: ViewerService[]): HTMLElement {
  const list = el('ul', 'legend');
  list.id = 'legend';
  for (const service of services) {
    const item = el('li');
    item.dataset.service = service.name;
    const swatch = el('span', 'swatch');
    swatch.style.background = service.color;
    item.append(swatch, el('span', '', service.name));
    list.append(item);
  }
  return list;
}

function render(payload: ViewerPagePayload): void {
  const { data } = payload;
  const closed = new Set(
    [...document.querySelectorAll<HTMLDetailsElement>('details.trace:not([open])')].map((d) => d.dataset.traceId),
  );
  const selected = document.querySelector<HTMLElement>('.row.selected')?.dataset.spanId;
  document.title = data.title;
  document.getElementById('title')!.textContent = data.title;
  const live = payload.live ? ' · live: new traces appear as they arrive' : '';
  document.getElementById('summary')!.textContent =
    `${plural(data.traces.length, 'trace')}, ${plural(data.spanCount, 'span')}${live}`;
  document.getElementById('legend')!.replaceWith(legend(data.services));
  const colors = new Map(data.services.map((service) => [service.name, service.color]));
  // A live page shows the newest trace first: that is the one a developer just caused.
  const traces = payload.live ? [...data.traces].reverse() : data.traces;
  const sections = traces.map((trace) => traceSection(trace, colors, !closed.has(trace.traceId)));
  document.getElementById('traces')!.replaceChildren(...sections);
  if (traces.length === 0) document.getElementById('traces')!.append(el('p', 'empty', 'No traces yet.'));
  if (selected) document.querySelector<HTMLElement>(`.row[data-span-id="${CSS.escape(selected)}"]`)?.click();
}

async function poll(payload: ViewerPagePayload): Promise<void> {
  const live = payload.live!;
  let current = payload;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, live.intervalMs));
    try {
      const response = await fetch(`${live.endpoint}?version=${current.live!.version}`);
      if (response.status !== 200) continue;
      current = (await response.json()) as ViewerPagePayload;
      render(current);
    } catch {
      document.getElementById('summary')!.textContent = 'Lost the viewer server; retrying...';
    }
  }
}

const payload = JSON.parse(document.getElementById('trace-data')!.textContent ?? '{}') as ViewerPagePayload;
render(payload);
if (payload.live) void poll(payload);
