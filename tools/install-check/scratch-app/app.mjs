// A Nest application in plain JavaScript (no build step): decorators are applied with Reflect.decorate, as
// TypeScript's emitted code applies them, and constructor types are given as `design:paramtypes` metadata.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Traced, TracingModule } from '@huleedu/nest-tracing';

function decorateMethod(decorators, target, key) {
  const descriptor = Reflect.decorate(decorators, target, key, Object.getOwnPropertyDescriptor(target, key));
  Object.defineProperty(target, key, descriptor);
}

class GreetingService {
  async greet(name) {
    return `Hello, ${name}!`;
  }
}
decorateMethod(
  [Traced('greeter.greet', { attributes: (name) => ({ 'greeting.name': name }) })],
  GreetingService.prototype,
  'greet',
);
const GreetingServiceProvider = Reflect.decorate([Injectable()], GreetingService);

class GreetController {
  constructor(greetings) {
    this.greetings = greetings;
  }

  greet(name) {
    return this.greetings.greet(name);
  }
}
Param('name')(GreetController.prototype, 'greet', 0);
decorateMethod([Get(':name')], GreetController.prototype, 'greet');
Reflect.defineMetadata('design:paramtypes', [GreetingServiceProvider], GreetController);
const GreetControllerClass = Reflect.decorate([Controller('greet')], GreetController);

class AppModule {}
const AppModuleClass = Reflect.decorate(
  [
    Module({
      imports: [TracingModule.forRoot({ serviceName: 'greeter' })],
      controllers: [GreetControllerClass],
      providers: [GreetingServiceProvider],
    }),
  ],
  AppModule,
);

const app = await NestFactory.create(AppModuleClass, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
