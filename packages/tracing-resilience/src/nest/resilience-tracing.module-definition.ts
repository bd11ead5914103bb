import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OpossumCircuitBreakerLike, ResiliencePolicyLike } from '../types.js';

/** Options of `ResilienceTracingModule.forRoot()` / `forRootAsync()`. */
export interface ResilienceTracingModuleOptions {
  /**
   * The breakers and policies `@TracedCircuitBreaker(name)` runs methods through, by name (the
   * name is also `resilience.name`). Each is traced at start-up. An opossum breaker must be built
   * on `callThrough` (`new CircuitBreaker(callThrough, options)`), since it runs several methods;
   * a cockatiel policy (or `wrap(...)`) is used as it is. Default: `{}`.
   */
  policies?: Record<string, OpossumCircuitBreakerLike | ResiliencePolicyLike>;
}

export const {
  ConfigurableModuleClass: ConfigurableResilienceTracingModule,
  MODULE_OPTIONS_TOKEN: RESILIENCE_TRACING_OPTIONS,
} = new ConfigurableModuleBuilder<ResilienceTracingModuleOptions>({ moduleName: 'ResilienceTracing' })
  .setClassMethodName('forRoot')
  .build();
