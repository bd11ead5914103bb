import type { Attributes, Span } from '@opentelemetry/api';
import { AttributeNames } from '../attribute-names.js';
import { DurationHistogram } from '../metrics/duration-histogram.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { resolveSpanName } from './span-spec.js';
import type { SpanSpec } from './span-spec.js';

/** Attribute of `nest_tracing.operation.duration`: the span name, defined in code (never from arguments). */
export const OPERATION_NAME = 'operation.name';

/**
 * `nest_tracing.operation.duration`: every `@Traced()` method and `traceOperation()` block, the
 * span's counterpart as Micrometer's `@Observed` timer is. Attributes: `operation.name` (the span
 * name), `operation.type`, and `error.type` when the operation failed, as on the span.
 */
export const operationDuration = new DurationHistogram(
  'nest_tracing.operation.duration',
  'Duration of operations traced by @Traced() and traceOperation()',
  { name: PACKAGE_NAME, version: PACKAGE_VERSION },
);

/** The metric attributes of a spec's operations, rebuilt only when its span name changes. */
function metricAttributes(spec: SpanSpec): Attributes {
  const name = resolveSpanName(spec);
  let attributes = spec.metricAttributes;
  if (attributes?.[OPERATION_NAME] !== name) {
    attributes = {
      [OPERATION_NAME]: name,
      [AttributeNames.OPERATION_TYPE]: spec.libraryAttributes[AttributeNames.OPERATION_TYPE],
    };
    spec.metricAttributes = attributes;
  }
  return attributes;
}

/** Start timing one call of `spec` (its span, or a stand-in span when none is made); a no-op for specs with `metrics: false`. */
export function startOperationMeasurement(spec: SpanSpec, span: Span): void {
  if (spec.metrics) operationDuration.start(span, metricAttributes(spec));
}
