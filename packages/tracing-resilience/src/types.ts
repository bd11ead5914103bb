/**
 * What this package needs of an opossum `CircuitBreaker` (8 to 10): structural, so the package
 * has no runtime or type dependency on opossum.
 */
export interface OpossumCircuitBreakerLike {
  readonly name: string;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  fire(...args: any[]): Promise<unknown>;
  call(context: any, ...args: any[]): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * What this package needs of a cockatiel policy (3 or 4): `execute`. Structural, so the package has
 * no runtime or type dependency on cockatiel.
 */
export interface ResiliencePolicyLike {
  execute(fn: (context: any, ...rest: any[]) => any, signal?: AbortSignal): Promise<any>;
}

/** Options of `traceCircuitBreaker()`. */
export interface TraceCircuitBreakerOptions {
  /** `resilience.name` on spans and metrics. Default: the breaker's `name` (opossum's `options.name`, else the action's name). */
  name?: string;
  /** The span name. Default: `resilience.{name}`. */
  spanName?: string;
}

/** Options of `traceResiliencePolicy()`. */
export interface TraceResiliencePolicyOptions {
  /** The span name. Default: `resilience.{name}`; attempt spans are `{spanName}.attempt`. */
  spanName?: string;
}
