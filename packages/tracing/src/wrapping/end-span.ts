import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Exception, Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_OTHER } from '@opentelemetry/semantic-conventions';
import { AttributeNames, OperationResult } from '../attribute-names.js';
import { runtime } from '../runtime/tracing-runtime.js';
import { setCoercedAttributes } from '../utils/coerce-attributes.js';
import { safeExecute } from '../utils/safe-execute.js';
import { operationDuration } from './operation-duration.js';
import { classifyErrorType, errorTypeOf } from '../runtime/error-type.js';
import type { SpanSpec } from './span-spec.js';

/** Errors already recorded as an exception event: enclosing spans mark failure but do not repeat it. */
const recordedErrors = new WeakSet<object>();

/**
 * The status message: an Error's message, or a thrown string as it is. Other thrown values (plain
 * objects, numbers) are never serialised, since they may carry business or personal data.
 */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return `non-Error value thrown (${error === null ? 'null' : typeof error})`;
}

/** The exception event's `exception.type` is the same class name as the span's `error.type`. */
function asException(error: unknown): Exception {
  if (error instanceof Error) return { name: errorTypeOf(error), message: error.message, stack: error.stack };
  return { name: ERROR_TYPE_VALUE_OTHER, message: describe(error) };
}

/** Set the attributes `onResult` returns for `result`; a throwing hook is reported and ignored. */
export function applyResultAttributes(span: Span, spec: SpanSpec, result: unknown): void {
  const { onResult } = spec;
  if (!onResult || !span.isRecording()) return;
  const attributes = safeExecute(spec.site, () => onResult(result, span));
  if (attributes) setCoercedAttributes(span, attributes, runtime.attributeValueLengthLimit);
}

/** End a span whose operation succeeded; with a spec, its `onResult` sees `result` first. */
export function endSpanWithSuccess(span: Span, spec?: SpanSpec, result?: unknown): void {
  if (span.isRecording()) {
    span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.SUCCESS);
    if (spec) applyResultAttributes(span, spec, result);
  }
  span.end();
  if (runtime.metrics) operationDuration.end(span);
}

/**
 * End a span whose operation threw. `operation.result` is `error` either way; if the classifier
 * says the error is a real failure, status ERROR (message: the error's message), `error.type`, and
 * one exception event, only on the innermost span the error escaped from.
 */
export function endSpanWithError(span: Span, spec: Pick<SpanSpec, 'site' | 'kind'>, error: unknown): void {
  recordSpanFailure(span, error, spec.kind, spec.site);
  span.end();
  if (runtime.metrics) operationDuration.endWithError(span, error, spec.kind);
}

/**
 * Mark `span` (still open) as failed by `error`, exactly as a traced call does when `error` escapes
 * it: `operation.result=error`, and unless the error classifier calls it expected, status ERROR,
 * `error.type` and one exception event. For integrations that own a span's end themselves.
 */
export function recordSpanFailure(
  span: Span,
  error: unknown,
  kind: SpanKind = SpanKind.INTERNAL,
  site = 'recordSpanFailure',
): void {
  if (!span.isRecording()) return;
  span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.ERROR);
  const errorType = classifyErrorType(error, kind, `${site} (errorClassifier)`);
  if (errorType === undefined) return;
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
  const trackable = typeof error === 'object' && error !== null;
  if (!trackable || !recordedErrors.has(error)) {
    span.recordException(asException(error));
    if (trackable) recordedErrors.add(error);
  }
}

/** End a span whose Observable was unsubscribed before it completed or failed. */
export function endSpanCancelled(span: Span): void {
  if (span.isRecording()) span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.CANCELLED);
  span.end();
  if (runtime.metrics) operationDuration.end(span);
}
