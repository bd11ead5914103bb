import {
  ClientMqtt,
  ClientNats,
  ClientRMQ,
  ClientRedis,
  ServerMqtt,
  ServerNats,
  ServerRMQ,
  ServerRedis,
} from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { describeTransportSemconv } from './support/transport-semconv.js';

/** Queues, subjects, channels and topics of this run only, so parallel or leftover runs never cross. */
const RUN = randomUUID();

const RMQ = {
  urls: ['amqp://guest:guest@127.0.0.1:5672'],
  queue: `nest-tracing-semconv-${RUN}`,
  queueOptions: { durable: false, autoDelete: true },
};
const NATS = { servers: ['nats://127.0.0.1:4222'] };
const REDIS = { host: '127.0.0.1', port: 6379 };
const MQTT = { url: 'mqtt://127.0.0.1:1883', protocolVersion: 5 } as const;

describeTransportSemconv({
  title: 'messaging semconv names: RabbitMQ transport',
  system: 'rabbitmq',
  server: () => new ServerRMQ(RMQ),
  client: () => new ClientRMQ(RMQ),
  patterns: { event: 'essay.checked', request: 'essay.count' },
});

describeTransportSemconv({
  title: 'messaging semconv names: NATS transport',
  system: 'nats',
  server: () => new ServerNats(NATS),
  client: () => new ClientNats(NATS),
  patterns: { event: `semconv.${RUN}.checked`, request: `semconv.${RUN}.count` },
});

describeTransportSemconv({
  title: 'messaging semconv names: Redis transport',
  system: 'redis',
  server: () => new ServerRedis(REDIS),
  client: () => new ClientRedis(REDIS),
  patterns: { event: `semconv.${RUN}.checked`, request: `semconv.${RUN}.count` },
});

describeTransportSemconv({
  title: 'messaging semconv names: MQTT 5 transport',
  system: 'mqtt',
  server: () => new ServerMqtt(MQTT),
  client: () => new ClientMqtt(MQTT),
  patterns: { event: `semconv/${RUN}/checked`, request: `semconv/${RUN}/count` },
});
