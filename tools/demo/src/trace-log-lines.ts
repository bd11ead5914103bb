/** What the demo knows of a service's output. */
export interface ServiceOutput {
  readonly name: string;
  output(): string;
}

/** Nest's text-line prefix before the level: `[Nest] <pid>  - <date, time> ` (the level is padded to 7). */
const NEST_PREFIX = /^\[Nest\] \d+ +- .*?(?= *(?:LOG|WARN|ERROR|DEBUG|VERBOSE|FATAL) )/;

/**
 * The log lines of `services` that carry `trace_id=<traceId>` (the samples log through `TracedConsoleLogger`,
 * which appends ` trace_id=… span_id=… trace_flags=… correlation_id=…` to lines written inside a trace), each
 * as `<service>: <level> [<context>] <message> <fields>`: Nest's pid and date are left out. Services in the
 * order given, lines in the order each service wrote them.
 */
export function traceLogLines(services: readonly ServiceOutput[], traceId: string, order: readonly string[]): string[] {
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  const marker = `trace_id=${traceId}`;
  return [...services]
    .sort((a, b) => rank(a.name) - rank(b.name))
    .flatMap((service) =>
      service
        .output()
        .split('\n')
        .filter((line) => line.includes(marker))
        .map((line) => `${service.name}: ${line.replace(NEST_PREFIX, '').trim()}`),
    );
}
