import type { TextMapGetter } from '@opentelemetry/api';

/** A carrier read as a plain object: HTTP headers, Kafka headers, an event envelope's metadata. */
export type CarrierRecord = Record<string, unknown>;

const decoder = new TextDecoder();

function valueAsString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // a Buffer (what kafkajs hands over) decodes faster through its own toString than TextDecoder, and
  // fastest without arguments (UTF-8, no encoding lookup)
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof Uint8Array) return decoder.decode(value);
  return undefined;
}

function findKey(carrier: CarrierRecord, key: string): unknown {
  const exact = carrier[key];
  if (exact !== undefined || key in carrier) return exact;
  // a field absent under its own name (tracestate, most of the time): only names of the same length
  // can match case-insensitively, so most are never lower-cased
  const wanted = key.toLowerCase();
  for (const candidate of Object.keys(carrier)) {
    if (candidate.length === wanted.length && candidate.toLowerCase() === wanted) return carrier[candidate];
  }
  return undefined;
}

/**
 * Reads propagation fields from a plain object, whatever its shape:
 * - keys match case-insensitively (`TraceParent` finds `traceparent`);
 * - values may be strings, Buffers or byte arrays (Kafka headers), or arrays of those;
 * - repeated `traceparent` values that disagree count as missing (W3C: start a new trace), while
 *   repeated `tracestate`/`baggage` values are joined with `,` as HTTP combines header fields;
 * - anything else (numbers, objects) counts as missing.
 * It never throws: a carrier that is no object has no fields, and one whose getters or Proxy traps
 * throw (a hand-built or bridged message) has none that can be read.
 */
export const recordCarrierGetter: TextMapGetter<CarrierRecord> = {
  keys(carrier) {
    if (!carrier || typeof carrier !== 'object') return [];
    try {
      return Object.keys(carrier);
    } catch {
      return [];
    }
  },
  get(carrier, key) {
    if (!carrier || typeof carrier !== 'object') return undefined;
    try {
      return fieldValue(findKey(carrier, key), key);
    } catch {
      return undefined;
    }
  },
};

function fieldValue(raw: unknown, key: string): string | undefined {
  if (!Array.isArray(raw)) return valueAsString(raw);
  const values = [...new Set(raw.map(valueAsString).filter((v): v is string => v !== undefined))];
  if (values.length <= 1) return values[0];
  return key.toLowerCase() === 'traceparent' ? undefined : values.join(',');
}

/**
 * `recordCarrierGetter` for Node's `IncomingMessage.headers`, whose names Node has already
 * lower-cased: a field is looked up directly, never by scanning every header (which a request
 * without `traceparent`, `baggage` or a correlation id would otherwise do for each). Values are
 * read as `recordCarrierGetter` reads them. @internal
 */
export const incomingHeadersGetter: TextMapGetter<CarrierRecord> = {
  keys: (carrier) => recordCarrierGetter.keys(carrier),
  get(carrier, key) {
    if (!carrier || typeof carrier !== 'object') return undefined;
    return fieldValue(carrier[key] ?? carrier[key.toLowerCase()], key);
  },
};
