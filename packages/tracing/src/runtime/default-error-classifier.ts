import { SpanKind } from '@opentelemetry/api';
import type { ErrorClassification } from '../tracing.options.js';

interface HttpExceptionLike {
  getStatus(): number;
  getResponse(): unknown;
}

function isHttpExceptionLike(error: unknown): error is HttpExceptionLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as HttpExceptionLike).getStatus === 'function' &&
    typeof (error as HttpExceptionLike).getResponse === 'function'
  );
}

/**
 * Nest `HttpException`s below 500 (a 404, a validation 400) are expected outcomes on the serving
 * side (SERVER and INTERNAL spans); on CLIENT, PRODUCER and CONSUMER spans, and for every other
 * error, the operation failed. Recognises `HttpException` by shape, so core needs no runtime import.
 */
export function defaultErrorClassifier(error: unknown, spanKind: SpanKind): ErrorClassification {
  if ((spanKind === SpanKind.SERVER || spanKind === SpanKind.INTERNAL) && isHttpExceptionLike(error)) {
    const status = error.getStatus();
    if (status >= 400 && status < 500) return 'expected';
  }
  return 'error';
}
