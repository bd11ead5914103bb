import type { TracerProvider } from '@opentelemetry/api';

/**
 * The provider behind the API's proxies. Found by shape, not `instanceof`: an application that sets
 * up its SDK with `require()` registers the CommonJS build's `ProxyTracerProvider`, which is not an
 * instance of the ES module build's class that nest-tracing imports (and was then neither flushed nor
 * recognised). @internal
 */
export function unwrapTracerProvider(provider: TracerProvider): TracerProvider {
  let current = provider;
  for (let depth = 0; depth < 4; depth += 1) {
    const getDelegate = (current as { getDelegate?: unknown }).getDelegate;
    if (typeof getDelegate !== 'function') break;
    const delegate = (getDelegate as () => TracerProvider | undefined).call(current);
    if (!delegate || delegate === current) break;
    current = delegate;
  }
  return current;
}
