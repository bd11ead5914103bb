/**
 * Injection token of the module's options, as given to `forRoot()` or produced by
 * `forRootAsync()`'s factory. Populated once `TracingModule` is imported.
 */
export { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';
