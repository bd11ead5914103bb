/** Environment variable through which the global setup hands a failed build's output to the suites. */
export const BUILD_FAILURE_ENV = 'E2E_BUILD_FAILURE';

/** Throw the build failure the global setup recorded, if any: the services in `dist/` may be stale or missing. */
export function assertServicesBuilt(): void {
  const failure = process.env[BUILD_FAILURE_ENV];
  if (failure) throw new Error(`The sample services did not build, so the end-to-end suite cannot run.\n${failure}`);
}
