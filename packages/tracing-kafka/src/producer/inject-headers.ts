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
