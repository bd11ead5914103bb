import { SpanKind, SpanStatusCode, context, createContextKey, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '../semconv.js';
import {
  AttributeNames,
  OperationResult,
  getCorrelationId,
  libraryTracer,
  recordSpanFailure,
  reportTelemetryFault,
} from '@huleedu/nest-tracing';
import { ResilienceAttributes, ResilienceEvents, ResilienceOutcome } from '../attribute-names.js';
import type { CircuitStateName, ResilienceOutcomeName } from '../attribute-names.js';
import { recordCall } from '../metrics/resilience-metrics.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/** The `operation.type` of every span this package makes. */
export const RESILIENCE_OPERATION_TYPE = 'resilience';

const tracer = libraryTracer(PACKAGE_NAME, PACKAGE_VERSION);
const CALL_STATE = createContextKey('tracing:resilience-call');

/** What the library's events tell about one call while it runs (read when it settles). */
export interface CallState {
  readonly name: string;
  readonly span: Span;
  /** Set by a `reject`/`timeout`/`semaphoreLocked`-style event: how the policy ended the call. */
  outcome?: ResilienceOutcomeName;
  /**
   * The breaker counted this call as a success: if the call still rejects, the breaker's filter
   * (opossum `errorFilter`) accepted the error, which then does not count towards opening.
   */
  ignored?: boolean;
  /** A fallback supplied the result; the `error.type` it replaced. */
  fallbackFrom?: string;
}

/** What one traced call is: fixed per breaker or policy, plus the circuit's state at entry. */
export interface ResilienceCallSpec {
  readonly name: string;
  readonly spanName: string;
  readonly library: 'opossum' | 'cockatiel';
  readonly policies: readonly string[];
  readonly circuitState: CircuitStateName | undefined;
}

/** How a failed call ended, as the adapter reads the error and the call's state. */
export interface ClassifiedFailure {
  outcome: ResilienceOutcomeName;
  /** A stable `error.type` for failures the policy made itself (open circuit, timeout, full bulkhead). */
  errorType?: string;
}

/** The state of the traced call running in the active context, for the library's event listeners. */
export function currentCall(): CallState | undefined {
  return context.active().getValue(CALL_STATE) as CallState | undefined;
}

function startAttributes(spec: ResilienceCallSpec): Attributes {
  const attributes: Attributes = {
    [ResilienceAttributes.NAME]: spec.name,
    [ResilienceAttributes.LIBRARY]: spec.library,
    [ResilienceAttributes.POLICIES]: [...spec.policies],
  };
  if (spec.circuitState) attributes[ResilienceAttributes.CIRCUIT_STATE] = spec.circuitState;
  return attributes;
}

function endWithSuccess(spec: ResilienceCallSpec, state: CallState): void {
  const { span } = state;
  const outcome = state.fallbackFrom !== undefined ? ResilienceOutcome.FALLBACK : ResilienceOutcome.SUCCESS;
  if (span.isRecording()) {
    if (state.fallbackFrom !== undefined) {
      span.addEvent(ResilienceEvents.FALLBACK, { [ATTR_ERROR_TYPE]: state.fallbackFrom });
    }
    span.setAttribute(ResilienceAttributes.OUTCOME, outcome);
    span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.SUCCESS);
  }
  span.end();
  recordCall(spec.name, spec.library, outcome);
}

function endWithFailure(spec: ResilienceCallSpec, state: CallState, failure: ClassifiedFailure, error: unknown): void {
  const { span } = state;
  if (span.isRecording()) {
    span.setAttribute(ResilienceAttributes.OUTCOME, failure.outcome);
    if (failure.errorType !== undefined) {
      // The policy ended the call itself: no exception from the work to record, a stable error.type.
      span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.ERROR);
      span.setAttribute(ATTR_ERROR_TYPE, failure.errorType);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : failure.errorType,
      });
    } else {
      recordSpanFailure(span, error, SpanKind.INTERNAL, spec.spanName);
    }
  }
  span.end();
  recordCall(spec.name, spec.library, failure.outcome);
}

/** End the call's span; a fault here is reported and never reaches the caller. */
function settle(site: string, end: () => void): void {
  try {
    end();
  } catch (fault) {
    reportTelemetryFault(site, 'Ending a resilience span failed', fault);
  }
}

/**
 * Run one call through a breaker or policy as an INTERNAL span named `spec.spanName`, with the
 * call's state in context so the library's events (emitted inside the call's async flow) can mark
 * it. The caller gets the same value or the same error object; telemetry faults never reach it.
 */
export function runResilienceCall<T>(
  spec: ResilienceCallSpec,
  classify: (error: unknown, state: CallState) => ClassifiedFailure,
  run: () => Promise<T>,
): Promise<T> {
  const parent = context.active();
  let state: CallState;
  try {
    const span = tracer().startSpan(
      spec.spanName,
      { kind: SpanKind.INTERNAL, attributes: startAttributes(spec) },
      parent,
    );
    if (span.isRecording()) {
      span.setAttribute(AttributeNames.OPERATION_TYPE, RESILIENCE_OPERATION_TYPE);
      const correlationId = getCorrelationId(parent);
      if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
    }
    state = { name: spec.name, span };
  } catch (fault) {
    reportTelemetryFault(spec.spanName, 'Starting a resilience span failed', fault);
    return run();
  }
  const callContext = trace.setSpan(parent, state.span).setValue(CALL_STATE, state);
  const fail = (error: unknown): never => {
    settle(spec.spanName, () => endWithFailure(spec, state, classify(error, state), error));
    throw error;
  };
  let pending: Promise<T>;
  try {
    pending = context.with(callContext, run);
  } catch (error) {
    return fail(error);
  }
  return Promise.resolve(pending).then((value) => {
    settle(spec.spanName, () => endWithSuccess(spec, state));
    return value;
  }, fail);
}
