import { INVALID_TRACEID, TraceFlags, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context, Link, Span, SpanOptions } from '@opentelemetry/api';
import { AttributeNames } from '../attribute-names.js';
import { getCorrelationId } from '../propagation/correlation-context.js';
import { currentTracer, runtime } from '../runtime/tracing-runtime.js';
import { coerceAttributeValue, setCoercedAttributes } from '../utils/coerce-attributes.js';
import { safeExecute } from '../utils/safe-execute.js';
import { resolveSpanName } from './span-spec.js';
import type { SpanSpec } from './span-spec.js';

/**
 * True when the context holds a real span that was not sampled. Under parent-based sampling its
 * children are not sampled either, so the caller can skip making a span at all.
 */
export function isSampledOutParent(ctx: Context): boolean {
  const parent = trace.getSpan(ctx);
  if (parent === undefined) return false;
  const spanContext = parent.spanContext();
  return (spanContext.traceFlags & TraceFlags.SAMPLED) === 0 && spanContext.traceId !== INVALID_TRACEID;
}

/** Whether a traced call should skip span creation entirely (disabled, or parent sampled out). */
export function shouldSkipSpan(spec: SpanSpec, parent: Context): boolean {
  // a new root is sampled on its own, whatever its parent
  return spec.root ? !runtime.enabled : makesNoSpanUnder(parent);
}

/**
 * Whether a span nest-tracing would start under `parent` (not as a new root) would record nothing:
 * tracing is switched off, or `parent` is sampled out and sampling is parent-based (the default), so
 * the sampler would drop the child too. Integrations use it to skip the span, its name and its
 * attributes on such calls and run the work under `parent` as it is, as `@Traced` does; the
 * sampled-out context still propagates, so downstream services drop the trace as well.
 */
export function makesNoSpanUnder(parent: Context): boolean {
  return !runtime.enabled || (runtime.parentBasedSampling && isSampledOutParent(parent));
}

function startOptions(spec: SpanSpec, parent: Context, args: unknown[]): SpanOptions {
  if (!spec.root && spec.links === undefined) return spec.spanOptions;
  const links: Link[] = [];
  if (spec.root) {
    const parentSpanContext = trace.getSpanContext(parent);
    if (parentSpanContext && isSpanContextValid(parentSpanContext)) links.push({ context: parentSpanContext });
  }
  const { links: linkSource } = spec;
  const extra = typeof linkSource === 'function' ? safeExecute(spec.site, () => linkSource(...args)) : linkSource;
  if (extra) links.push(...extra);
  return { ...spec.spanOptions, root: spec.root, links };
}

/** Start the span of one traced call, with its attributes when the span records. Never throws. */
export function startOperationSpan(spec: SpanSpec, parent: Context, args: unknown[]): Span {
  const span = currentTracer().startSpan(resolveSpanName(spec), startOptions(spec, parent, args), parent);
  if (!span.isRecording()) return span;
  span.setAttributes(spec.libraryAttributes);
  const correlationId = getCorrelationId(parent);
  if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
  const limit = runtime.attributeValueLengthLimit;
  const { attributesFromArgs } = spec;
  if (attributesFromArgs) {
    setCoercedAttributes(
      span,
      safeExecute(spec.site, () => attributesFromArgs(...args)),
      limit,
    );
  }
  for (const param of spec.paramAttributes) {
    const value = param.map ? safeExecute(spec.site, () => param.map!(args[param.index])) : args[param.index];
    const coerced = coerceAttributeValue(value, limit);
    if (coerced !== undefined) span.setAttribute(param.key, coerced);
  }
  return span;
}
