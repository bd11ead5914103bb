/**
 * The stable semantic-convention keys this package writes, copied here (as OpenTelemetry's own
 * instrumentations copy incubating ones) so the package needs no dependency of its own.
 */
export const ATTR_ERROR_TYPE = 'error.type';
/** `error.type` of a thrown value that is not an `Error`. */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER';
