export { renderTraceViewerHtml } from './page/render-page.js';
export { buildViewerData } from './model/build-viewer-data.js';
export { readSpansJson } from './model/read-spans-json.js';
export type { ReceivedSpanLike, UnixNanos, ViewerInputSpan } from './model/normalize-span.js';
export { startTraceViewerServer } from './server/trace-viewer.server.js';
export type { TraceViewerServer, TraceViewerServerOptions } from './server/trace-viewer.server.js';
export type { RenderTraceViewerOptions, ViewerData, ViewerService, ViewerSpanRow, ViewerTrace } from './types.js';
