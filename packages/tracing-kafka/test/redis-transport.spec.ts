import { ClientRedis, ServerRedis } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { describeTransportRoundTrip } from './support/transport-round-trip.js';

const REDIS = { host: '127.0.0.1', port: 6379 };
/** Channels unique to this run, so parallel or leftover runs on the same server never cross. */
const RUN = randomUUID();

describeTransportRoundTrip({
  title: 'Redis transport: traceMicroservice and traceClientProxy (packet metadata) on a real server',
  system: 'redis',
  server: () => new ServerRedis(REDIS),
  client: () => new ClientRedis(REDIS),
  patterns: { event: `essay.${RUN}.checked`, failing: `essay.${RUN}.failing`, request: `essay.${RUN}.count` },
  // Redis carries the trace context in the packet metadata (Nest 12), not in headers
  carrier: 'metadata',
});
