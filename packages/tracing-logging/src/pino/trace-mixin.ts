import { reportTelemetryFault } from '@huleedu/nest-tracing';
import { collectLogFields } from '../fields/collect-log-fields.js';
import type { TraceLogFieldsOptions } from '../types.js';

/**
 * A pino `mixin`: pino calls it for every line and merges what it returns into the line. Typed
 * structurally (the shape of pino's own `MixinFn`, whatever its custom levels) so that this module
 * needs no pino at run time and fits pino 9 and 10.
 */
export type PinoMixin = (mergeObject: object, level: number, logger: unknown) => object;

/** The application's own mixin, as pino types it (`logger` is pino's `Logger`). */
export type ApplicationPinoMixin = (mergeObject: object, level: number, logger: never) => object;

/** Options of `traceMixin`. */
export interface TraceMixinOptions extends TraceLogFieldsOptions {
  /**
   * The application's own mixin, called first; the trace fields are merged over what it returns.
   * If it throws, the line is written with the trace fields alone and the fault is reported once.
   * Default: none.
   */
  mixin?: ApplicationPinoMixin;
}

/**
 * A pino `mixin` that adds `trace_id`, `span_id`, `trace_flags` and `correlation_id` to every line
 * logged inside a traced or correlated context (`pino({ mixin: traceMixin() })`); other lines get
 * only what `options.mixin` returns. Child loggers inherit it, so the request loggers of pino-http
 * and nestjs-pino carry the fields too. Never throws into the logging call.
 */
export function traceMixin(options: TraceMixinOptions = {}): PinoMixin {
  const own = options.mixin;
  return (mergeObject, level, logger) => {
    let base: object = {};
    if (own !== undefined) {
      try {
        // pino hands its own logger over: `never` above only lets a mixin typed for it in
        base = own(mergeObject, level, logger as never) ?? {};
      } catch (error) {
        reportTelemetryFault('tracing-logging.pino.mixin', "The application's pino mixin threw", error);
      }
    }
    const fields = collectLogFields('pino', options);
    return fields === undefined ? base : { ...base, ...fields };
  };
}
