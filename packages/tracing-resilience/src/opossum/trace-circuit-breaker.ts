import { errorTypeOf, reportTelemetryFault } from '@huleedu/nest-tracing';
import { ResilienceErrorType, ResilienceOutcome } from '../attribute-names.js';
import type { CircuitStateName } from '../attribute-names.js';
import { reportStateChange } from '../call/report-state-change.js';
import { currentCall, runResilienceCall } from '../call/resilience-call.js';
import type { CallState, ClassifiedFailure, ResilienceCallSpec } from '../call/resilience-call.js';
import { recordCircuitState } from '../metrics/resilience-metrics.js';
import type { OpossumCircuitBreakerLike, TraceCircuitBreakerOptions } from '../types.js';

const TRACED = Symbol.for('tracing:resilience-traced');

/** Error codes opossum gives the failures it makes itself (never the action's own errors). */
const OWN_ERRORS: Record<string, ClassifiedFailure> = {
  EOPENBREAKER: { outcome: ResilienceOutcome.SHORT_CIRCUITED, errorType: ResilienceErrorType.CIRCUIT_OPEN },
  ESEMLOCKED: { outcome: ResilienceOutcome.BULKHEAD_REJECTED, errorType: ResilienceErrorType.BULKHEAD_REJECTED },
  ESHUTDOWN: { outcome: ResilienceOutcome.SHORT_CIRCUITED, errorType: ResilienceErrorType.CIRCUIT_SHUTDOWN },
};
const TIMEOUT: ClassifiedFailure = { outcome: ResilienceOutcome.TIMEOUT, errorType: ResilienceErrorType.TIMEOUT };

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The breaker's state now; opossum has no state name of its own in its public API. */
export function opossumStateOf(breaker: OpossumCircuitBreakerLike): CircuitStateName {
  if (breaker.halfOpen) return 'half_open';
  return breaker.opened ? 'open' : 'closed';
}

/**
 * How a call ended: by the event opossum emitted inside it (`timeout` is known only so, since an
 * action's own network error may carry `ETIMEDOUT` too), else by opossum's own error codes, else a
 * failure of the action (`ignored` when the `errorFilter` accepted it).
 */
function classifyOpossumFailure(error: unknown, state: CallState): ClassifiedFailure {
  if (state.outcome === ResilienceOutcome.TIMEOUT) return TIMEOUT;
  const own = OWN_ERRORS[codeOf(error) ?? ''];
  if (own) return own;
  return { outcome: state.ignored ? ResilienceOutcome.IGNORED : ResilienceOutcome.FAILURE };
}

/** Run an event listener; it runs inside opossum's call path, so it must never throw there. */
function guarded<A extends unknown[]>(site: string, listener: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      listener(...args);
    } catch (fault) {
      reportTelemetryFault(site, 'A circuit-breaker event listener failed', fault);
    }
  };
}

/** Listen to the breaker's events: per-call outcomes into the active call, state changes as events and metrics. */
function observe(breaker: OpossumCircuitBreakerLike, name: string): void {
  const site = `circuit breaker ${name}`;
  let last = opossumStateOf(breaker);
  const ownCall = (): CallState | undefined => {
    const call = currentCall();
    return call?.name === name ? call : undefined;
  };
  const transition = (state: CircuitStateName) =>
    guarded(site, () => {
      const previous = last;
      last = state;
      reportStateChange(name, previous, state);
    });
  breaker.on(
    'timeout',
    guarded(site, () => void (ownCall() && (ownCall()!.outcome = ResilienceOutcome.TIMEOUT))),
  );
  // errorFilter: opossum emits `success` for a filtered error, and the call still rejects with it.
  breaker.on(
    'success',
    guarded(site, () => void (ownCall() && (ownCall()!.ignored = true))),
  );
  breaker.on(
    'fallback',
    guarded(site, (_result: unknown, error: unknown) => {
      const call = ownCall();
      if (!call) return;
      const own = call.outcome === ResilienceOutcome.TIMEOUT ? TIMEOUT : OWN_ERRORS[codeOf(error) ?? ''];
      call.fallbackFrom = own?.errorType ?? errorTypeOf(error);
    }),
  );
  breaker.on('open', transition('open'));
  breaker.on('halfOpen', transition('half_open'));
  breaker.on('close', transition('closed'));
  recordCircuitState(name, last);
}

/**
 * Trace every call through an opossum `CircuitBreaker` (opossum 8 to 10): `fire()` and `call()`
 * become an INTERNAL span `resilience.{name}` with the state at entry and the outcome; a call the
 * open circuit rejects ends as an error with `error.type=circuit_open`, and since the action never
 * ran, nothing is traced under it. State changes become span events, log lines and metrics.
 *
 * Changes the breaker in place (its `call` method, which `fire` goes through) and returns it;
 * tracing the same breaker twice changes nothing.
 * @example `const breaker = traceCircuitBreaker(new CircuitBreaker(fetchProfile, { name: 'profiles' }));`
 */
export function traceCircuitBreaker<B extends OpossumCircuitBreakerLike>(
  breaker: B,
  options: TraceCircuitBreakerOptions = {},
): B {
  const target = breaker as B & { [TRACED]?: true };
  if (target[TRACED]) return breaker;
  const name = options.name ?? breaker.name;
  const spanName = options.spanName ?? `resilience.${name}`;
  // Called below with the caller's own `this`, as the original would have been.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalCall = breaker.call;
  observe(breaker, name);
  const tracedCall = function (this: B, thisArg: unknown, ...args: unknown[]): Promise<unknown> {
    const spec: ResilienceCallSpec = {
      name,
      spanName,
      library: 'opossum',
      policies: ['circuit_breaker'],
      circuitState: opossumStateOf(breaker),
    };
    return runResilienceCall(spec, classifyOpossumFailure, () => originalCall.call(this, thisArg, ...args));
  };
  Object.defineProperty(target, 'call', { value: tracedCall, configurable: true, writable: true });
  Object.defineProperty(target, TRACED, { value: true });
  return breaker;
}
