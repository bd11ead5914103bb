/**
 * Reading what a transport or a user hands the consumer path (headers, packet metadata, AMQP
 * properties, an envelope's `metadata`, kafkajs payloads), which may be of any shape: kafkajs types
 * `headers` as optional, and hand-built or bridged messages carry `null`, strings, arrays, Buffers,
 * null-prototype objects or Proxies. Nothing here throws.
 */

/**
 * `value` as a record of named fields, or undefined when it is none: null, undefined, primitives,
 * functions, arrays and byte arrays (a Buffer's indices are no header names). Null-prototype objects
 * and Proxies are records; reading them goes through `readField` or `recordCarrierGetter`.
 */
export function asCarrierRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    // Array.isArray throws on a revoked Proxy
    return Array.isArray(value) || ArrayBuffer.isView(value) ? undefined : (value as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** `target[key]` when `target` is an object and reading it does not throw (a getter, a Proxy trap); else undefined. */
export function readField(target: unknown, key: string): unknown {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
