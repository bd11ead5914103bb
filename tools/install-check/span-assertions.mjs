// What one request must look like in the exported spans: one trace, one SERVER span named after the route,
// the @Traced span beneath it, and the caller's trace continued. Failures print the spans as trees.

const SERVER = 1; // SpanKind.SERVER of @opentelemetry/api
const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const ROUTE = '/greet/:name';
const SERVER_SPAN_NAME = `GET ${ROUTE}`;
const TRACED_SPAN_NAME = 'greeter.greet';

function isDescendant(spans, descendant, ancestor) {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  for (let span = byId.get(descendant.parentSpanId); span; span = byId.get(span.parentSpanId)) {
    if (span.spanId === ancestor.spanId) return true;
  }
  return false;
}

/** The spans as one tree per trace: name, kind, traceId, spanId, parentSpanId, scope (and http.route). */
export function formatSpanTrees(spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const lines = [];
  const print = (span, depth) => {
    const route = span.attributes['http.route'] ? ` http.route=${span.attributes['http.route']}` : '';
    lines.push(
      `  ${'  '.repeat(depth)}${span.name} [${KIND_NAMES[span.kind] ?? span.kind}] trace=${span.traceId} ` +
        `span=${span.spanId} parent=${span.parentSpanId ?? '-'} scope=${span.scope}${route}`,
    );
    for (const child of spans.filter((other) => other.parentSpanId === span.spanId)) print(child, depth + 1);
  };
  for (const root of spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId))) print(root, 0);
  return lines.join('\n');
}

/** Failures for one request (`{ name, traceparent? }`), given every exported span. */
function checkRequest(spans, { name, traceparent }) {
  const path = `/greet/${name}`;
  const failures = [];
  const own = spans.filter((span) => span.attributes['url.path'] === path || span.attributes['greeting.name'] === name);
  const traceIds = [...new Set(own.map((span) => span.traceId))];
  const trace = spans.filter((span) => traceIds.includes(span.traceId));
  if (traceIds.length !== 1) failures.push(`expected one trace, found ${traceIds.length}: ${traceIds.join(', ')}`);
  const servers = trace.filter((span) => span.kind === SERVER);
  if (servers.length !== 1) {
    failures.push(
      `expected one SERVER span, found ${servers.length}: ${servers.map((s) => `${s.name} (${s.scope})`).join(', ')}`,
    );
  }
  const server = servers.find((span) => span.name === SERVER_SPAN_NAME) ?? servers[0];
  if (server && server.name !== SERVER_SPAN_NAME)
    failures.push(`the SERVER span is named '${server.name}', not '${SERVER_SPAN_NAME}'`);
  if (server && server.attributes['http.route'] !== ROUTE) {
    failures.push(`the SERVER span's http.route is ${JSON.stringify(server.attributes['http.route'])}, not '${ROUTE}'`);
  }
  const traced = trace.filter((span) => span.name === TRACED_SPAN_NAME);
  if (traced.length !== 1) failures.push(`expected one '${TRACED_SPAN_NAME}' span, found ${traced.length}`);
  for (const span of traced) {
    if (server && !isDescendant(trace, span, server))
      failures.push(`'${TRACED_SPAN_NAME}' is not beneath the SERVER span`);
  }
  if (traceparent) {
    const [, incomingTraceId, incomingSpanId] = traceparent.split('-');
    if (traceIds.length !== 1 || traceIds[0] !== incomingTraceId) {
      failures.push(`the incoming trace ${incomingTraceId} was not continued (trace ids: ${traceIds.join(', ')})`);
    }
    if (server && server.parentSpanId !== incomingSpanId) {
      failures.push(`the SERVER span's parent is ${server.parentSpanId ?? 'none'}, not the caller's ${incomingSpanId}`);
    }
  }
  return { failures, trace, server };
}

/** `{ failures, summary }` for the requests sent and the spans exported. */
export function assertOneTracePerRequest(requests, responses, spans) {
  const failures = [];
  const summary = [];
  let someRequestWithoutSpans = false;
  requests.forEach((req, index) => {
    const label = `GET /greet/${req.name}${req.traceparent ? ' (with traceparent)' : ''}`;
    const response = responses[index];
    if (response.status !== 200 || response.body !== `Hello, ${req.name}!`) {
      failures.push(`${label}: answered ${response.status} ${JSON.stringify(response.body)}`);
    }
    const result = checkRequest(spans, req);
    someRequestWithoutSpans ||= result.trace.length === 0;
    if (result.failures.length > 0) {
      failures.push(`${label}:\n    ${result.failures.join('\n    ')}\n  its spans:\n${formatSpanTrees(result.trace)}`);
    } else {
      summary.push(
        `${label}: trace ${result.server.traceId}, ${result.trace.length} spans, SERVER span from ${result.server.scope}`,
      );
    }
  });
  if (someRequestWithoutSpans) failures.push(`every span exported (${spans.length}):\n${formatSpanTrees(spans)}`);
  return { failures, summary };
}
