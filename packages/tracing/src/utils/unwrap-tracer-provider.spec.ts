import { describe, expect, it } from '@jest/globals';
import { ProxyTracerProvider } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import { unwrapTracerProvider } from './unwrap-tracer-provider.js';

/** What the CommonJS build of `@opentelemetry/api` registers: a proxy of another class than this build's. */
function foreignProxy(delegate: TracerProvider): TracerProvider & { getDelegate(): TracerProvider } {
  return { getTracer: (name: string) => delegate.getTracer(name), getDelegate: () => delegate };
}

describe('unwrapTracerProvider', () => {
  const sdk = new SdkTracerProvider();

  it('reaches the SDK provider through this build proxy, another build proxy, or both', () => {
    const ours = new ProxyTracerProvider();
    ours.setDelegate(sdk);
    const theirs = foreignProxy(sdk);
    const nested = new ProxyTracerProvider();
    nested.setDelegate(theirs);
    for (const provider of [sdk, ours, theirs, nested]) expect(unwrapTracerProvider(provider)).toBe(sdk);
  });

  it('stops at a provider that delegates to itself or to nothing', () => {
    const selfish = { getTracer: sdk.getTracer.bind(sdk), getDelegate: () => selfish };
    const empty = { getTracer: sdk.getTracer.bind(sdk), getDelegate: () => undefined };
    expect(unwrapTracerProvider(selfish)).toBe(selfish);
    expect(unwrapTracerProvider(empty as unknown as TracerProvider)).toBe(empty);
  });
});
