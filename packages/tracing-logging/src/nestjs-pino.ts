/** `@huleedu/nest-tracing-logging/nestjs-pino`: nestjs-pino's `LoggerModule` with the trace fields. */
export { tracedLoggerParams } from './pino/traced-logger-params.js';
export { traceMixin } from './pino/trace-mixin.js';
export type { ApplicationPinoMixin, PinoMixin, TraceMixinOptions } from './pino/trace-mixin.js';
export type { LogFieldValue, TraceLogFields, TraceLogFieldsOptions } from './types.js';
