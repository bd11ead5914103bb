import { reportTelemetryFault } from './report-telemetry-fault.js';

/**
 * Run a user hook (attribute extractor, `onResult`, error classifier). If it throws, report it once
 * for `site` and return `undefined`: a hook can never change the traced call's outcome.
 */
export function safeExecute<T>(site: string, hook: () => T): T | undefined {
  try {
    return hook();
  } catch (error) {
    reportTelemetryFault(site, 'A tracing hook threw', error);
    return undefined;
  }
}
