import { Inject, Module } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { TracingConfigError } from '@huleedu/nest-tracing';
import { traceResiliencePolicy } from '../cockatiel/trace-resilience-policy.js';
import { traceCircuitBreaker } from '../opossum/trace-circuit-breaker.js';
import type { OpossumCircuitBreakerLike, ResiliencePolicyLike } from '../types.js';
import { callThrough } from './call-through.js';
import { registerExecutor, unregisterExecutor } from './resilience-policy.registry.js';
import type { ResilienceExecutor } from './resilience-policy.registry.js';
import {
  ConfigurableResilienceTracingModule,
  RESILIENCE_TRACING_OPTIONS,
} from './resilience-tracing.module-definition.js';
import type { ResilienceTracingModuleOptions } from './resilience-tracing.module-definition.js';
import { circuitBreakerNameOf } from './traced-circuit-breaker.decorator.js';

const isOpossum = (policy: object): policy is OpossumCircuitBreakerLike =>
  typeof (policy as OpossumCircuitBreakerLike).fire === 'function' && 'opened' in policy;
const isPolicy = (policy: object): policy is ResiliencePolicyLike =>
  typeof (policy as ResiliencePolicyLike).execute === 'function';

/** Trace `policy` as `name` and return what runs work through it; misconfiguration fails here. */
function executorOf(name: string, policy: unknown): ResilienceExecutor {
  if (typeof policy === 'object' && policy !== null && isOpossum(policy)) {
    if ((policy as { action?: unknown }).action !== callThrough) {
      throw TracingConfigError.create(`The circuit breaker '${name}' is not built on callThrough.`, [
        `Build it as new CircuitBreaker(callThrough, options): @TracedCircuitBreaker('${name}') hands it each method call to run.`,
        'To trace a breaker around one function of your own, call traceCircuitBreaker(breaker) instead of registering it.',
      ]);
    }
    traceCircuitBreaker(policy, { name });
    return <T>(work: () => T | Promise<T>) => policy.fire(work) as Promise<T>;
  }
  if (typeof policy === 'object' && policy !== null && isPolicy(policy)) {
    traceResiliencePolicy(policy, name);
    return <T>(work: () => T | Promise<T>) => policy.execute(() => work()) as Promise<T>;
  }
  throw TracingConfigError.create(
    `The resilience policy '${name}' is neither an opossum breaker nor a cockatiel policy.`,
    [
      'Pass new CircuitBreaker(callThrough, options) from opossum, or a cockatiel policy such as circuitBreaker(handleAll, ...).',
    ],
  );
}

/**
 * Registers named breakers and policies for `@TracedCircuitBreaker()`, traced, and checks at
 * start-up that every `@TracedCircuitBreaker(name)` on this application's providers has one.
 * Use `traceCircuitBreaker()` / `traceResiliencePolicy()` directly for breakers you call yourself.
 */
@Module({ imports: [DiscoveryModule] })
export class ResilienceTracingModule
  extends ConfigurableResilienceTracingModule
  implements OnModuleInit, OnModuleDestroy
{
  private readonly registered = new Map<string, ResilienceExecutor>();

  constructor(
    @Inject(RESILIENCE_TRACING_OPTIONS) private readonly options: ResilienceTracingModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {
    super();
  }

  onModuleInit(): void {
    for (const [name, policy] of Object.entries(this.options.policies ?? {})) {
      this.registered.set(name, executorOf(name, policy));
    }
    const missing = this.decoratedNames().filter(([name]) => !this.registered.has(name));
    if (missing.length > 0) {
      throw TracingConfigError.create(
        `@TracedCircuitBreaker() names breakers that ResilienceTracingModule does not register: ${missing
          .map(([name, site]) => `'${name}' (${site})`)
          .join(', ')}.`,
        ['Add each to ResilienceTracingModule.forRoot({ policies: { ... } }), or fix the name in the decorator.'],
      );
    }
    for (const [name, executor] of this.registered) registerExecutor(name, executor);
  }

  onModuleDestroy(): void {
    for (const [name, executor] of this.registered) unregisterExecutor(name, executor);
  }

  /** `[name, Class.method]` of every `@TracedCircuitBreaker()` method on the application's providers. */
  private decoratedNames(): Array<[string, string]> {
    const found: Array<[string, string]> = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = circuitBreakerNameOf((prototype as Record<string, unknown>)[method]);
        if (name !== undefined) found.push([name, `${instance.constructor.name}.${method}`]);
      }
    }
    return found;
  }
}
