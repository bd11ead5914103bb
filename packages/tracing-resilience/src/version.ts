/** This package's name: the instrumentation scope of its tracer and meter. */
export const PACKAGE_NAME = '@huleedu/nest-tracing-resilience';
/** This package's version (kept equal to package.json's by `version.spec.ts`). */
export const PACKAGE_VERSION = '0.1.0';
