import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { types } from 'node:util';
import { isObservable, map } from 'rxjs';
import type { Observable } from 'rxjs';
import { asKafkaMessageWithTraceHeaders } from '../producer/inject-headers.js';

/** Nest's request/reply headers: a message that carries both expects a reply. */
const REPLY_TOPIC = 'kafka_replyTopic';
const CORRELATION = 'kafka_correlationId';

export function expectsReply(headers: Record<string, unknown> | undefined): boolean {
  return headers !== undefined && headers[REPLY_TOPIC] !== undefined && headers[CORRELATION] !== undefined;
}

/**
 * What a `@MessagePattern` handler returns, turned into replies that carry the handler's context
 * (the CONSUMER span) in their headers, so the requester's trace shows the reply's origin. Values,
 * Promises and Observables keep their shape; the requester receives the same values.
 */
export function withReplyContext<T>(result: T, ctx: Context = context.active()): T {
  if (types.isPromise(result)) return result.then((value) => asKafkaMessageWithTraceHeaders(value, ctx)) as T;
  if (isObservable(result))
    return (result as Observable<unknown>).pipe(map((value) => asKafkaMessageWithTraceHeaders(value, ctx))) as T;
  return asKafkaMessageWithTraceHeaders(result, ctx) as T;
}
