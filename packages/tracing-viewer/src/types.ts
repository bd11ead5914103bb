/**
 * The data the viewer page draws, computed in Node (so it is unit-tested) and embedded in the page as JSON:
 * the browser only lays it out. Times are milliseconds; a row's offset counts from its trace's first span.
 */

/** A span as the viewer shows it: one row of a trace's waterfall. */
export interface ViewerSpanRow {
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  /** Nesting under the trace's root spans (0 for a root, or for a span whose parent did not arrive). */
  depth: number;
  /** The parent span id was set but no span of the trace has it. */
  parentMissing: boolean;
  name: string;
  /** `resource['service.name']`, or `unknown_service` when the resource has none. */
  service: string;
  /** INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER. */
  kind: string;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  offsetMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  /** `offsetMs` counts from the trace's start; absent when the span's events carried no time. */
  events: Array<{ name: string; offsetMs?: number; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

/** One trace: its rows in tree order (each span under its parent, siblings by start time). */
export interface ViewerTrace {
  traceId: string;
  /** The first root span's name and service. */
  rootName: string;
  rootService: string;
  /** Wall-clock start of the trace's first span (ISO 8601). */
  startTime: string;
  durationMs: number;
  /** The services in the order their first span started. */
  services: string[];
  errorCount: number;
  rows: ViewerSpanRow[];
}

/** A service and the colour its bars, swatches and legend entry have. */
export interface ViewerService {
  name: string;
  color: string;
}

/** Everything one page shows. */
export interface ViewerData {
  title: string;
  services: ViewerService[];
  /** In the order they started, oldest first. */
  traces: ViewerTrace[];
  spanCount: number;
}

/** Options of {@link renderTraceViewerHtml}. */
export interface RenderTraceViewerOptions {
  /** The page's title and heading. Default: `'Traces'`. */
  title?: string;
}

/**
 * What the page embeds (in `<script type="application/json" id="trace-data">`) and what the `--serve` mode's
 * `/api/traces` endpoint answers: the data, and for a live page where to poll and which version it shows.
 * @internal Shared with the browser script; not part of the public API.
 */
export interface ViewerPagePayload {
  data: ViewerData;
  live?: { endpoint: string; version: number; intervalMs: number };
}
