/**
 * Injection token of the module's options, as given to `forRoot()` or produced by
 * `forRootAsync()`'s factory. Populated once `TracingModule` is imported.
 */
export { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';

/**
 * Mark on a method wrapper that makes its own span (`@TraceKafka()` from
 * `@huleedu/nest-tracing-kafka`, or a decorator of your own): class-level `@Traced()` leaves such a
 * method alone, so a call never gets two spans. Set it with
 * `Object.defineProperty(wrapper, OWN_SPAN_WRAPPER, { value: true })`.
 */
export const OWN_SPAN_WRAPPER: unique symbol = Symbol.for('huleedu.nest-tracing.own-span-wrapper');
