/** `@huleedu/nest-tracing-logging/winston`: the trace fields on winston's entries, through a format. */
export { traceFormat } from './winston/trace-format.js';
export type { LogFieldValue, TraceLogFields, TraceLogFieldsOptions } from './types.js';
