/** Injection token of the resolved HTTP tracing options (`undefined` when HTTP tracing is off). @internal */
export const HTTP_TRACING_OPTIONS = Symbol.for('huleedu.nest-tracing.http-options');
