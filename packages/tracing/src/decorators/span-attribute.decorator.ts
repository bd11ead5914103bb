import 'reflect-metadata';
import { SPAN_ATTRIBUTE_PARAMS_METADATA } from '../tracing.internal-constants.js';
import { TracingConfigError } from '../tracing.errors.js';
import type { ParamAttribute } from '../wrapping/span-spec.js';

/**
 * Record a parameter of a `@Traced()` method as the span attribute `key` (primitives, Dates and
 * arrays as they are; `null`/`undefined` skipped; other objects only through `map`).
 * Writes metadata only; `@Traced()` reads it.
 * @example `@Traced() check(@SpanAttribute('essay.id') essayId: string)`
 * @example `@SpanAttribute('essay.id', (essay: Essay) => essay.id) essay: Essay`
 */
export function SpanAttribute(key: string, map?: (value: any) => unknown): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) {
      throw TracingConfigError.create(`@SpanAttribute('${key}') was put on a constructor parameter.`, [
        'Put @SpanAttribute() on a parameter of a @Traced() method.',
      ]);
    }
    if (typeof key !== 'string' || key.length === 0) {
      throw TracingConfigError.create('@SpanAttribute() needs a non-empty attribute key.', [
        "Name the attribute, for example @SpanAttribute('essay.id').",
      ]);
    }
    const params: ParamAttribute[] = Reflect.getOwnMetadata(SPAN_ATTRIBUTE_PARAMS_METADATA, target, propertyKey) ?? [];
    Reflect.defineMetadata(SPAN_ATTRIBUTE_PARAMS_METADATA, [...params, { index, key, map }], target, propertyKey);
  };
}
