/**
 * The stable semantic-convention key this package writes, copied here (as OpenTelemetry's own
 * instrumentations copy incubating ones) so the package needs no dependency of its own.
 */
export const ATTR_ERROR_TYPE = 'error.type';
