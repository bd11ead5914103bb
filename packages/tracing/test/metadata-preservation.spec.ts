import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Param, SetMetadata, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ClientProxyFactory, EventPattern, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import type { ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import { Traced } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { freePort } from './fixtures/free-port.js';

/** Starting or closing the HTTP app, its TCP microservice and the TCP client: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

const ROLES = 'roles';
const API_OPERATION = 'swagger/apiOperation';

@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[] | undefined>(ROLES, context.getHandler()) ?? [];
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return roles.length === 0 || roles.includes(request.headers['x-role'] ?? '');
  }
}

@Controller('essays')
@UseGuards(RolesGuard)
class EssaysController {
  scored: string[] = [];

  // @Traced below the Nest decorators: runs first, they then write onto the wrapper
  @Get(':id')
  @SetMetadata(ROLES, ['teacher'])
  @SetMetadata(API_OPERATION, { summary: 'Read an essay' })
  @Traced()
  read(@Param('id') id: string): { id: string } {
    return { id };
  }

  // @Traced above the Nest decorators: it must copy what they wrote onto the original
  @Traced()
  @Get()
  @SetMetadata(ROLES, ['teacher', 'student'])
  @SetMetadata(API_OPERATION, { summary: 'List essays' })
  list(): string[] {
    return ['e-1'];
  }

  @Traced()
  @MessagePattern('essay.score')
  score(@Payload() data: { text: string }): number {
    return data.text.length;
  }

  @EventPattern('essay.scored')
  @Traced()
  onScored(@Payload() data: { id: string }): void {
    this.scored.push(data.id);
  }
}

describe('@Traced keeps Nest metadata whatever the decorator order', () => {
  let app: INestApplication;
  let spans: TestSpans;
  let baseUrl: string;
  let client: ClientProxy;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service' })],
      controllers: [EssaysController],
      providers: [RolesGuard],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const port = await freePort();
    app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await client.connect();
    spans = app.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await client.close();
    await app.close();
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('routes still route and guards still read their metadata (decorator below)', async () => {
    const allowed = await fetch(`${baseUrl}/essays/e-7`, { headers: { 'x-role': 'teacher' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ id: 'e-7' });
    const forbidden = await fetch(`${baseUrl}/essays/e-7`, { headers: { 'x-role': 'student' } });
    expect(forbidden.status).toBe(403);
    expect(spans).toHaveSpanCount(1, 'content.EssaysController.read');
  });

  it('routes still route and guards still read their metadata (decorator above)', async () => {
    const response = await fetch(`${baseUrl}/essays`, { headers: { 'x-role': 'student' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['e-1']);
    expect(spans).toHaveSpan('content.EssaysController.list');
  });

  it('Reflector reads Swagger-style metadata in both orders', () => {
    const reflector = app.get(Reflector);
    expect(reflector.get(API_OPERATION, EssaysController.prototype.read)).toEqual({ summary: 'Read an essay' });
    expect(reflector.get(API_OPERATION, EssaysController.prototype.list)).toEqual({ summary: 'List essays' });
    expect(reflector.get(ROLES, EssaysController.prototype.list)).toEqual(['teacher', 'student']);
  });

  it('message patterns still register and answer over a real TCP transport', async () => {
    await expect(lastValueFrom(client.send('essay.score', { text: 'four' }))).resolves.toBe(4);
    expect(spans).toHaveSpan('content.EssaysController.score');
  });

  it('event patterns still register', async () => {
    await lastValueFrom(client.emit('essay.scored', { id: 'e-3' }));
    await spans.waitFor((all) => all.some((span) => span.name === 'content.EssaysController.onScored'));
    expect(app.get(EssaysController).scored).toEqual(['e-3']);
  });
});
