/**
 * Messaging semantic-convention attribute names (OpenTelemetry semconv 1.36, development status,
 * so spelled out here rather than imported from the incubating entry point).
 */
export const MessagingAttributes = {
  SYSTEM: 'messaging.system',
  OPERATION_TYPE: 'messaging.operation.type',
  OPERATION_NAME: 'messaging.operation.name',
  DESTINATION_NAME: 'messaging.destination.name',
  DESTINATION_PARTITION_ID: 'messaging.destination.partition.id',
  KAFKA_OFFSET: 'messaging.kafka.offset',
  KAFKA_MESSAGE_KEY: 'messaging.kafka.message.key',
  KAFKA_MESSAGE_TOMBSTONE: 'messaging.kafka.message.tombstone',
  CONSUMER_GROUP_NAME: 'messaging.consumer.group.name',
  CLIENT_ID: 'messaging.client.id',
  BATCH_MESSAGE_COUNT: 'messaging.batch.message_count',
  MESSAGE_ID: 'messaging.message.id',
  CONVERSATION_ID: 'messaging.message.conversation_id',
  /** Not semconv: set when the handler failed with `KafkaRetriableException` (the message will be redelivered). */
  RETRIABLE: 'messaging.kafka.retriable',
} as const;

/** `messaging.system` values of the transports this package traces. */
export type MessagingSystem = 'kafka' | 'rabbitmq' | 'nats' | 'redis' | 'mqtt' | (string & {});
