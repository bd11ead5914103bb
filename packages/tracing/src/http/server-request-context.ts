import { ROOT_CONTEXT, createContextKey, propagation, trace } from '@opentelemetry/api';
import type { Baggage, Context, Span } from '@opentelemetry/api';
import {
  CORRELATION_ID_KEY,
  correlationBaggage,
  getCorrelationId,
  setValidCorrelationId,
} from '../propagation/correlation-context.js';

/** The API's own keys: `createContextKey` is `Symbol.for`, so these are the keys `trace` and `propagation` read. */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');
const BAGGAGE_KEY = createContextKey('OpenTelemetry Baggage Key');

/**
 * The context a request's pipeline runs in: its parent's values, plus the SERVER span, the
 * correlation id and baggage carrying the correlation id. One object per request, where
 * `setValue` three times would copy the parent's map three times; the baggage is built
 * when something first reads it (an outgoing call's injection, `propagation.getBaggage`). Deriving a
 * context from it (a child span's `trace.setSpan`) flattens it once into the API's own contexts.
 */
class ServerRequestContext implements Context {
  private baggage: Baggage | undefined;
  private flattened: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly correlationId: string,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === CORRELATION_ID_KEY) return this.correlationId;
    if (key === BAGGAGE_KEY) return (this.baggage ??= correlationBaggage(this.parent, this.correlationId));
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.flat().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.flat().deleteValue(key);
  }

  private flat(): Context {
    return (this.flattened ??= this.parent
      .setValue(SPAN_KEY, this.span)
      .setValue(CORRELATION_ID_KEY, this.correlationId)
      .setValue(BAGGAGE_KEY, this.getValue(BAGGAGE_KEY)));
  }
}

/**
 * Whether the API reads spans, baggage and correlation ids from a `ServerRequestContext` as from
 * its own contexts. Checked once; if a future API changed its keys, requests get the API's
 * contexts instead.
 */
function readsAsTheApi(): boolean {
  const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 });
  const probe = new ServerRequestContext(ROOT_CONTEXT, span, 'probe');
  const derived = probe.setValue(createContextKey('huleedu.nest-tracing.probe'), true);
  return [probe, derived].every(
    (ctx) =>
      trace.getSpan(ctx) === span &&
      getCorrelationId(ctx) === 'probe' &&
      propagation.getBaggage(ctx)?.getEntry('correlation_id')?.value === 'probe',
  );
}

let native: boolean | undefined;

/** The context for a request's pipeline: `parent` with the SERVER span and the correlation id (also in baggage). */
export function serverRequestContext(parent: Context, span: Span, correlationId: string): Context {
  if ((native ??= readsAsTheApi())) return new ServerRequestContext(parent, span, correlationId);
  return apiServerRequestContext(parent, span, correlationId);
}

/** The same context built from the API's own contexts (three copies of the parent's map). @internal */
export function apiServerRequestContext(parent: Context, span: Span, correlationId: string): Context {
  return trace.setSpan(setValidCorrelationId(parent, correlationId), span);
}
