#!/usr/bin/env node
/**
 * `nest-tracing-viewer`: `--serve [--port 4318]` receives OTLP and shows the traces as they arrive;
 * `render <spans.json> -o <out.html>` writes the self-contained page for spans saved as JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readSpansJson } from './model/read-spans-json.js';
import { renderTraceViewerHtml } from './page/render-page.js';
import { startTraceViewerServer } from './server/trace-viewer.server.js';

const USAGE = `Usage:
  nest-tracing-viewer --serve [--port 4318]       receive OTLP/HTTP on /v1/traces, show the traces on http://127.0.0.1:<port>/
  nest-tracing-viewer render <spans.json> -o <out.html>
                                                 write one self-contained HTML page (spans as an array, or OTLP/JSON)
`;

const write = (text: string): boolean => process.stdout.write(`${text}\n`);

function fail(message: string): never {
  process.stderr.write(`nest-tracing-viewer: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        serve: { type: 'boolean' },
        port: { type: 'string' },
        output: { type: 'string', short: 'o' },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    write(USAGE);
    return;
  }
  const [command, ...rest] = positionals;
  if (values.serve || command === 'serve') {
    const port = Number(values.port ?? 4318);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      fail(`--port must be a port number, got "${values.port}".`);
    const server = await startTraceViewerServer({ port, title: values.title }).catch((error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? `port ${port} is in use (an OpenTelemetry collector?). Potential solutions: stop it, or pass --port <other>.`
          : error.message,
      ),
    );
    write(`nest-tracing-viewer: traces on ${server.url}/`);
    write(`Point your services at it: OTEL_EXPORTER_OTLP_ENDPOINT=${server.url} (OTLP/HTTP, protobuf or JSON)`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void server.stop().then(() => process.exit(0)));
    }
    return;
  }
  if (command === 'render') {
    if (rest.length !== 1) fail('render takes one file of spans.');
    if (!values.output) fail('render needs -o <out.html>.');
    const spans = readSpansJson(readFileSync(rest[0], 'utf8'), rest[0]);
    writeFileSync(values.output, renderTraceViewerHtml(spans, { title: values.title }));
    write(`nest-tracing-viewer: ${spans.length} spans -> ${values.output}`);
    return;
  }
  fail(command ? `unknown command "${command}".` : 'say --serve or render.');
}

await main().catch((error: unknown) => {
  process.stderr.write(`nest-tracing-viewer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
