/**
 * Trace flags in the W3C form the OpenTelemetry log formats ask for: two lowercase hex digits
 * (`1` -> `'01'`, `0` -> `'00'`), not the number a JSON encoder would print.
 */
export function formatTraceFlags(flags: number): string {
  return (flags & 0xff).toString(16).padStart(2, '0');
}
