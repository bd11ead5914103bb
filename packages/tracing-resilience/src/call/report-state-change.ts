import { trace } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';
import { reportTelemetryFault } from '@huleedu/nest-tracing';
import { ResilienceAttributes, ResilienceEvents } from '../attribute-names.js';
import type { CircuitStateName } from '../attribute-names.js';
import { recordStateChange } from '../metrics/resilience-metrics.js';

const logger = new Logger('nest-tracing-resilience');

/**
 * A circuit changed state: an event on the span active when it did (the call whose failure opened
 * it, or whose success closed it), a log line (transitions on timers happen outside any request),
 * and the state-change counter and state gauge. Never throws into the library's event emitter.
 */
export function reportStateChange(name: string, previous: CircuitStateName | undefined, state: CircuitStateName): void {
  try {
    const span = trace.getActiveSpan();
    if (span?.isRecording()) {
      span.addEvent(ResilienceEvents.STATE_CHANGE, {
        [ResilienceAttributes.NAME]: name,
        [ResilienceAttributes.CIRCUIT_STATE]: state,
        ...(previous ? { [ResilienceAttributes.PREVIOUS_STATE]: previous } : {}),
      });
    }
    const message = `Circuit breaker ${name}: ${previous ?? 'unknown'} -> ${state}`;
    if (state === 'open' || state === 'isolated') logger.warn(message);
    else logger.log(message);
  } catch (fault) {
    reportTelemetryFault(`circuit breaker ${name}`, 'Reporting a state change failed', fault);
  }
  recordStateChange(name, state);
}
