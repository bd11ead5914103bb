import 'reflect-metadata';
import { SPAN_ATTRIBUTE_PARAMS_METADATA, TRACED_WRAPPER } from '../tracing.internal-constants.js';
import { TracingConfigError } from '../tracing.errors.js';
import type { TracedOptions } from '../tracing.options.js';
import { copyFunctionIdentity } from './copy-function-identity.js';
import { runTraced } from './run-traced.js';
import { createSpanSpec } from './span-spec.js';
import type { ParamAttribute, SpanSpec } from './span-spec.js';

/** What a traced wrapper carries under `TRACED_WRAPPER`. */
export interface TracedMethodState {
  spec: SpanSpec;
  readonly methodOptions: TracedOptions;
  readonly className: string;
  readonly methodName: string;
  readonly paramAttributes: readonly ParamAttribute[];
  readonly returnsObservable: boolean;
}

type TracedFunction = Function & { [TRACED_WRAPPER]?: TracedMethodState };

/** The state of a traced wrapper, or undefined for any other function. */
export function tracedStateOf(fn: unknown): TracedMethodState | undefined {
  return typeof fn === 'function' ? (fn as TracedFunction)[TRACED_WRAPPER] : undefined;
}

/**
 * Merge class-level options under method-level ones. A class-level `name` names the group:
 * its methods become `{name}.{method}`.
 */
function mergeOptions(state: TracedMethodState, classOptions: TracedOptions | undefined): TracedOptions {
  if (!classOptions) return state.methodOptions;
  const { name: groupName, ...classDefaults } = classOptions;
  const merged: TracedOptions = { ...classDefaults, ...state.methodOptions };
  if (typeof classDefaults.attributes === 'object' && typeof state.methodOptions.attributes === 'object') {
    merged.attributes = { ...classDefaults.attributes, ...state.methodOptions.attributes };
  }
  merged.name = state.methodOptions.name ?? (groupName ? `${groupName}.${state.methodName}` : undefined);
  return merged;
}

function buildSpec(state: TracedMethodState, classOptions?: TracedOptions): SpanSpec {
  return createSpanSpec({
    options: mergeOptions(state, classOptions),
    method: { className: state.className, methodName: state.methodName, paramAttributes: state.paramAttributes },
    returnsObservable: state.returnsObservable,
  });
}

/** Apply class-level defaults to a method that was already traced by its own decorator. */
export function applyClassOptions(fn: unknown, classOptions: TracedOptions): void {
  const state = tracedStateOf(fn);
  if (state) state.spec = buildSpec(state, classOptions);
}

/**
 * Replace `descriptor.value` with a traced wrapper: the only place in the library that does.
 * Keeps `this`, arguments, `name`, `length` and every metadata key of the original, and never wraps
 * a wrapper again (so class-level plus method-level tracing gives one span).
 */
export function wrapMethod(
  target: object,
  propertyKey: string | symbol,
  descriptor: PropertyDescriptor,
  methodOptions: TracedOptions,
  classOptions?: TracedOptions,
): PropertyDescriptor {
  const original: unknown = descriptor.value;
  const className = typeof target === 'function' ? target.name : target.constructor.name;
  const methodName = String(propertyKey);
  if (typeof original !== 'function') {
    throw TracingConfigError.create(`@Traced() was put on ${className}.${methodName}, which is not a method.`, [
      'Put @Traced() on a method, or on the class to trace all its methods.',
      'Getters, setters and fields cannot be traced; move the work into a method.',
    ]);
  }
  if (tracedStateOf(original)) return descriptor;
  const returnType: unknown = Reflect.getMetadata('design:returntype', target, propertyKey);
  const state: TracedMethodState = {
    methodOptions,
    className,
    methodName,
    paramAttributes: Reflect.getOwnMetadata(SPAN_ATTRIBUTE_PARAMS_METADATA, target, propertyKey) ?? [],
    returnsObservable: typeof returnType === 'function' && returnType.name === 'Observable',
    spec: undefined as unknown as SpanSpec,
  };
  state.spec = buildSpec(state, classOptions);
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return runTraced(state.spec, this, original as (...a: unknown[]) => unknown, args);
  };
  copyFunctionIdentity(original, wrapper);
  Object.defineProperty(wrapper, TRACED_WRAPPER, { value: state });
  descriptor.value = wrapper;
  return descriptor;
}
