import { ROOT_CONTEXT, propagation } from '@opentelemetry/api';
import type { Baggage, BaggageEntry, Context, TextMapGetter } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';

/** OpenTelemetry's own W3C baggage parser and serialiser: the rules and limits stay theirs. */
const w3c = new W3CBaggagePropagator();
const headerGetter: TextMapGetter<{ baggage: string | string[] }> = {
  keys: () => ['baggage'],
  get: (carrier) => carrier.baggage,
};

/**
 * Baggage that arrived in a `baggage` header and is parsed when something first reads it: an
 * outgoing call's injection, `propagation.getBaggage(ctx).getEntry(...)`. A message or request
 * whose baggage nobody reads (most of them, when the correlation id also arrives in its own header)
 * never pays for parsing it. Parsed by OpenTelemetry's `W3CBaggagePropagator`, so the entries,
 * limits and malformed-entry rules are OpenTelemetry's; `setEntry` before the first read is
 * remembered and applied after parsing, in order.
 */
export class LazyBaggage implements Baggage {
  private parsed: Baggage | undefined;

  constructor(
    private readonly header: string | string[],
    private readonly pending: readonly (readonly [string, BaggageEntry])[] = [],
  ) {}

  getEntry(key: string): BaggageEntry | undefined {
    return this.baggage().getEntry(key);
  }

  getAllEntries(): [string, BaggageEntry][] {
    return this.baggage().getAllEntries();
  }

  setEntry(key: string, entry: BaggageEntry): Baggage {
    if (this.parsed) return this.parsed.setEntry(key, entry);
    return new LazyBaggage(this.header, [...this.pending, [key, entry]]);
  }

  removeEntry(key: string): Baggage {
    return this.baggage().removeEntry(key);
  }

  removeEntries(...keys: string[]): Baggage {
    return this.baggage().removeEntries(...keys);
  }

  clear(): Baggage {
    return propagation.createBaggage();
  }

  private baggage(): Baggage {
    if (this.parsed) return this.parsed;
    const extracted = w3c.extract(ROOT_CONTEXT, { baggage: this.header }, headerGetter);
    let baggage = propagation.getBaggage(extracted) ?? propagation.createBaggage();
    for (const [key, entry] of this.pending) baggage = baggage.setEntry(key, entry);
    return (this.parsed = baggage);
  }
}

/**
 * OpenTelemetry's `W3CBaggagePropagator`, reading the header on extraction but parsing it only when
 * the baggage is first read ({@link LazyBaggage}). Injection is OpenTelemetry's. One difference: a
 * header whose entries are all malformed gives an empty baggage instead of none.
 */
export class LazyW3CBaggagePropagator extends W3CBaggagePropagator {
  override extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, 'baggage');
    if (!header || header.length === 0) return context;
    return propagation.setBaggage(context, new LazyBaggage(header));
  }
}
