import { ATTR_ERROR_TYPE } from '../semconv.js';
import { errorTypeOf, reportTelemetryFault, traceOperation } from '@huleedu/nest-tracing';
import { ResilienceAttributes, ResilienceErrorType, ResilienceEvents, ResilienceOutcome } from '../attribute-names.js';
import type { CircuitStateName } from '../attribute-names.js';
import { reportStateChange } from '../call/report-state-change.js';
import { RESILIENCE_OPERATION_TYPE, currentCall, runResilienceCall } from '../call/resilience-call.js';
import type { CallState, ClassifiedFailure, ResilienceCallSpec } from '../call/resilience-call.js';
import { recordCircuitState } from '../metrics/resilience-metrics.js';
import type { ResiliencePolicyLike, TraceResiliencePolicyOptions } from '../types.js';
import { listen, policyTree } from './policy-tree.js';
import type { PolicyNode } from './policy-tree.js';

const TRACED = Symbol.for('tracing:resilience-traced');
/** Inner policies already observed: one set of listeners each, however many traced wraps share them. */
const observed = new WeakSet<object>();

/** cockatiel's `CircuitState` enum values (the same in 3 and 4). */
const CIRCUIT_STATES: Record<number, CircuitStateName> = { 0: 'closed', 1: 'open', 2: 'half_open', 3: 'isolated' };

const flag = (error: unknown, key: string): boolean =>
  typeof error === 'object' && error !== null && (error as Record<string, unknown>)[key] === true;

/** cockatiel marks its own errors with flags (`isBrokenCircuitError`, ...), stable across 3 and 4. */
function classifyCockatielFailure(error: unknown): ClassifiedFailure {
  if (flag(error, 'isIsolatedCircuitError')) {
    return { outcome: ResilienceOutcome.SHORT_CIRCUITED, errorType: ResilienceErrorType.CIRCUIT_ISOLATED };
  }
  if (flag(error, 'isBrokenCircuitError')) {
    return { outcome: ResilienceOutcome.SHORT_CIRCUITED, errorType: ResilienceErrorType.CIRCUIT_OPEN };
  }
  if (flag(error, 'isBulkheadRejectedError')) {
    return { outcome: ResilienceOutcome.BULKHEAD_REJECTED, errorType: ResilienceErrorType.BULKHEAD_REJECTED };
  }
  if (flag(error, 'isTaskCancelledError')) {
    return { outcome: ResilienceOutcome.TIMEOUT, errorType: ResilienceErrorType.TIMEOUT };
  }
  return { outcome: ResilienceOutcome.FAILURE };
}

function guarded<A>(site: string, listener: (value: A) => void): (value: A) => void {
  return (value: A) => {
    try {
      listener(value);
    } catch (fault) {
      reportTelemetryFault(site, 'A resilience policy event listener failed', fault);
    }
  };
}

/** The `error.type` of a cockatiel failure reason (`{ error }` or a handled `{ value }`). */
const reasonType = (reason: { error?: unknown } | undefined): string =>
  reason && 'error' in reason
    ? (classifyCockatielFailure(reason.error).errorType ?? errorTypeOf(reason.error))
    : 'result';

function observe(node: PolicyNode, name: string): void {
  const { kind, policy } = node;
  if (observed.has(policy)) return;
  observed.add(policy);
  const site = `resilience policy ${name}`;
  if (kind === 'circuit_breaker') {
    let last = CIRCUIT_STATES[policy.state as number];
    listen(
      policy,
      'onStateChange',
      guarded(site, (state: number) => {
        const previous = last;
        last = CIRCUIT_STATES[state];
        if (last) reportStateChange(name, previous, last);
      }),
    );
    if (last) recordCircuitState(name, last);
  } else if (kind === 'retry') {
    listen(
      policy,
      'onRetry',
      guarded(site, (event: { attempt: number; delay: number; error?: unknown }) => {
        const span = currentCall()?.span;
        if (!span?.isRecording()) return;
        span.addEvent(ResilienceEvents.RETRY, {
          [ResilienceAttributes.ATTEMPT]: event.attempt,
          [ResilienceAttributes.RETRY_DELAY_MS]: event.delay,
          [ATTR_ERROR_TYPE]: reasonType(event),
        });
      }),
    );
  } else if (kind === 'fallback') {
    // A handled failure of a fallback policy is the moment its fallback value replaces the result.
    listen(
      policy,
      'onFailure',
      guarded(site, (event: { handled: boolean; reason: { error?: unknown } }) => {
        const call: CallState | undefined = currentCall();
        if (call?.name === name && event.handled) call.fallbackFrom = reasonType(event.reason);
      }),
    );
  }
}

/**
 * Trace every `execute()` of a cockatiel policy (3 or 4): a circuit breaker, retry, timeout,
 * bulkhead, fallback, or a `wrap(...)` of them. Each call is an INTERNAL span `resilience.{name}`
 * with the policies it goes through, the breaker's state at entry and the outcome; rejections by
 * an open circuit, a full bulkhead or a timeout end as errors with their own `error.type`.
 *
 * When the policy retries, every attempt is a child span `resilience.{name}.attempt` with
 * `resilience.attempt` (0 for the first try), so each attempt's downstream call hangs under its
 * own attempt, and each retry is a `resilience.retry` event with the delay on the call's span.
 *
 * Changes the policy in place (its `execute`) and returns it; tracing it twice changes nothing.
 * @example `const policy = traceResiliencePolicy(wrap(retry(handleAll, { maxAttempts: 2 }), breaker), 'llm-provider');`
 */
export function traceResiliencePolicy<P extends ResiliencePolicyLike>(
  policy: P,
  name: string,
  options: TraceResiliencePolicyOptions = {},
): P {
  const target = policy as P & { [TRACED]?: true };
  if (target[TRACED]) return policy;
  const spanName = options.spanName ?? `resilience.${name}`;
  const attemptSpanName = `${spanName}.attempt`;
  const nodes = policyTree(policy as Record<string, any>);
  for (const node of nodes) observe(node, name);
  const policies = nodes.map((node) => node.kind);
  const breaker = nodes.find((node) => node.kind === 'circuit_breaker')?.policy;
  const retries = policies.includes('retry');
  // Called below with the caller's own `this`, as the original would have been.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalExecute = policy.execute;
  const tracedExecute = function (this: P, fn: (context: any, ...rest: any[]) => any, signal?: AbortSignal) {
    const spec: ResilienceCallSpec = {
      name,
      spanName,
      library: 'cockatiel',
      policies,
      circuitState: breaker ? CIRCUIT_STATES[breaker.state as number] : undefined,
    };
    const work = retries
      ? (context: { attempt?: number }, innerSignal: AbortSignal) =>
          traceOperation(
            attemptSpanName,
            { [ResilienceAttributes.NAME]: name, [ResilienceAttributes.ATTEMPT]: context.attempt ?? 0 },
            () => fn(context, innerSignal),
            { operationType: RESILIENCE_OPERATION_TYPE },
          )
      : fn;
    return runResilienceCall(spec, classifyCockatielFailure, () => originalExecute.call(this, work, signal));
  };
  Object.defineProperty(target, 'execute', { value: tracedExecute, configurable: true, writable: true });
  Object.defineProperty(target, TRACED, { value: true });
  return policy;
}
