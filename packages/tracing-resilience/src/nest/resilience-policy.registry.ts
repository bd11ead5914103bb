/** Runs `work` through a named breaker or policy. */
export type ResilienceExecutor = <T>(work: () => T | Promise<T>) => Promise<T>;

/** The named breakers and policies `@TracedCircuitBreaker()` runs methods through, in this process. */
const executors = new Map<string, ResilienceExecutor>();

export function registerExecutor(name: string, executor: ResilienceExecutor): void {
  executors.set(name, executor);
}

/** Forget `name`, unless another module registered its own under it since. */
export function unregisterExecutor(name: string, executor: ResilienceExecutor): void {
  if (executors.get(name) === executor) executors.delete(name);
}

export function executorFor(name: string): ResilienceExecutor | undefined {
  return executors.get(name);
}
