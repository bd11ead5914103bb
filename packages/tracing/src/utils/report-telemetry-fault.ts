import { diag } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';

const logger = new Logger('nest-tracing');
const reportedSites = new Set<string>();

/**
 * Report a fault in telemetry code (a throwing attribute extractor, a broken carrier) once per call
 * site: to the Nest logger, where the application's operators look, and to OpenTelemetry's `diag`.
 * Never throws.
 */
export function reportTelemetryFault(site: string, problem: string, error?: unknown): void {
  if (reportedSites.has(site)) return;
  reportedSites.add(site);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : '';
  const message = `${problem} at ${site}${detail ? ` (${detail})` : ''}; telemetry for this call is incomplete, the call itself is unaffected. Reported once per site.`;
  try {
    diag.warn(message);
    logger.warn(message);
  } catch {
    // a logger that throws must not reach application code
  }
}

/** Forget which sites were reported (tests). @internal */
export function resetReportedTelemetryFaults(): void {
  reportedSites.clear();
}
