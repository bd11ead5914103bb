import { metrics } from '@opentelemetry/api';
import type { Counter, Gauge, MeterProvider } from '@opentelemetry/api';
import { reportTelemetryFault } from '@huleedu/nest-tracing';
import { ResilienceAttributes, ResilienceMetrics } from '../attribute-names.js';
import type { CircuitStateName, ResilienceOutcomeName } from '../attribute-names.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

interface Instruments {
  calls: Counter;
  stateChanges: Counter;
  state: Gauge;
}

const STATES: readonly CircuitStateName[] = ['closed', 'open', 'half_open', 'isolated'];

let cachedProvider: MeterProvider | undefined;
let cachedInstruments: Instruments | undefined;

/**
 * The instruments of the global `MeterProvider`, made again only when it changes: the metrics API
 * has no proxy provider as the trace API has, so instruments made before the application registered
 * its provider would stay no-ops forever. With no provider registered, the API's no-op meter.
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (provider !== cachedProvider || !cachedInstruments) {
    const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    cachedInstruments = {
      calls: meter.createCounter(ResilienceMetrics.CALLS, {
        description: 'Calls through a circuit breaker or resilience policy, by outcome.',
        unit: '{call}',
      }),
      stateChanges: meter.createCounter(ResilienceMetrics.STATE_CHANGES, {
        description: 'Circuit breaker state changes, by the state entered.',
        unit: '{state_change}',
      }),
      state: meter.createGauge(ResilienceMetrics.STATE, {
        description: "A circuit breaker's state: 1 for the current state, 0 for the others.",
        unit: '1',
      }),
    };
    cachedProvider = provider;
  }
  return cachedInstruments;
}

/** Run a metrics write; a failing SDK or exporter never reaches the call. */
function safely(site: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    reportTelemetryFault(site, 'Recording a resilience metric failed', error);
  }
}

/** Count one call of `name` with its outcome. */
export function recordCall(name: string, library: string, outcome: ResilienceOutcomeName): void {
  safely(`resilience metrics (${name})`, () =>
    instruments().calls.add(1, {
      [ResilienceAttributes.NAME]: name,
      [ResilienceAttributes.LIBRARY]: library,
      [ResilienceAttributes.OUTCOME]: outcome,
    }),
  );
}

/** Set the state gauge of `name` to `state` (1) and every other state (0). */
export function recordCircuitState(name: string, state: CircuitStateName): void {
  safely(`resilience metrics (${name})`, () => {
    const { state: gauge } = instruments();
    for (const candidate of STATES) {
      gauge.record(candidate === state ? 1 : 0, {
        [ResilienceAttributes.NAME]: name,
        [ResilienceAttributes.CIRCUIT_STATE]: candidate,
      });
    }
  });
}

/** Count a state change of `name` into `state`, and move its state gauge. */
export function recordStateChange(name: string, state: CircuitStateName): void {
  safely(`resilience metrics (${name})`, () =>
    instruments().stateChanges.add(1, {
      [ResilienceAttributes.NAME]: name,
      [ResilienceAttributes.CIRCUIT_STATE]: state,
    }),
  );
  recordCircuitState(name, state);
}
