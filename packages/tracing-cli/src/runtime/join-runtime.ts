import { summarise } from '../report/summarise.js';
import type { EntryPoint, ServiceCoverage } from '../types.js';
import type { RecordedSpan } from './spans-file.js';

/** Whether a recorded span is one that `entry` makes. */
function producedBy(entry: EntryPoint, span: RecordedSpan): boolean {
  const attributes = span.attributes;
  switch (entry.kind) {
    case 'http-route':
      return (
        span.kind === 'SERVER' &&
        attributes['http.route'] === entry.http!.route &&
        (entry.http!.method === 'ALL' || attributes['http.request.method'] === entry.http!.method)
      );
    case 'message-handler':
    case 'kafka-consumer':
      return (
        span.kind === 'CONSUMER' &&
        ((entry.patterns ?? []).includes(String(attributes['messaging.destination.name'])) ||
          (entry.spanName !== undefined && span.name === entry.spanName))
      );
    case 'traced-method':
      return attributes['code.function.name'] === entry.codeFunction || span.name === entry.spanName;
    case 'trace-operation':
      return entry.spanName !== undefined && span.name === entry.spanName;
    case 'data-source':
      return span.kind === 'CLIENT' && attributes['db.system.name'] !== undefined;
    default:
      return false;
  }
}

/**
 * Marks each entry point with the spans a test run recorded for it. A span belongs to the service
 * whose `serviceName` is its `service.name`; a span of a service name no analysed service has
 * (`test-service`, the testing module's default) may belong to any of them.
 */
export function joinRuntimeCoverage(services: ServiceCoverage[], spans: RecordedSpan[]): ServiceCoverage[] {
  const known = new Set(services.map((service) => service.serviceName).filter(Boolean));
  return services.map((service) => {
    const candidates = spans.filter(
      (span) => span.service === service.serviceName || span.service === undefined || !known.has(span.service),
    );
    const entryPoints = service.entryPoints.map((entry) => {
      if (entry.kind === 'provider') return entry;
      const count = candidates.filter((span) => producedBy(entry, span)).length;
      return { ...entry, runtime: { covered: count > 0, spans: count } };
    });
    return { ...service, entryPoints, summary: summarise(service.tier !== 3, entryPoints) };
  });
}
