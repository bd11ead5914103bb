import { ClientNats, ServerNats } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { describeTransportRoundTrip } from './support/transport-round-trip.js';

const NATS = { servers: ['nats://127.0.0.1:4222'] };
/** Subjects unique to this run, so parallel or leftover runs on the same server never cross. */
const RUN = randomUUID();

describeTransportRoundTrip({
  title: 'NATS transport: traceMicroservice and traceClientProxy on a real server',
  system: 'nats',
  server: () => new ServerNats(NATS),
  client: () => new ClientNats(NATS),
  patterns: { event: `essay.${RUN}.checked`, failing: `essay.${RUN}.failing`, request: `essay.${RUN}.count` },
});
