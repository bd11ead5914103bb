import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { injectTraceContext } from '@huleedu/nest-tracing';

/** Kafka message headers as kafkajs types them. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/**
 * A new header object: the caller's headers, plus `traceparent`, `tracestate`, `baggage` and
 * `correlation_id` from `ctx` for each one the caller did not set (compared case-insensitively).
 * The caller's object is never changed and a caller's `traceparent` is never replaced.
 */
export function withTraceHeaders<H extends Record<string, unknown>>(
  headers: H | undefined,
  ctx: Context = context.active(),
): H & Record<string, string> {
  return mergeTraceHeaders(headers, traceHeaderFields(ctx));
}

/** The trace headers of `ctx` (lower-case names), to merge into several messages' headers with `mergeTraceHeaders`. */
export function traceHeaderFields(ctx: Context = context.active()): Record<string, string> {
  return injectTraceContext<Record<string, string>>({}, ctx);
}

/**
 * A new header object: `headers` plus each of `fields` (made by `traceHeaderFields`) that `headers`
 * does not have under any case. Neither object is changed.
 */
export function mergeTraceHeaders<H extends Record<string, unknown>>(
  headers: H | undefined,
  fields: Record<string, string>,
): H & Record<string, string> {
  // no caller headers (the usual case): nothing to compare
  if (headers === undefined || headers === null) return { ...fields } as H & Record<string, string>;
  const result: Record<string, unknown> = { ...headers };
  // the caller's names, lower-cased, only when there are both caller headers and fields to compare
  let taken: Set<string> | undefined;
  for (const key in fields) {
    taken ??= lowerCaseKeys(result);
    if (!taken.has(key)) result[key] = fields[key];
  }
  return result as H & Record<string, string>;
}

function lowerCaseKeys(record: Record<string, unknown>): Set<string> {
  const keys = new Set<string>();
  for (const key in record) keys.add(key.toLowerCase());
  return keys;
}

/** A payload Nest's Kafka serializer sends as it is: it has a `key` or a `value`. */
export function isKafkaMessageShaped(value: unknown): value is { headers?: Record<string, unknown> } {
  return value !== null && typeof value === 'object' && ('key' in value || 'value' in value);
}

/**
 * `data` as a Kafka message (`{ key?, value, headers }`, the shape Nest's serializer sends as it
 * is) whose headers carry `ctx`: a message-shaped payload keeps its fields, anything else becomes
 * its `value`. The caller's object is not changed.
 */
export function asKafkaMessageWithTraceHeaders(data: unknown, ctx: Context = context.active()): unknown {
  return isKafkaMessageShaped(data)
    ? { ...data, headers: withTraceHeaders(data.headers, ctx) }
    : { value: data, headers: withTraceHeaders(undefined, ctx) };
}
