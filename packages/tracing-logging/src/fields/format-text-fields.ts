import type { LogFieldValue } from '../types.js';

/** A value that needs quoting in a `key=value` list: empty, or holding a space, a quote, `=` or `\`. */
const NEEDS_QUOTES = /^$|[\s"=\\]/;

/**
 * The fields as ` key=value` pairs (logfmt style, each with its leading space) for text log lines:
 * readable, and found by `grep trace_id=<id>`. Values with spaces, quotes, `=` or `\` are quoted as
 * JSON strings.
 */
export function formatTextFields(fields: Record<string, LogFieldValue>): string {
  let text = '';
  for (const [key, value] of Object.entries(fields)) {
    const raw = String(value);
    text += ` ${key}=${NEEDS_QUOTES.test(raw) ? JSON.stringify(raw) : raw}`;
  }
  return text;
}
