import { TraceFlags, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { globToRegExp, isGlob } from '../utils/glob-to-regexp.js';

const MAX_CACHED_NAMES = 1000;

function ratioSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}

/** The sampler for a ratio: parent-based around it unless told otherwise. */
export function createBaseSampler(ratio: number, parentBased: boolean): Sampler {
  const root = ratioSampler(ratio);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}

/**
 * Samples by span name first (exact names, then globs in order), then falls back. Under
 * parent-based sampling a rule only decides for spans without a local parent (new traces and
 * continued remote ones, where a sampled-out remote parent stays sampled out); local children
 * follow their parent so a trace is never cut inside a process.
 */
export class SpanNameRulesSampler implements Sampler {
  private readonly exact = new Map<string, Sampler>();
  private readonly globs: Array<{ pattern: RegExp; sampler: Sampler }> = [];
  private readonly cache = new Map<string, Sampler | null>();

  constructor(
    rules: Record<string, number>,
    private readonly fallback: Sampler,
    private readonly parentBased: boolean,
  ) {
    for (const [name, ratio] of Object.entries(rules)) {
      if (isGlob(name)) this.globs.push({ pattern: globToRegExp(name), sampler: ratioSampler(ratio) });
      else this.exact.set(name, ratioSampler(ratio));
    }
  }

  shouldSample(
    ctx: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(ctx);
    const validParent = parent !== undefined && isSpanContextValid(parent);
    const rule = this.parentBased && validParent && !parent.isRemote ? undefined : this.ruleFor(spanName);
    if (!rule) return this.fallback.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
    if (this.parentBased && validParent && (parent.traceFlags & TraceFlags.SAMPLED) === 0) {
      return { decision: SamplingDecision.NOT_RECORD };
    }
    return rule.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  private ruleFor(spanName: string): Sampler | undefined {
    const exact = this.exact.get(spanName);
    if (exact) return exact;
    let cached = this.cache.get(spanName);
    if (cached === undefined) {
      cached = this.globs.find(({ pattern }) => pattern.test(spanName))?.sampler ?? null;
      if (this.cache.size < MAX_CACHED_NAMES) this.cache.set(spanName, cached);
    }
    return cached ?? undefined;
  }

  toString(): string {
    return `SpanNameRulesSampler{rules=${this.exact.size + this.globs.length}, fallback=${this.fallback.toString()}}`;
  }
}
