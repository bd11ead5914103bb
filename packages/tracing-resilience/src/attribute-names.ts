/**
 * Attribute keys of resilience spans, events and metrics. OpenTelemetry has no semantic
 * conventions for resilience yet; the names follow the precedents of Polly (`pipeline.name`,
 * `event.name`), seatbelt (`resilience.*`) and Resilience4j's Micrometer metrics (`kind`, `state`).
 */
export const ResilienceAttributes = {
  /** The breaker's or policy's name (`content-store`): bounded, chosen by the application. */
  NAME: 'resilience.name',
  /** The library that ran the call: `opossum` or `cockatiel`. */
  LIBRARY: 'resilience.library',
  /** The policies the call went through, outermost first (`retry`, `circuit_breaker`, ...). */
  POLICIES: 'resilience.policies',
  /** The circuit's state when the call was made, or the state it changed to (events, metrics). */
  CIRCUIT_STATE: 'resilience.circuit.state',
  /** How the call ended: a {@link ResilienceOutcome}. */
  OUTCOME: 'resilience.outcome',
  /** The attempt number on attempt spans and `resilience.retry` events: 0 for the first try. */
  ATTEMPT: 'resilience.attempt',
  /** The wait before the next attempt, in milliseconds (on `resilience.retry` events). */
  RETRY_DELAY_MS: 'resilience.retry.delay_ms',
  /** The circuit's previous state (on state-change events). */
  PREVIOUS_STATE: 'resilience.circuit.previous_state',
} as const;

/** Values of {@link ResilienceAttributes.OUTCOME}: bounded, so they may label metrics. */
export const ResilienceOutcome = {
  /** The work ran and succeeded. */
  SUCCESS: 'success',
  /** The work ran and failed, and the failure counts towards opening the circuit. */
  FAILURE: 'failure',
  /** The work failed with an error the breaker's filter ignores (opossum `errorFilter`): it still rejects. */
  IGNORED: 'ignored',
  /** The work took longer than the breaker's or policy's timeout. */
  TIMEOUT: 'timeout',
  /** The circuit was open (or isolated): the work never ran. */
  SHORT_CIRCUITED: 'short_circuited',
  /** The bulkhead (opossum `capacity`, cockatiel `bulkhead`) was full: the work never ran. */
  BULKHEAD_REJECTED: 'bulkhead_rejected',
  /** The call failed or was rejected and a fallback supplied the result. */
  FALLBACK: 'fallback',
} as const;

/** A value of {@link ResilienceOutcome}. */
export type ResilienceOutcomeName = (typeof ResilienceOutcome)[keyof typeof ResilienceOutcome];

/** The stable `error.type` of calls a resilience policy ended itself. */
export const ResilienceErrorType = {
  CIRCUIT_OPEN: 'circuit_open',
  CIRCUIT_ISOLATED: 'circuit_isolated',
  CIRCUIT_SHUTDOWN: 'circuit_shutdown',
  BULKHEAD_REJECTED: 'bulkhead_rejected',
  TIMEOUT: 'timeout',
} as const;

/** States of a circuit, as Resilience4j's Micrometer metrics name them; `isolated` is cockatiel's manual open. */
export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';

/** Names of the span events this package adds. */
export const ResilienceEvents = {
  /** The circuit changed state, on the span active when it did (the call that caused it). */
  STATE_CHANGE: 'resilience.circuit.state_change',
  /** A retry policy will try again (on the call's span). */
  RETRY: 'resilience.retry',
  /** A fallback supplied the result; `error.type` says what it replaced. */
  FALLBACK: 'resilience.fallback',
} as const;

/** Names of the metrics this package records through the global `MeterProvider`. */
export const ResilienceMetrics = {
  /** Counter of calls, by `resilience.name`, `resilience.library` and `resilience.outcome`. */
  CALLS: 'resilience.calls',
  /** Counter of circuit state changes, by `resilience.name` and the new `resilience.circuit.state`. */
  STATE_CHANGES: 'resilience.circuit_breaker.state_changes',
  /** Gauge: 1 for the circuit's current state, 0 for the others, by `resilience.name` and state. */
  STATE: 'resilience.circuit_breaker.state',
} as const;
