import { ERROR_TYPE_VALUE_OTHER } from '../semconv.js';

/** The low-cardinality `error.type` of a thrown value, as core names it: the class name, or `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || 'Error';
  return ERROR_TYPE_VALUE_OTHER;
}
