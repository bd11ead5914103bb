import { Controller, Get, Module } from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { TracingModule } from '@huleedu/nest-tracing';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { SERVICE_NAME } from './floor-sdk.js';
import { seeContext } from './floor-transport.js';
import type { ContextSeen, FloorTransport, VariantId } from './floor-transport.js';
import { handWrittenServerSpans } from './http-server.hand-written.js';
import type { RequestListener } from './socketless-exchange.js';
import { exchange } from './socketless-exchange.js';

const HELLO = Object.freeze({ message: 'hello' });
/** Distinct requests, cycled through: each brings its own trace context and correlation id. */
const REQUESTS = 4096;

/** What the controller saw of the context on the request being observed. */
const probe: { observing: boolean; seen: ContextSeen | undefined } = { observing: false, seen: undefined };

/** The benchmark's one route, as the HTTP macro-benchmark serves it. */
@Controller()
class HelloController {
  @Get('hello')
  hello(): { message: string } {
    if (probe.observing) probe.seen = seeContext();
    return HELLO;
  }
}

@Module({})
class FloorHttpModule {
  static forVariant(variant: VariantId): DynamicModule {
    return {
      module: FloorHttpModule,
      imports: variant === 'nest-tracing' ? [TracingModule.forRoot({ serviceName: SERVICE_NAME })] : [],
      controllers: [HelloController],
    };
  }
}

/** A Nest application (Express adapter), initialised but not listening: its Express app is the request listener. */
async function createApp(variant: VariantId): Promise<INestApplication> {
  const app = await NestFactory.create(FloorHttpModule.forVariant(variant), new ExpressAdapter(), {
    logger: ['error', 'warn'],
  });
  if (variant === 'hand-written') app.use(handWrittenServerSpans());
  await app.init();
  return app;
}

/** Request headers as a calling service sends them: W3C trace context, baggage and the correlation id. */
function buildRequestHeaders(): IncomingHttpHeaders[] {
  const all: IncomingHttpHeaders[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const correlationId = randomUUID();
    all.push({
      host: '127.0.0.1:3710',
      'user-agent': 'essay-gateway/1.4 (node)',
      accept: 'application/json',
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      baggage: `correlation_id=${correlationId}`,
      'x-correlation-id': correlationId,
    });
  }
  return all;
}

/** The SERVER span: `GET /hello` through three Nest applications without sockets. */
export async function httpServerTransport(): Promise<FloorTransport> {
  const apps = {
    untraced: await createApp('untraced'),
    'hand-written': await createApp('hand-written'),
    'nest-tracing': await createApp('nest-tracing'),
  };
  const listener = (variant: VariantId): RequestListener =>
    apps[variant].getHttpAdapter().getInstance() as RequestListener;
  const headers = buildRequestHeaders();
  let next = 0;
  const batch = (variant: VariantId) => {
    const handle = listener(variant);
    return async (n: number): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const response: ServerResponse = await exchange(handle, 'GET', '/hello', headers[next]);
        sum = (sum + response.statusCode) | 0;
        next = (next + 1) % REQUESTS;
      }
      return sum;
    };
  };
  return {
    id: 'http-server',
    label: 'HTTP SERVER span (Nest + Express, GET /hello)',
    iterations: 200,
    // the Nest and Express pipeline keeps settling (inline caches, optimisations) for tens of thousands of requests
    warmupBatches: 500,
    spansPerOperation: 1,
    batches: {
      untraced: batch('untraced'),
      'hand-written': batch('hand-written'),
      'nest-tracing': batch('nest-tracing'),
    },
    observe: async (variant) => {
      probe.observing = true;
      const response = await exchange(listener(variant), 'GET', '/hello', headers[0]);
      probe.observing = false;
      const status = response.statusCode;
      if (status !== 200) throw new Error(`GET /hello answered ${status} in the ${variant} application`);
      const correlation = response.getHeader('x-correlation-id');
      return probe.seen && { ...probe.seen, headers: { 'x-correlation-id': String(correlation) } };
    },
    close: async () => {
      for (const app of Object.values(apps)) await app.close();
    },
  };
}
