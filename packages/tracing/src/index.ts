export { TracingModule } from './tracing.module.js';
export { TRACING_MODULE_OPTIONS } from './tracing.constants.js';
export type { TRACING_ASYNC_OPTIONS_TYPE, TRACING_OPTIONS_TYPE } from './tracing.module-definition.js';
export type {
  BatchOptions,
  ErrorClassification,
  ErrorClassifier,
  ExporterOption,
  HttpClientTracingOptions,
  HttpTracingOptions,
  MetricsOptions,
  PropagatorName,
  SamplingOptions,
  TracedOptions,
  TracingModuleOptions,
} from './tracing.options.js';
export { TracingConfigError, TracingError } from './tracing.errors.js';
export { AttributeNames, OperationResult } from './attribute-names.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export { Traced } from './decorators/traced.decorator.js';
export { NoTrace } from './decorators/no-trace.decorator.js';
export { SpanAttribute } from './decorators/span-attribute.decorator.js';

export { TraceService } from './api/trace.service.js';
export { traceOperation } from './api/trace-operation.js';
export { libraryTracer } from './api/library-tracer.js';
export { makesNoSpanUnder } from './wrapping/start-operation-span.js';
export type { TraceOperationOptions } from './api/trace-operation.js';
export {
  activeSpan,
  addEvent,
  correlationId,
  recordException,
  setAttributes,
  traceId,
  withCorrelationId,
} from './api/active-span.js';
export { extractTraceContext, injectTraceContext, withTraceContext } from './propagation/trace-context.js';
export { recordCarrierGetter } from './propagation/record-carrier.getter.js';
export type { CarrierRecord } from './propagation/record-carrier.getter.js';
export { recordCarrierSetter } from './propagation/record-carrier.setter.js';
export { getCorrelationId, isValidCorrelationId, setCorrelationId } from './propagation/correlation-context.js';
export { copyFunctionIdentity } from './wrapping/copy-function-identity.js';
export { recordSpanFailure } from './wrapping/end-span.js';
export { classifyErrorType, errorTypeOf } from './runtime/error-type.js';
export { DURATION_BUCKETS_SECONDS, DurationHistogram } from './metrics/duration-histogram.js';
export { reportTelemetryFault } from './utils/report-telemetry-fault.js';
export { OWN_SPAN_WRAPPER } from './tracing.constants.js';
export { defaultErrorClassifier } from './runtime/default-error-classifier.js';
export { startTracing } from './sdk/tracing-lifecycle.js';
export { getSpanLoss } from './sdk/span-loss.js';
export type { SpanLoss } from './sdk/span-loss.js';
export { defaultSpanNamePrefix } from './sdk/resolve-options.js';
