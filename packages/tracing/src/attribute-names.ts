/**
 * Attribute keys this library writes that are not OpenTelemetry semantic conventions.
 * They follow the platform's tracing conventions (the seed document): every span the library
 * creates carries `operation.type`, `operation.result` once it ends, and `correlation_id` when a
 * correlation id is in context.
 */
export const AttributeNames = {
  /** What kind of operation the span measures (`internal`, `server`, or a value from `operationType`). */
  OPERATION_TYPE: 'operation.type',
  /** `success`, `error`, or `cancelled` (an Observable unsubscribed before it finished). */
  OPERATION_RESULT: 'operation.result',
  /** The request's correlation id, when one is in context. */
  CORRELATION_ID: 'correlation_id',
} as const;

/** Values of {@link AttributeNames.OPERATION_RESULT}. */
export const OperationResult = {
  SUCCESS: 'success',
  ERROR: 'error',
  CANCELLED: 'cancelled',
} as const;
