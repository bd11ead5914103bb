export { TraceKafka, TraceMessage, traceKafkaHandler } from './consumer/trace-kafka.decorator.js';
export { KafkaTracingModule } from './kafka-tracing.module.js';
export { configureKafkaTracing, kafkaTracingDefaults } from './kafka-tracing.options.js';
export type {
  KafkaTracingOptions,
  ProducerContextMode,
  SpanNameStyle,
  KafkaTracingModuleOptions,
  TraceKafkaOptions,
} from './kafka-tracing.options.js';
export { RENAMED_MESSAGING_ATTRIBUTES, messagingAttribute } from './messaging-semconv.js';
export type { MessagingSemconv, SemconvOptions } from './messaging-semconv.js';
export { MessagingAttributes } from './messaging-attributes.js';
export type { MessagingSystem } from './messaging-attributes.js';
export { traceKafkaProducer } from './producer/traced-producer.js';
export type { ProducerLike } from './producer/traced-producer.js';
export { withTraceHeaders } from './producer/inject-headers.js';
export type { KafkaHeaders } from './producer/inject-headers.js';
export { createEventEnvelope } from './envelope/event-envelope.js';
export type { EnvelopeMetadata, EventEnvelope, EventEnvelopeOptions } from './envelope/event-envelope.js';
export { traceMicroservice } from './transports/trace-microservice.js';
export type { ProcessingHooksServer } from './transports/trace-microservice.js';
export { TracedClientKafka, traceClientProxy } from './transports/traced-client.js';
