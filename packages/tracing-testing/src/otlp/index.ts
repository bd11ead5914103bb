/**
 * `@huleedu/nest-tracing-testing/otlp`: the OTLP/HTTP trace receiver and its decoder alone, without the Nest
 * testing module (this entry point loads neither NestJS nor the SDK, only protobufjs), for tools that receive
 * OTLP outside a jest run, such as `@huleedu/nest-tracing-viewer --serve`.
 */
export { OtlpTraceReceiver } from './otlp-trace.receiver.js';
export type { OtlpTraceReceiverOptions } from './otlp-trace.receiver.js';
export { decodeOtlpTraces, flattenOtlpRequest } from './decode-otlp-traces.js';
export type { ReceivedSpan } from './decode-otlp-traces.js';
