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
  const result: Record<string, unknown> = { ...headers };
  const taken = new Set(Object.keys(result).map((key) => key.toLowerCase()));
  const fields = injectTraceContext<Record<string, string>>({}, ctx);
  for (const [key, value] of Object.entries(fields)) {
    if (!taken.has(key.toLowerCase())) result[key] = value;
  }
  return result as H & Record<string, string>;
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
