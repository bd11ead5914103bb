import { trace } from '@opentelemetry/api';
import { unwrapTracerProvider } from '../utils/unwrap-tracer-provider.js';
import type { Tracer, TracerProvider } from '@opentelemetry/api';

/**
 * A getter of an integration's own tracer (`name` is its instrumentation scope), for per-call
 * paths: the tracer is looked up again only when the registered tracer provider changes (a test
 * module overriding it, say), not on every call as `trace.getTracer()` does.
 * @example `const tracer = libraryTracer('@huleedu/nest-tracing-kafka', PACKAGE_VERSION); tracer().startSpan(…)`
 */
export function libraryTracer(name: string, version?: string): () => Tracer {
  let cachedProvider: TracerProvider | undefined;
  let cachedTracer: Tracer | undefined;
  return () => {
    const global = trace.getTracerProvider();
    const provider = unwrapTracerProvider(global);
    if (provider !== cachedProvider || !cachedTracer) {
      cachedProvider = provider;
      cachedTracer = provider.getTracer(name, version);
    }
    return cachedTracer;
  };
}
