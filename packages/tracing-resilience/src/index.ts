export { traceCircuitBreaker } from './opossum/trace-circuit-breaker.js';
export { traceResiliencePolicy } from './cockatiel/trace-resilience-policy.js';
export { TracedCircuitBreaker } from './nest/traced-circuit-breaker.decorator.js';
export { ResilienceTracingModule } from './nest/resilience-tracing.module.js';
export { RESILIENCE_TRACING_OPTIONS } from './nest/resilience-tracing.module-definition.js';
export type { ResilienceTracingModuleOptions } from './nest/resilience-tracing.module-definition.js';
export { callThrough } from './nest/call-through.js';
export {
  ResilienceAttributes,
  ResilienceErrorType,
  ResilienceEvents,
  ResilienceMetrics,
  ResilienceOutcome,
} from './attribute-names.js';
export type { CircuitStateName, ResilienceOutcomeName } from './attribute-names.js';
export type {
  OpossumCircuitBreakerLike,
  ResiliencePolicyLike,
  TraceCircuitBreakerOptions,
  TraceResiliencePolicyOptions,
} from './types.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
