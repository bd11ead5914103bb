/** Metadata key written by `@NoTrace()` on a method or class. */
export const NO_TRACE_METADATA = 'tracing:no-trace';
/** Metadata key (on prototype + method name) listing `@SpanAttribute()` parameters. */
export const SPAN_ATTRIBUTE_PARAMS_METADATA = 'tracing:span-attribute-params';
/** Marks a function produced by `wrapMethod()`; its value is the span spec. */
export const TRACED_WRAPPER = Symbol.for('huleedu.nest-tracing.traced-wrapper');
/** Where the process-wide runtime state lives, so two copies of the package share it. */
export const RUNTIME_GLOBAL_KEY = Symbol.for('huleedu.nest-tracing.runtime');
/** Baggage entry that carries the correlation id to downstream services. */
export const CORRELATION_BAGGAGE_KEY = 'correlation_id';
