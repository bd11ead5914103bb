import { INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import type { TracedOptions } from '../tracing.options.js';
import { runTraced } from '../wrapping/run-traced.js';
import { createSpanSpec } from '../wrapping/span-spec.js';

const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Options of `traceOperation` besides its name and attributes. */
export type TraceOperationOptions = Omit<TracedOptions, 'name' | 'attributes'>;

/**
 * Trace a block of code: the seed's `trace_operation(tracer, name, attributes)`. `fn` runs with the
 * new span active and receives it; the result may be a value, a Promise or an Observable, with the
 * same end-once and error semantics as `@Traced()`.
 * @example `await traceOperation('file.upload', { 'file.size': size }, async (span) => store(file))`
 */
export function traceOperation<T>(name: string, fn: (span: Span) => T, options?: TraceOperationOptions): T;
export function traceOperation<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T,
  options?: TraceOperationOptions,
): T;
export function traceOperation<T>(
  name: string,
  attributesOrFn: Attributes | ((span: Span) => T),
  fnOrOptions?: ((span: Span) => T) | TraceOperationOptions,
  maybeOptions?: TraceOperationOptions,
): T {
  const withAttributes = typeof attributesOrFn !== 'function';
  const fn = (withAttributes ? fnOrOptions : attributesOrFn) as (span: Span) => T;
  const attributes = withAttributes ? attributesOrFn : undefined;
  const options = (withAttributes ? maybeOptions : fnOrOptions) as TraceOperationOptions | undefined;
  const spec = createSpanSpec({ options: { ...options, name, attributes } });
  return runTraced(spec, undefined, () => fn(trace.getActiveSpan() ?? NON_RECORDING_SPAN), []);
}
