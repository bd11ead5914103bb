import type { SpanKind } from '@opentelemetry/api';
import { ERROR_TYPE_VALUE_OTHER } from '@opentelemetry/semantic-conventions';
import { runtime } from './tracing-runtime.js';
import { safeExecute } from '../utils/safe-execute.js';

/** The low-cardinality `error.type`: the error's class name, or `_OTHER` for non-Error throwables. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || 'Error';
  return ERROR_TYPE_VALUE_OTHER;
}

/**
 * The `error.type` an operation of `kind` that failed with `error` gets, on its span and on its
 * duration metric alike: the error's class name (`_OTHER` for non-Errors), or undefined when the
 * configured error classifier calls the error `expected` (a 4xx `HttpException`, by default, on
 * SERVER and INTERNAL spans). A classifier that throws counts the error as a failure.
 */
export function classifyErrorType(error: unknown, kind: SpanKind, site = 'classifyErrorType'): string | undefined {
  const classification = safeExecute(site, () => runtime.errorClassifier(error, kind)) ?? 'error';
  return classification === 'error' ? errorTypeOf(error) : undefined;
}
