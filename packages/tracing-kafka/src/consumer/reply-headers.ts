import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { reportTelemetryFault } from '@huleedu/nest-tracing';
import { types } from 'node:util';
import { isObservable, map } from 'rxjs';
import type { Observable } from 'rxjs';
import { asKafkaMessageWithTraceHeaders } from '../producer/inject-headers.js';
import { asCarrierRecord, readField } from './carrier-record.js';

/** Nest's request/reply headers: a message that carries both expects a reply. */
const REPLY_TOPIC = 'kafka_replyTopic';
const CORRELATION = 'kafka_correlationId';

/** Whether a message's headers (of any shape: null, a string, a Proxy count as none) ask for a reply. */
export function expectsReply(headers: unknown): boolean {
  const record = asCarrierRecord(headers);
  return (
    record !== undefined && readField(record, REPLY_TOPIC) !== undefined && readField(record, CORRELATION) !== undefined
  );
}

/** A reply with the context in its headers; a value that cannot be read or copied is replied as it is. */
function asReply(value: unknown, ctx: Context): unknown {
  try {
    return asKafkaMessageWithTraceHeaders(value, ctx);
  } catch (error) {
    reportTelemetryFault('Kafka reply', 'Could not add trace headers to a reply', error);
    return value;
  }
}

/**
 * What a `@MessagePattern` handler returns, turned into replies that carry the handler's context
 * (the CONSUMER span) in their headers, so the requester's trace shows the reply's origin. Values,
 * Promises and Observables keep their shape; the requester receives the same values.
 */
export function withReplyContext<T>(result: T, ctx: Context = context.active()): T {
  if (types.isPromise(result)) return result.then((value) => asReply(value, ctx)) as T;
  if (isObservable(result)) return (result as Observable<unknown>).pipe(map((value) => asReply(value, ctx))) as T;
  return asReply(result, ctx) as T;
}
