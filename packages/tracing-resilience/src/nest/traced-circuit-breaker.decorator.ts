import { TracingConfigError, copyFunctionIdentity } from '@huleedu/nest-tracing';
import { executorFor } from './resilience-policy.registry.js';

/** Where a `@TracedCircuitBreaker()` wrapper keeps its breaker's name (read at start-up). */
export const CIRCUIT_BREAKER_NAME = Symbol.for('tracing:circuit-breaker-name');

/** The breaker name of a `@TracedCircuitBreaker()` method, or undefined for any other function. */
export function circuitBreakerNameOf(fn: unknown): string | undefined {
  return typeof fn === 'function' ? (fn as { [CIRCUIT_BREAKER_NAME]?: string })[CIRCUIT_BREAKER_NAME] : undefined;
}

/**
 * Run a provider method through the breaker or policy registered as `name` with
 * `ResilienceTracingModule.forRoot({ policies: { [name]: ... } })`: the call is traced as that
 * breaker's `resilience.{name}` span, and while the circuit is open the method does not run. The
 * method's result becomes a Promise. Keeps the method's name, length and metadata, so Nest
 * decorators above and below it still work.
 *
 * This decorator replaces `descriptor.value` itself rather than through core's `wrapMethod()`:
 * it makes no span of its own (the traced breaker does) and changes what runs, not how it is traced.
 * @example `@TracedCircuitBreaker('content-store') store(text: string) { ... }`
 */
export function TracedCircuitBreaker(name: string): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const original: unknown = descriptor.value;
    const className = typeof target === 'function' ? target.name : target.constructor.name;
    const site = `${className}.${String(propertyKey)}`;
    if (typeof original !== 'function') {
      throw TracingConfigError.create(`@TracedCircuitBreaker('${name}') was put on ${site}, which is not a method.`, [
        'Put @TracedCircuitBreaker() on a method of a provider.',
      ]);
    }
    const wrapper = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const execute = executorFor(name);
      if (!execute) {
        throw TracingConfigError.create(
          `${site} runs through the circuit breaker '${name}', which is not registered.`,
          [
            `Import ResilienceTracingModule.forRoot({ policies: { '${name}': new CircuitBreaker(callThrough, options) } }).`,
            'Check the spelling of the name in @TracedCircuitBreaker() and in the module options.',
          ],
        );
      }
      return execute(() => (original as (...a: unknown[]) => unknown).apply(this, args));
    };
    copyFunctionIdentity(original, wrapper);
    Object.defineProperty(wrapper, CIRCUIT_BREAKER_NAME, { value: name });
    descriptor.value = wrapper as typeof descriptor.value;
    return descriptor;
  };
}
