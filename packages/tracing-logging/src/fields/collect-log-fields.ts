import { context as contextApi } from '@opentelemetry/api';
import { reportTelemetryFault } from '@huleedu/nest-tracing';
import type { LogFieldValue, TraceLogFieldsOptions } from '../types.js';
import { traceLogFields } from './trace-log-fields.js';

/** What a log line gains: the trace fields, then the user's extra fields. */
export type CollectedLogFields = Record<string, LogFieldValue>;

/**
 * The fields for one log line, for the integration named `site` (`'nest-console-logger'`, `'pino'`,
 * `'winston'`). Never throws: if reading the context fails the line gets no fields, if
 * `extraFields` throws it gets the trace fields alone; either fault is reported once per site
 * (Nest `Logger` and `diag`). `undefined` outside a traced or correlated context.
 */
export function collectLogFields(site: string, options: TraceLogFieldsOptions): CollectedLogFields | undefined {
  let ctx;
  let fields: CollectedLogFields | undefined;
  try {
    ctx = contextApi.active();
    fields = traceLogFields(ctx) as CollectedLogFields | undefined;
  } catch (error) {
    reportTelemetryFault(`tracing-logging.${site}`, 'Could not read the trace fields of a log line', error);
    return undefined;
  }
  if (fields === undefined || options.extraFields === undefined) return fields;
  try {
    const extra = options.extraFields(ctx);
    if (extra === undefined) return fields;
    for (const [key, value] of Object.entries(extra)) if (value !== undefined && !(key in fields)) fields[key] = value;
  } catch (error) {
    reportTelemetryFault(`tracing-logging.${site}.extraFields`, 'extraFields threw for a log line', error);
  }
  return fields;
}
