import { OWN_SPAN_WRAPPER } from '../tracing.constants.js';
import { NO_TRACE_METADATA } from '../tracing.internal-constants.js';
import type { TracedOptions } from '../tracing.options.js';
import { applyClassOptions, tracedStateOf, wrapMethod } from '../wrapping/wrap-method.js';

function traceClassMethods(constructor: Function, classOptions: TracedOptions): void {
  const prototype = constructor.prototype as object;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (!descriptor || typeof descriptor.value !== 'function') continue;
    if (Reflect.getMetadata(NO_TRACE_METADATA, descriptor.value)) continue;
    if ((descriptor.value as { [OWN_SPAN_WRAPPER]?: boolean })[OWN_SPAN_WRAPPER] === true) continue;
    if (tracedStateOf(descriptor.value)) {
      applyClassOptions(descriptor.value, classOptions);
      continue;
    }
    Object.defineProperty(prototype, key, wrapMethod(prototype, key, descriptor, {}, classOptions));
  }
}

/**
 * Trace a method: each call gets a span, active while the method runs, that ends when the result
 * settles (value, Promise or Observable). The caller gets the same value or the same error.
 *
 * Default name: `{spanNamePrefix}.{Class}.{method}` (the prefix is the service name without a
 * trailing `-service`; see `TracingModuleOptions.spanNamePrefix`).
 * @example `@Traced() check(essay: Essay)` gives `spellchecker.SpellcheckService.check`
 * @example `@Traced('file.upload.validate', { attributes: { 'storage.backend': 'postgres' } })`
 */
export function Traced(name?: string, options?: Omit<TracedOptions, 'name'>): MethodDecorator & ClassDecorator;
/**
 * Trace a method with options, or every method of a class (own prototype methods; not the
 * constructor, accessors, static methods or methods marked `@NoTrace()`). Method-level options win
 * over class-level ones; a class-level `name` becomes the first part of its methods' names
 * (`@Traced({ name: 'file.upload' })` gives `file.upload.validate`).
 */
export function Traced(options?: TracedOptions): MethodDecorator & ClassDecorator;
export function Traced(
  nameOrOptions?: string | TracedOptions,
  maybeOptions?: Omit<TracedOptions, 'name'>,
): MethodDecorator & ClassDecorator {
  const options: TracedOptions =
    typeof nameOrOptions === 'string' ? { ...maybeOptions, name: nameOrOptions } : { ...nameOrOptions };
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      traceClassMethods(target as Function, options);
      return undefined;
    }
    return wrapMethod(target, propertyKey, descriptor ?? { value: undefined }, options);
  }) as MethodDecorator & ClassDecorator;
}
