import type { Attributes, Span } from '@opentelemetry/api';

type Primitive = string | number | boolean;

function coercePrimitive(value: unknown, maxLength: number): Primitive | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > maxLength ? value.slice(0, maxLength) : value;
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Turn a value into an OpenTelemetry attribute value, or `undefined` to skip it.
 * Strings longer than `maxLength` are cut; bigints and Dates become strings; arrays keep their
 * primitive members (mixed types become strings); `null`, `undefined`, functions, symbols and other
 * objects are skipped, so a DTO never lands in a span by accident (map it with a resolver instead).
 * That holds for the wider values API 1.10 accepts too: maps, byte arrays (a Buffer is one) and
 * nested arrays come from an argument or a result as a DTO or a payload, and are skipped; code that
 * means to record one calls `span.setAttribute()` itself.
 */
export function coerceAttributeValue(value: unknown, maxLength: number): Primitive | Primitive[] | undefined {
  if (!Array.isArray(value)) return coercePrimitive(value, maxLength);
  const members: Primitive[] = [];
  for (const member of value) {
    const coerced = coercePrimitive(member, maxLength);
    if (coerced !== undefined) members.push(coerced);
  }
  const sameType = members.every((member) => typeof member === typeof members[0]);
  return sameType ? members : members.map(String);
}

/** Coerce and set each attribute; skipped values leave no key behind. */
export function setCoercedAttributes(
  span: Span,
  attributes: Record<string, unknown> | undefined,
  maxLength: number,
): void {
  if (!attributes) return;
  for (const key of Object.keys(attributes)) {
    const value = coerceAttributeValue(attributes[key], maxLength);
    if (value !== undefined) span.setAttribute(key, value);
  }
}

/** Coerce a whole attribute object once (for static attributes). */
export function coerceAttributes(attributes: Attributes | undefined, maxLength: number): Attributes {
  const result: Attributes = {};
  if (!attributes) return result;
  for (const key of Object.keys(attributes)) {
    const value = coerceAttributeValue(attributes[key], maxLength);
    if (value !== undefined) result[key] = value;
  }
  return result;
}
