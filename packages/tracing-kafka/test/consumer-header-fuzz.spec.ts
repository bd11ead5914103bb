import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import {
  KafkaContext,
  MqttContext,
  NatsContext,
  RedisContext,
  RmqContext,
  ServerKafka,
  ServerMqtt,
  ServerNats,
  ServerRMQ,
  ServerRedis,
  ServerTCP,
  TcpContext,
} from '@nestjs/microservices';
import type { BaseRpcContext } from '@nestjs/microservices';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TraceKafka, TraceMessage, traceKafkaHandler, traceMicroservice } from '@huleedu/nest-tracing-kafka';
import type { MessagingSystem, ProcessingHooksServer } from '@huleedu/nest-tracing-kafka';
import { HeaderShapes, seededRandom } from './support/header-shapes.js';
import type { DrawnShape } from './support/header-shapes.js';
import { FuzzFindings, RecordingHandler, kafkaMessage, oneConsumerSpan, runCase } from './support/fuzz-harness.js';
import type { HandlerMode } from './support/fuzz-harness.js';

/** Fixed seeds: every run draws the same cases, so a failure names a case that can be replayed. */
const SEED = 0x12_0001;
const TOPIC = 'fuzz.topic';
const CONSUME = `kafka.consume.${TOPIC}`;
const MODES: readonly HandlerMode[] = ['value', 'promise', 'promise', 'value', 'throw', 'reject'];

/** Nest handlers: `@TraceKafka()`/`@TraceMessage()` around a handler that records its calls. */
class DecoratedHandlers {
  constructor(readonly handler: RecordingHandler) {}

  @TraceKafka()
  consume(...args: unknown[]): unknown {
    return this.handler.run(this, args);
  }

  @TraceMessage()
  message(...args: unknown[]): unknown {
    return this.handler.run(this, args);
  }
}

/** What the fuzz uses of a Nest server: its handlers, the path of a received event, and the processing hooks. */
interface EventServer extends ProcessingHooksServer {
  addHandler(pattern: string, callback: (data: unknown, context: unknown) => unknown, isEventHandler: boolean): void;
  handleEvent(pattern: string, packet: { pattern: string; data: unknown }, context: BaseRpcContext): Promise<unknown>;
  getHandlers(): Map<string, unknown>;
}

/** A Nest payload: plain data, an envelope whose `metadata` has any shape, or any shape itself. */
function nestPayload(shapes: HeaderShapes): unknown {
  const metadata = shapes.carrier().value;
  return shapes.pick([() => ({ essayId: 'e-1' }), () => ({ data: 1, metadata }), () => metadata])();
}

describe('consumer path: messages whose headers or packet metadata have any shape (seeded fuzz)', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'fuzz-consumer' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
  }, 60_000);

  it('traceKafkaHandler eachMessage: the handler runs once with the same payload, one CONSUMER span', async () => {
    const shapes = new HeaderShapes(seededRandom(SEED));
    const handler = new RecordingHandler();
    const eachMessage = traceKafkaHandler(function (this: unknown, ...args: unknown[]) {
      return handler.run(this, args);
    });
    const findings = new FuzzFindings();
    for (let index = 0; index < 1200; index++) {
      const shape = shapes.carrier();
      handler.mode = shapes.pick(MODES);
      const payload = { topic: TOPIC, partition: shapes.int(4), message: kafkaMessage(shapes, shape.value) };
      const self = { consumer: index };
      const problems = await runCase(
        spans,
        handler,
        { args: [payload], self, synchronous: true, spans: oneConsumerSpan(CONSUME, shape.traceId, handler.mode) },
        () => eachMessage.call(self, payload),
      );
      findings.record(`eachMessage #${index} [${shape.kind}, ${handler.mode}]`, problems);
    }
    expect(findings.summary()).toEqual(findings.expectedSummary());
  }, 60_000);

  it('traceKafkaHandler eachBatch: the handler runs once with the same batch, one CONSUMER span linking the messages', async () => {
    const shapes = new HeaderShapes(seededRandom(SEED + 1));
    const handler = new RecordingHandler();
    const eachBatch = traceKafkaHandler((...args: unknown[]) => handler.run(undefined, args));
    const findings = new FuzzFindings();
    for (let index = 0; index < 250; index++) {
      const drawn = Array.from({ length: shapes.int(7) }, () => shapes.carrier());
      handler.mode = shapes.pick(MODES);
      // a hand-built batch may even hold a message that is no object
      const messages: unknown[] = drawn.map((shape) => kafkaMessage(shapes, shape.value));
      if (shapes.chance(0.1)) messages.push(null);
      const payload = { batch: { topic: TOPIC, partition: 0, highWatermark: '100', messages }, isRunning: () => true };
      const linked = drawn.flatMap((shape) => (shape.traceId ? [shape.traceId] : []));
      const batchSpan = oneConsumerSpan(CONSUME, undefined, handler.mode);
      const problems = await runCase(
        spans,
        handler,
        {
          args: [payload],
          synchronous: true,
          spans: (finished) => {
            const problems = batchSpan(finished);
            const span = finished[0];
            if (span && span.attributes['messaging.batch.message_count'] !== messages.length) {
              problems.push('wrong messaging.batch.message_count');
            }
            const links = span?.links.map((link) => link.context.traceId) ?? [];
            if (links.length > messages.length || linked.some((traceId) => !links.includes(traceId))) {
              problems.push(`links ${links.length} of ${messages.length} messages`);
            }
            return problems;
          },
        },
        () => eachBatch(payload),
      );
      findings.record(`eachBatch #${index} [${drawn.map((shape) => shape.kind).join(', ')}]`, problems);
    }
    expect(findings.summary()).toEqual(findings.expectedSummary());
  }, 60_000);

  it('@TraceKafka() methods: Nest handlers with a KafkaContext (and replies), eachMessage and eachBatch methods', async () => {
    const shapes = new HeaderShapes(seededRandom(SEED + 2));
    const handler = new RecordingHandler();
    const handlers = new DecoratedHandlers(handler);
    const findings = new FuzzFindings();
    for (let index = 0; index < 900; index++) {
      const shape = shapes.carrier();
      handler.mode = shapes.pick(MODES);
      const message = kafkaMessage(shapes, shape.value);
      const form = shapes.pick(['nest', 'nest', 'eachMessage', 'eachBatch'] as const);
      let args: unknown[];
      if (form === 'nest') {
        args = [
          nestPayload(shapes),
          new KafkaContext([message as never, 1, TOPIC, {} as never, async () => {}, {} as never]),
        ];
      } else if (form === 'eachMessage') {
        args = [{ topic: TOPIC, partition: 1, message }];
      } else {
        args = [
          { batch: { topic: TOPIC, partition: 1, messages: [message, kafkaMessage(shapes, shapes.carrier().value)] } },
        ];
      }
      const reply =
        form === 'nest' && shape.expectsReply === true && !(handler.mode === 'throw' || handler.mode === 'reject');
      const traceId = form === 'eachBatch' ? undefined : shape.traceId;
      const problems = await runCase(
        spans,
        handler,
        { args, self: handlers, reply, synchronous: true, spans: oneConsumerSpan(CONSUME, traceId, handler.mode) },
        () => handlers.consume(...args),
      );
      findings.record(`@TraceKafka ${form} #${index} [${shape.kind}, ${handler.mode}]`, problems);
    }
    expect(findings.summary()).toEqual(findings.expectedSummary());
  }, 60_000);

  /** Each transport's server, and a context of the shape its server hands the hooks, around a drawn carrier. */
  const transports: Array<{
    system: MessagingSystem;
    server: () => EventServer;
    context: (shapes: HeaderShapes) => { context: BaseRpcContext; shape: DrawnShape; traceId?: string };
  }> = [
    {
      system: 'kafka',
      server: () => new ServerKafka({ client: { brokers: ['127.0.0.1:1'] } }),
      context: (shapes) => {
        const shape = shapes.carrier();
        const message = kafkaMessage(shapes, shape.value);
        const context = new KafkaContext([message as never, 0, TOPIC, {} as never, async () => {}, {} as never]);
        return { context, shape, traceId: shape.traceId };
      },
    },
    {
      system: 'rabbitmq',
      server: () => new ServerRMQ({ urls: ['amqp://127.0.0.1:1'], queue: 'fuzz' }),
      context: (shapes) => {
        const shape = shapes.carrier();
        const depth = shapes.int(3);
        const message = [shape.value, { content: Buffer.from('{}'), properties: shape.value }][depth] ?? {
          content: Buffer.from('{}'),
          fields: {},
          properties: { headers: shape.value },
        };
        const context = new RmqContext([message as never, {}, TOPIC]);
        return { context, shape, traceId: depth === 2 ? shape.traceId : undefined };
      },
    },
    {
      system: 'nats',
      server: () => new ServerNats({ servers: ['nats://127.0.0.1:1'] }),
      context: (shapes) => {
        const shape = shapes.natsCarrier();
        return { context: new NatsContext([TOPIC, shape.value]), shape, traceId: shape.traceId };
      },
    },
    {
      system: 'mqtt',
      server: () => new ServerMqtt({ url: 'mqtt://127.0.0.1:1' }),
      context: (shapes) => {
        const shape = shapes.carrier();
        const depth = shapes.int(3);
        const packet = [shape.value, { topic: TOPIC, properties: shape.value }][depth] ?? {
          topic: TOPIC,
          properties: { userProperties: shape.value },
        };
        const context = new MqttContext([TOPIC, packet as never]);
        return { context, shape, traceId: depth === 2 ? shape.traceId : undefined };
      },
    },
    {
      system: 'redis',
      server: () => new ServerRedis({ host: '127.0.0.1', port: 1 }),
      context: (shapes) => {
        const shape = shapes.carrier();
        return { context: new RedisContext([TOPIC, shape.value as never]), shape, traceId: shape.traceId };
      },
    },
    {
      system: 'tcp',
      server: () => new ServerTCP({ port: 1 }),
      context: (shapes) => {
        const shape = shapes.carrier();
        const context = new TcpContext([{} as never, TOPIC, shape.value as never]);
        return { context, shape, traceId: shape.traceId };
      },
    },
  ];

  it.each(transports.map((transport, index) => [transport.system, transport, index] as const))(
    'traceMicroservice processing hooks, %s: Nest calls the handler once with the same data and context, one CONSUMER span',
    async (system, transport, index) => {
      const shapes = new HeaderShapes(seededRandom(SEED + 10 + index));
      const handler = new RecordingHandler();
      const decorated = new DecoratedHandlers(handler);
      // the server is never started: its handleEvent runs the hooks the way a received message does
      const server = traceMicroservice(transport.server());
      const plain = (data: unknown, context: unknown) => handler.run(undefined, [data, context]);
      const traced = (data: unknown, context: unknown) => decorated.message(data, context);
      const findings = new FuzzFindings();
      for (let caseIndex = 0; caseIndex < 150; caseIndex++) {
        const { context, shape, traceId } = transport.context(shapes);
        handler.mode = shapes.pick(MODES);
        const viaDecorator = shapes.chance(0.5);
        server.addHandler(TOPIC, viaDecorator ? traced : plain, true);
        const data = nestPayload(shapes);
        const problems = await runCase(
          spans,
          handler,
          {
            args: [data, context],
            returnsValue: false,
            spans: oneConsumerSpan(`${system}.consume.${TOPIC}`, traceId, handler.mode),
          },
          () => server.handleEvent(TOPIC, { pattern: TOPIC, data }, context),
        );
        server.getHandlers().clear();
        const label = `${system} #${caseIndex} [${shape.kind}, ${handler.mode}${viaDecorator ? ', @TraceMessage' : ''}]`;
        findings.record(label, problems);
      }
      expect(findings.summary()).toEqual(findings.expectedSummary());
    },
    60_000,
  );
});
