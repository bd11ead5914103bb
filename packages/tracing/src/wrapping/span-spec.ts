import { SpanKind } from '@opentelemetry/api';
import type { Attributes, SpanOptions } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { AttributeNames } from '../attribute-names.js';
import { runtime, spanKindName } from '../runtime/tracing-runtime.js';
import type { TracedOptions } from '../tracing.options.js';
import { coerceAttributes } from '../utils/coerce-attributes.js';

/** A parameter marked with `@SpanAttribute()`. */
export interface ParamAttribute {
  index: number;
  key: string;
  map?: (value: any) => unknown;
}

/**
 * Everything a traced call needs, computed once per decorated method (or per `traceOperation`
 * call), so the per-call path only reads it.
 */
export interface SpanSpec {
  /** `Class.method` (or the operation name): where hook failures are reported. */
  readonly site: string;
  readonly explicitName: string | undefined;
  readonly defaultNameSuffix: string;
  readonly kind: SpanKind;
  readonly root: boolean;
  /** Shared start options (kind, the user's static attributes); never mutated by the SDK. */
  readonly spanOptions: SpanOptions;
  /** `operation.type` and `code.function.name`, set once the span records (not needed for sampling). */
  readonly libraryAttributes: Attributes;
  readonly attributesFromArgs: ((...args: any[]) => Attributes | undefined) | undefined;
  readonly paramAttributes: readonly ParamAttribute[];
  readonly links: TracedOptions['links'];
  readonly onResult: TracedOptions['onResult'];
  /** The method returns Observables: spans start per subscription, not per call. */
  observable: boolean;
  /** Record `nest_tracing.operation.duration` when metrics are on (`TracedOptions.metrics`). */
  readonly metrics: boolean;
  /** That metric's attributes, cached (see `operation-duration.ts`). */
  metricAttributes: Attributes | undefined;
  cachedName: string;
  cachedGeneration: number;
}

export interface SpanSpecSource {
  options: TracedOptions;
  /** Set for decorated methods; absent for `traceOperation` blocks. */
  method?: { className: string; methodName: string; paramAttributes: readonly ParamAttribute[] };
  returnsObservable?: boolean;
}

export function createSpanSpec({ options, method, returnsObservable = false }: SpanSpecSource): SpanSpec {
  const kind = options.kind ?? SpanKind.INTERNAL;
  const site = method ? `${method.className}.${method.methodName}` : (options.name ?? 'traceOperation');
  const userAttributes = coerceAttributes(
    typeof options.attributes === 'object' ? options.attributes : undefined,
    runtime.attributeValueLengthLimit,
  );
  const libraryAttributes: Attributes = {
    [AttributeNames.OPERATION_TYPE]: options.operationType ?? spanKindName(kind),
  };
  if (method) libraryAttributes[ATTR_CODE_FUNCTION_NAME] = site;
  return {
    site,
    explicitName: options.name,
    defaultNameSuffix: site,
    kind,
    root: options.root ?? false,
    spanOptions: Object.keys(userAttributes).length > 0 ? { kind, attributes: userAttributes } : { kind },
    libraryAttributes,
    attributesFromArgs: typeof options.attributes === 'function' ? options.attributes : undefined,
    paramAttributes: method?.paramAttributes ?? [],
    links: options.links,
    onResult: options.onResult,
    observable: returnsObservable,
    metrics: options.metrics ?? true,
    metricAttributes: undefined,
    cachedName: '',
    cachedGeneration: -1,
  };
}

/**
 * The span name: the explicit name, else `{spanNamePrefix}.{Class}.{method}`, else (no prefix
 * configured, for example no TracingModule) `{Class}.{method}`. Cached until the runtime changes.
 */
export function resolveSpanName(spec: SpanSpec): string {
  if (spec.cachedGeneration !== runtime.generation) {
    spec.cachedName =
      spec.explicitName ??
      (runtime.spanNamePrefix ? `${runtime.spanNamePrefix}.${spec.defaultNameSuffix}` : spec.defaultNameSuffix);
    spec.cachedGeneration = runtime.generation;
  }
  return spec.cachedName;
}
