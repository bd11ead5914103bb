import { context, trace } from '@opentelemetry/api';
import { getCorrelationId } from '@huleedu/nest-tracing';
import { isTracingSuppressed } from '@opentelemetry/core';
import { baggageCorrelationId } from './floor-sdk.js';

/** The three ways every transport's operation is run. */
export const VARIANT_IDS = ['untraced', 'hand-written', 'nest-tracing'] as const;
export type VariantId = (typeof VARIANT_IDS)[number];
export type TracedVariantId = Exclude<VariantId, 'untraced'>;

/** A batch of `n` operations; returns a number derived from their results (so none can be skipped). */
export type Batch = (n: number) => number | Promise<number>;

/** What the code under the span saw (the handler, the producer's `send`, the traced method). */
export interface ContextSeen {
  /** The active span was the variant's own span (its span id). */
  activeSpanId: string | undefined;
  /** `getCorrelationId()` of nest-tracing, as user code reads it. */
  correlationId: string | undefined;
  /** The `correlation_id` baggage entry, as any OpenTelemetry propagation reads it. */
  baggageCorrelationId: string | undefined;
  /** Tracing was suppressed (the producer's send, so a client instrumentation makes no second span). */
  suppressed: boolean;
  /** Headers the operation wrote onward (the producer's messages, the HTTP response), span-id free. */
  headers?: Record<string, string>;
}

/** Records what the active context holds, where user code would run. */
export function seeContext(headers?: Record<string, string>): ContextSeen {
  const active = context.active();
  return {
    activeSpanId: trace.getSpan(active)?.spanContext().spanId,
    correlationId: getCorrelationId(active),
    baggageCorrelationId: baggageCorrelationId(active),
    suppressed: isTracingSuppressed(active),
    ...(headers ? { headers } : {}),
  };
}

/**
 * A diagnostic variant (run alone, by name): the hand-written floor with one piece of nest-tracing's
 * way of doing it, to see what that piece costs. Checked against nest-tracing's spans like the floor.
 */
export interface Diagnostic {
  label: string;
  batch: Batch;
  observe(): Promise<ContextSeen | undefined>;
}

/** One transport of the floor comparison: the same operation untraced, traced by hand, traced by nest-tracing. */
export interface FloorTransport {
  id: string;
  label: string;
  /** Operations per batch (the unit of one sample). */
  iterations: number;
  /**
   * Batches run before anything is counted when one variant runs alone (callgrind, profiles): enough
   * for V8 to settle (inline caches, tiering) on the operation's code.
   */
  warmupBatches: number;
  /** Spans one traced operation records. */
  spansPerOperation: number;
  batches: Record<VariantId, Batch>;
  /**
   * One operation of a traced variant, with what the code under its span saw (undefined where no
   * user code runs under the span: the statement span). Its spans go to the exporter.
   */
  observe(variant: TracedVariantId): Promise<ContextSeen | undefined>;
  /** Diagnostic variants, loaded only when one is asked for. */
  diagnostics?(): Promise<Record<string, Diagnostic>>;
  close?(): Promise<void>;
}
