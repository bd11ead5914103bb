import { ClientMqtt, ServerMqtt } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { describeTransportRoundTrip } from './support/transport-round-trip.js';

/** MQTT 5: the trace context travels in the PUBLISH packet's user properties (`MqttRecord`). */
const MQTT = { url: 'mqtt://127.0.0.1:1883', protocolVersion: 5 } as const;
/** Topics unique to this run, so parallel or leftover runs on the same broker never cross. */
const RUN = randomUUID();

describeTransportRoundTrip({
  title: 'MQTT 5 transport: traceMicroservice and traceClientProxy (user properties) on a real broker',
  system: 'mqtt',
  server: () => new ServerMqtt(MQTT),
  client: () => new ClientMqtt(MQTT),
  patterns: { event: `essay/${RUN}/checked`, failing: `essay/${RUN}/failing`, request: `essay/${RUN}/count` },
  carrier: 'user properties',
});
