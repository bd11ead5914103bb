/** `@huleedu/nest-tracing-logging/pino`: the trace fields on pino's lines, through a `mixin`. */
export { traceMixin } from './pino/trace-mixin.js';
export type { ApplicationPinoMixin, PinoMixin, TraceMixinOptions } from './pino/trace-mixin.js';
export type { LogFieldValue, TraceLogFields, TraceLogFieldsOptions } from './types.js';
