import { ClientRMQ, ServerRMQ } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { describeTransportRoundTrip } from './support/transport-round-trip.js';

/** A queue of its own for this run, dropped when the last connection goes. */
const RMQ = {
  urls: ['amqp://guest:guest@127.0.0.1:5672'],
  queue: `nest-tracing-rmq-${randomUUID()}`,
  queueOptions: { durable: false, autoDelete: true },
};

describeTransportRoundTrip({
  title: 'RabbitMQ transport: traceMicroservice and traceClientProxy on a real broker',
  system: 'rabbitmq',
  server: () => new ServerRMQ(RMQ),
  client: () => new ClientRMQ(RMQ),
  patterns: { event: 'essay.checked', failing: 'essay.failing', request: 'essay.count' },
});
