import type { CoverageReport, EntryPoint, EntryPointKind, ServiceCoverage } from '../types.js';

const KIND_LABELS: Record<EntryPointKind, string> = {
  'http-route': 'HTTP',
  'message-handler': 'message',
  'kafka-consumer': 'kafkajs',
  'traced-method': '@Traced',
  'trace-operation': 'operation',
  'data-source': 'TypeORM',
  provider: 'provider',
};

/** Rows padded into columns, with a dashed rule under the header. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)];
}

/** The seed's table: service, tier, what is traced. */
export function formatTable(services: ServiceCoverage[]): string {
  const rows = [['Service', 'Tier', 'What is traced']];
  for (const service of services) rows.push([service.name, `${service.tier} ${service.tierLabel}`, service.summary]);
  return columns(rows).join('\n');
}

function runtimeNote(entry: EntryPoint): string {
  if (!entry.runtime) return '';
  return entry.runtime.covered ? `  [run time: ${entry.runtime.spans} span(s)]` : '  [run time: no span]';
}

function entryLines(entries: EntryPoint[], mark: string): string[] {
  if (entries.length === 0) return [`    ${mark} none`];
  const rows = entries.map((entry) => [
    `    ${mark} ${KIND_LABELS[entry.kind]} ${entry.name}`,
    entry.reason,
    `${entry.location.file}:${entry.location.line}${runtimeNote(entry)}`,
  ]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`.trimEnd());
}

/** One service in detail: how tracing starts, what is traced and what is not, with where. */
export function formatServiceDetail(service: ServiceCoverage): string {
  const starts = [
    ...service.initialisation.startTracing.map((at) => `startTracing ${at.file}:${at.line}`),
    ...service.initialisation.tracingModule.map((at) => `TracingModule ${at.file}:${at.line}`),
  ];
  return [
    `${service.name} (${service.directory}): tier ${service.tier}, ${service.tierLabel}`,
    `  initialised: ${starts.length > 0 ? starts.join('; ') : 'no (no startTracing() and no TracingModule.forRoot())'}`,
    ...(service.serviceName ? [`  service.name: ${service.serviceName}`] : []),
    '  traced:',
    ...entryLines(
      service.entryPoints.filter((e) => e.traced),
      '+',
    ),
    '  not traced:',
    ...entryLines(
      service.entryPoints.filter((e) => !e.traced),
      '-',
    ),
  ].join('\n');
}

/** The whole report as text: the table, then each service in detail. */
export function formatReport(report: CoverageReport): string {
  const count = report.services.length;
  const heading = `Tracing coverage: ${count} service${count === 1 ? '' : 's'} in ${report.paths.join(', ')}`;
  const runtime = report.runtime ? [`Run time: ${report.runtime.spans} span(s) from ${report.runtime.spansFile}`] : [];
  return [
    heading,
    ...runtime,
    '',
    formatTable(report.services),
    '',
    ...report.services.map(formatServiceDetail).join('\n\n').split('\n'),
  ].join('\n');
}
