/**
 * The action of a circuit breaker shared by several methods: it runs whatever work it is given.
 * Breakers registered with `ResilienceTracingModule` for `@TracedCircuitBreaker()` are built on it:
 * `new CircuitBreaker(callThrough, { name: 'content-store', timeout: 3000 })`.
 */
export async function callThrough<T>(work: () => T | Promise<T>): Promise<T> {
  return work();
}
