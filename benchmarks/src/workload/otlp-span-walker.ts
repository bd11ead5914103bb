/** One span of an OTLP export, reduced to what the workload benchmark counts. */
export interface WalkedSpan {
  /** 32 hex digits. */
  traceId: string;
  name: string;
  /** The resource's `service.name`, or '' when it has none. */
  service: string;
  /** Start and end, in milliseconds since the epoch (from the nanoseconds; sub-microsecond digits lost). */
  startMs: number;
  endMs: number;
}

/** Wire types the walker hands to visitors: 1 (fixed64) and 2 (length-delimited). */
type FieldVisitor = (field: number, start: number, end: number, wireType: 1 | 2) => void;

/** A base-128 varint at `position`: its value (exact up to 2^53) and the position after it. */
function readVarint(buffer: Buffer, position: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let at = position; at < buffer.length; at += 1) {
    const byte = buffer[at];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at + 1];
    scale *= 128;
  }
  throw new Error(`OTLP: truncated varint at byte ${position}`);
}

/**
 * Call `visit` for every length-delimited and fixed64 field of the message in `buffer[start, end)` (the
 * only wire types the counted path goes through); other fields are skipped by their wire type.
 */
function forEachField(buffer: Buffer, start: number, end: number, visit: FieldVisitor): void {
  let position = start;
  while (position < end) {
    const [tag, afterTag] = readVarint(buffer, position);
    const wireType = tag % 8;
    const field = Math.floor(tag / 8);
    if (wireType === 0) {
      position = readVarint(buffer, afterTag)[1];
    } else if (wireType === 1) {
      position = afterTag + 8;
      if (position > end) throw new Error(`OTLP: field ${field} runs past its message`);
      visit(field, afterTag, position, 1);
    } else if (wireType === 5) {
      position = afterTag + 4;
    } else if (wireType === 2) {
      const [length, afterLength] = readVarint(buffer, afterTag);
      position = afterLength + length;
      if (position > end) throw new Error(`OTLP: field ${field} runs past its message`);
      visit(field, afterLength, position, 2);
    } else {
      throw new Error(`OTLP: wire type ${wireType} (field ${field}) is not supported`);
    }
  }
  if (position !== end) throw new Error('OTLP: message ends inside a field');
}

/** `service.name` among a Resource's attributes (KeyValue = 1: key, 2: AnyValue with 1: string_value). */
function serviceNameOf(buffer: Buffer, start: number, end: number): string {
  let service = '';
  forEachField(buffer, start, end, (field, kvStart, kvEnd) => {
    if (field !== 1) return;
    let key = '';
    let value = '';
    forEachField(buffer, kvStart, kvEnd, (kvField, from, to) => {
      if (kvField === 1) key = buffer.toString('utf8', from, to);
      else if (kvField === 2) {
        forEachField(buffer, from, to, (anyField, valueFrom, valueTo) => {
          if (anyField === 1) value = buffer.toString('utf8', valueFrom, valueTo);
        });
      }
    });
    if (key === 'service.name') service = value;
  });
  return service;
}

/**
 * The spans of an OTLP/HTTP protobuf `ExportTraceServiceRequest`, read straight from the wire format:
 * ResourceSpans (1) → Resource (1) and ScopeSpans (2) → Span (2) → trace_id (1), name (5), start (7)
 * and end (8). It decodes nothing else (no attributes, events or links), so counting every span of a traced
 * workload costs the receiver, which shares the machine with the services, next to nothing.
 */
export function walkOtlpSpans(buffer: Buffer): WalkedSpan[] {
  const spans: WalkedSpan[] = [];
  forEachField(buffer, 0, buffer.length, (field, rsStart, rsEnd) => {
    if (field !== 1) return;
    let service = '';
    const scopeSpans: Array<[number, number]> = [];
    forEachField(buffer, rsStart, rsEnd, (rsField, from, to) => {
      if (rsField === 1) service = serviceNameOf(buffer, from, to);
      else if (rsField === 2) scopeSpans.push([from, to]);
    });
    for (const [ssStart, ssEnd] of scopeSpans) {
      forEachField(buffer, ssStart, ssEnd, (ssField, spanStart, spanEnd) => {
        if (ssField !== 2) return;
        let traceId = '';
        let name = '';
        let startMs = NaN;
        let endMs = NaN;
        forEachField(buffer, spanStart, spanEnd, (spanField, from, to) => {
          if (spanField === 1) traceId = buffer.toString('hex', from, to);
          else if (spanField === 5) name = buffer.toString('utf8', from, to);
          else if (spanField === 7) startMs = Number(buffer.readBigUInt64LE(from) / 1000n) / 1000;
          else if (spanField === 8) endMs = Number(buffer.readBigUInt64LE(from) / 1000n) / 1000;
        });
        spans.push({ traceId, name, service, startMs, endMs });
      });
    }
  });
  return spans;
}
