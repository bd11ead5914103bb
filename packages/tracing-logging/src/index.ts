/**
 * `@huleedu/nest-tracing-logging`: the trace fields and Nest's own logger. The other loggers have
 * their own entry points, so that an application loads only the one it uses:
 * `@huleedu/nest-tracing-logging/pino`, `/nestjs-pino` and `/winston`.
 */
export { TracedConsoleLogger } from './nest/traced-console-logger.js';
export type { TracedConsoleLoggerOptions } from './nest/traced-console-logger.js';
export { traceLogFields } from './fields/trace-log-fields.js';
export { formatTraceFlags } from './fields/format-trace-flags.js';
export type { LogFieldValue, TraceLogFields, TraceLogFieldsOptions } from './types.js';
