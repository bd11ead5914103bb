import { context, propagation, trace } from '@opentelemetry/api';
import type { Baggage, Context } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

/** Tracing to the in-memory span store, with AsyncLocalStorage context: what the logger specs run in. */
export async function startTestTracing(): Promise<{ moduleRef: TestingModule; spans: TestSpans }> {
  const moduleRef = await Test.createTestingModule({
    imports: [TracingTestingModule.forRoot({ serviceName: 'logging-spec' })],
  }).compile();
  await moduleRef.init();
  return { moduleRef, spans: moduleRef.get(TestSpans) };
}

/** The trace fields a line written in `span`'s context must carry (sampled). */
export function fieldsOf(span: { spanContext(): { traceId: string; spanId: string } }): Record<string, string> {
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: '01' };
}

/** Baggage that throws when read: how a broken propagation layer looks to the logger. */
const brokenBaggage = new Proxy({} as Baggage, {
  get() {
    throw new Error('baggage store unavailable');
  },
});

/** Run `fn` inside a sampled span whose context's baggage throws when read. */
export function withBrokenBaggage<T>(fn: () => T): T {
  const tracer = trace.getTracer('logging-spec');
  return tracer.startActiveSpan('broken-baggage', (span) => {
    try {
      const ctx: Context = propagation.setBaggage(context.active(), brokenBaggage);
      return context.with(ctx, fn);
    } finally {
      span.end();
    }
  });
}
