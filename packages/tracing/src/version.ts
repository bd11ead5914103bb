/** Name of this package, used as the tracer's instrumentation scope. */
export const PACKAGE_NAME = '@huleedu/nest-tracing';
/** Version of this package (kept equal to package.json by `version.spec.ts`). */
export const PACKAGE_VERSION = '0.1.0';
