import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { propagation, trace } from '@opentelemetry/api';
import { firstValueFrom, of } from 'rxjs';
import { TraceService, injectTraceContext, traceOperation, withTraceContext } from '@huleedu/nest-tracing';
import { bootTracedModule } from './fixtures/boot-traced-module.js';
import type { TracedTestModule } from './fixtures/boot-traced-module.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('TraceService and the context functions', () => {
  let app: TracedTestModule;
  let tracing: TraceService;

  beforeAll(async () => {
    app = await bootTracedModule([]);
    tracing = app.get(TraceService);
  });
  afterAll(async () => app.moduleRef.close());
  beforeEach(() => app.spans.reset());

  describe('traceOperation', () => {
    it('traces a block with attributes, handing it the active span', async () => {
      const result = await tracing.traceOperation(
        'file.upload',
        { 'file.size': 120, 'file.type': 'text/plain' },
        async (span) => {
          expect(trace.getActiveSpan()).toBe(span);
          span.setAttribute('storage.backend', 'memory');
          return 'stored';
        },
      );
      expect(result).toBe('stored');
      expect(app.spans.one('file.upload')).toHaveAttributes({
        'file.size': 120,
        'file.type': 'text/plain',
        'storage.backend': 'memory',
        'operation.type': 'internal',
        'operation.result': 'success',
      });
    });

    it('rethrows the same error and records it, for sync and async blocks', async () => {
      const boom = new Error('boom');
      expect(() =>
        traceOperation('sync.block', () => {
          throw boom;
        }),
      ).toThrow(boom);
      await expect(
        traceOperation('async.block', async () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(app.spans.one('sync.block')).toHaveStatus('error');
      expect(app.spans.one('async.block')).toHaveStatus('error');
    });

    it('nests blocks and traces Observable results per subscription', async () => {
      await traceOperation('outer', () => firstValueFrom(traceOperation('inner', () => of(1))));
      expect(app.spans.one('inner')).toBeChildOf(app.spans.one('outer'));
    });
  });

  describe('withTraceContext', () => {
    it('continues the trace of an event envelope metadata carrier, with its correlation id', () => {
      const metadata = { traceparent: TRACEPARENT, correlation_id: 'corr-7' };
      withTraceContext(metadata, () => traceOperation('kafka.consume.spellcheck_request', () => undefined));
      const span = app.spans.one('kafka.consume.spellcheck_request');
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
      expect(span.parentSpanContext?.isRemote).toBe(true);
      expect(span).toHaveAttributes({ correlation_id: 'corr-7' });
    });

    it('reads Kafka-style headers: Buffers, arrays and any key case', () => {
      const headers = { TraceParent: Buffer.from(TRACEPARENT), 'X-Correlation-ID': [Buffer.from('corr-8')] };
      withTraceContext(headers, () => traceOperation('from.headers', () => undefined));
      expect(app.spans.one('from.headers').spanContext().traceId).toBe(TRACE_ID);
      expect(app.spans.one('from.headers')).toHaveAttributes({ correlation_id: 'corr-8' });
    });

    it.each([
      ['no carrier', undefined],
      ['a string', 'traceparent'],
      ['a malformed traceparent', { traceparent: '00-xyz-00f067aa0ba902b7-01' }],
      ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` }],
      ['version ff', { traceparent: `ff-${TRACE_ID}-${PARENT_ID}-01` }],
      ['conflicting duplicate traceparents', { traceparent: [TRACEPARENT, `00-${'a'.repeat(32)}-${PARENT_ID}-01`] }],
      ['a number value', { traceparent: 42 }],
      ['an overlong correlation id', { correlation_id: 'x'.repeat(1000) }],
    ])('starts a new trace and never throws for %s', (_case, carrier) => {
      const result = withTraceContext(carrier, () => traceOperation('fresh', () => 'business result'));
      expect(result).toBe('business result');
      const span = app.spans.one('fresh');
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(TRACE_ID);
      expect(span.attributes).not.toHaveProperty('correlation_id');
    });

    it('survives a carrier whose property access throws', () => {
      const hostile = new Proxy(
        {},
        {
          get: () => {
            throw new Error('hostile');
          },
          has: () => {
            throw new Error('hostile');
          },
        },
      );
      expect(withTraceContext(hostile, () => 'still fine')).toBe('still fine');
    });
  });

  describe('injectTraceContext', () => {
    it('writes traceparent, baggage and correlation id for the active span into a carrier', () => {
      const carrier = tracing.withCorrelationId('corr-9', () =>
        traceOperation('producer', (span) => {
          const written: Record<string, unknown> = injectTraceContext({ existing: 'kept' });
          expect(written.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
          return written;
        }),
      );
      expect(carrier).toMatchObject({ existing: 'kept', correlation_id: 'corr-9', baggage: 'correlation_id=corr-9' });
    });

    it('round-trips: what one side injects the other side continues', () => {
      const carrier = traceOperation('sender', () => injectTraceContext());
      withTraceContext(carrier, () => traceOperation('receiver', () => undefined));
      expect(app.spans.one('receiver')).toBeChildOf(app.spans.one('sender'));
    });
  });

  describe('active span helpers', () => {
    it('reads and enriches the active span', () => {
      traceOperation('work', (span) => {
        expect(tracing.activeSpan()).toBe(span);
        expect(tracing.traceId()).toBe(span.spanContext().traceId);
        tracing.setAttributes({ 'essay.id': 'e-1', ignored: { nested: true } });
        tracing.addEvent('checkpoint', { step: 2 });
        tracing.recordException(new Error('handled'));
      });
      const span = app.spans.one('work');
      expect(span).toHaveAttributes({ 'essay.id': 'e-1' });
      expect(span.attributes).not.toHaveProperty('ignored');
      expect(span.events.map((event) => event.name)).toEqual(['checkpoint', 'exception']);
      expect(span).toHaveStatus('unset');
    });

    it('has no trace id and does nothing outside a span', () => {
      expect(tracing.traceId()).toBeUndefined();
      expect(() => tracing.setAttributes({ a: 1 })).not.toThrow();
      expect(app.spans.all()).toHaveLength(0);
    });

    it('keeps the correlation id in context and in baggage, and ignores invalid ids', () => {
      tracing.withCorrelationId('corr-1', () => {
        expect(tracing.correlationId()).toBe('corr-1');
        expect(propagation.getActiveBaggage()?.getEntry('correlation_id')?.value).toBe('corr-1');
        tracing.withCorrelationId('', () => expect(tracing.correlationId()).toBe('corr-1'));
        tracing.withCorrelationId('has space', () => expect(tracing.correlationId()).toBe('corr-1'));
      });
      expect(tracing.correlationId()).toBeUndefined();
    });
  });
});
