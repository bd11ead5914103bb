import { SpanKind } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { AttributeNames, OperationResult, recordSpanFailure } from '@huleedu/nest-tracing';
import { MessagingAttributes } from '../messaging-attributes.js';

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && error.constructor?.name === 'KafkaRetriableException';
}

/**
 * A handler failure, recorded like any traced call's, plus `messaging.kafka.retriable` for Nest's
 * `KafkaRetriableException`. The first failure recorded on a span wins: the handler's own error,
 * marked by `@TraceKafka()`, over what Nest wraps it into later.
 */
export function markFailure(span: Span, error: unknown): void {
  if ((span as { attributes?: Attributes }).attributes?.[AttributeNames.OPERATION_RESULT] === OperationResult.ERROR) {
    return;
  }
  recordSpanFailure(span, error, SpanKind.CONSUMER, 'consumer');
  if (span.isRecording() && isRetriable(error)) span.setAttribute(MessagingAttributes.RETRIABLE, true);
}
