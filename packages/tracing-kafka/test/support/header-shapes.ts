import { headers as natsHeaders } from '@nats-io/transport-node';

/** mulberry32: a tiny seeded PRNG, so every run draws the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A drawn carrier: what it is (for failure messages) and what a correct consumer must make of it. */
export interface DrawnShape {
  readonly kind: string;
  readonly value: unknown;
  /** The trace a correct consumer continues: set only where the shape plainly carries one `traceparent`. */
  readonly traceId?: string;
  /** Nest's request/reply headers with valid values: a `@MessagePattern` handler's result becomes a reply. */
  readonly expectsReply?: boolean;
}

const HUGE_STRING = 'x'.repeat(1 << 20);
const HUGE_BUFFER = Buffer.alloc(1 << 18, 0x61);
const PROPAGATION_KEYS = ['traceparent', 'TraceParent', 'TRACEPARENT', 'tracestate', 'baggage'];
const CORRELATION_KEYS = ['correlation_id', 'correlationId', 'x-correlation-id'];
const OTHER_KEYS = ['x-tenant', '', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'content-type'];

function thrower(): never {
  throw new Error('a header getter that throws');
}

/** Header shapes for the consumer path, drawn from a seeded PRNG. */
export class HeaderShapes {
  constructor(private readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  hex(length: number): string {
    let text = '';
    while (text.length < length) text += this.int(16).toString(16);
    return /^0+$/.test(text) ? `1${text.slice(1)}` : text;
  }

  traceparent(): { header: string; traceId: string } {
    const traceId = this.hex(32);
    return { header: `00-${traceId}-${this.hex(16)}-01`, traceId };
  }

  /** A header value of any type: valid and malformed contexts, bytes, numbers, nested objects, huge values. */
  headerValue(): unknown {
    const valid = this.traceparent().header;
    return this.pick<() => unknown>([
      () => valid,
      () => Buffer.from(valid),
      () => [valid, valid],
      () => [valid, this.traceparent().header],
      () => [Buffer.from(valid), null, 7],
      () => '',
      () => '00-zz-garbage',
      () => `corr-${this.int(1000)}`,
      () => HUGE_STRING,
      () => HUGE_BUFFER,
      () => new TextEncoder().encode('k=v'),
      () => this.int(1e6),
      () => Number.NaN,
      () => 10n,
      () => true,
      () => null,
      () => undefined,
      () => Symbol('header'),
      () => ({ value: valid }),
      () => [],
      () => new Map([['traceparent', valid]]),
    ])();
  }

  /** An object holding up to `count` random entries (keys of every kind, values of every type). */
  entries(target: Record<string, unknown>, count: number): Record<string, unknown> {
    for (let index = 0; index < count; index++) {
      const key = this.chance(0.1)
        ? `h${index}`
        : this.pick(this.pick([PROPAGATION_KEYS, CORRELATION_KEYS, OTHER_KEYS]));
      Object.defineProperty(target, key, {
        value: this.headerValue(),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return target;
  }

  /** Headers (or packet metadata, AMQP properties, MQTT user properties, an envelope's metadata) of any shape. */
  carrier(): DrawnShape {
    const { header, traceId } = this.traceparent();
    const draw = this.int(30);
    switch (draw) {
      case 0:
      case 1:
      case 2:
        return { kind: 'null', value: null };
      case 3:
        return { kind: 'undefined', value: undefined };
      case 4:
        return { kind: 'string', value: this.pick(['', 'traceparent', header, `traceparent=${header}`, HUGE_STRING]) };
      case 5:
        return { kind: 'number', value: this.pick([0, -1, Number.NaN, Infinity, 1e308]) };
      case 6:
        return { kind: 'boolean/bigint/symbol', value: this.pick<unknown>([true, false, 1n, Symbol('headers')]) };
      case 7:
        return { kind: 'function', value: Object.assign(() => undefined, { traceparent: header }) };
      case 8:
        return { kind: 'array', value: Array.from({ length: this.int(5) }, () => this.headerValue()) };
      case 9:
        return { kind: 'array of traceparents', value: Object.assign([header], { traceparent: header }) };
      case 10:
        return { kind: 'Buffer', value: Buffer.from(`traceparent: ${header}`) };
      case 11:
        return { kind: 'huge Buffer', value: HUGE_BUFFER };
      case 12:
        return { kind: 'Uint8Array', value: new Uint8Array(this.int(64)) };
      case 13:
      case 14:
      case 15:
        return { kind: 'object', value: this.entries({}, this.int(7)) };
      case 16:
      case 17:
        return {
          kind: 'null-prototype object',
          value: this.entries(Object.create(null) as object as never, this.int(7)),
        };
      case 18:
      case 19: {
        // a plain carrier with one valid traceparent (a string or a Buffer): the trace must continue
        const value: Record<string, unknown> = this.chance(0.5) ? {} : (Object.create(null) as Record<string, unknown>);
        value['traceparent'] = this.chance(0.5) ? header : Buffer.from(header);
        if (this.chance(0.5)) value['x-tenant'] = this.headerValue();
        return { kind: 'valid traceparent', value, traceId };
      }
      case 20:
        return {
          kind: 'reply headers',
          value: { kafka_replyTopic: Buffer.from('reply.topic'), kafka_correlationId: '42', traceparent: header },
          traceId,
          expectsReply: true,
        };
      case 21:
        return {
          kind: 'throwing getters',
          value: Object.defineProperty(
            this.entries({}, this.int(3)),
            this.pick([...PROPAGATION_KEYS, ...CORRELATION_KEYS, 'kafka_replyTopic', 'headers', 'metadata']),
            { get: thrower, enumerable: true },
          ),
        };
      case 22:
        return {
          kind: 'throwing Proxy',
          value: new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower }),
        };
      case 23: {
        const { proxy, revoke } = Proxy.revocable({ traceparent: header }, {});
        revoke();
        return { kind: 'revoked Proxy', value: proxy };
      }
      case 24:
        return { kind: 'transparent Proxy', value: new Proxy(this.entries({}, this.int(4)), {}) };
      case 25:
        return { kind: 'Map', value: new Map([['traceparent', header]]) };
      case 26:
        return { kind: 'built-in object', value: this.pick<unknown>([new Date(0), /traceparent/, new String(header)]) };
      case 27:
        return { kind: 'frozen object', value: Object.freeze(this.entries({}, this.int(4))) };
      case 28: {
        const wide: Record<string, unknown> = {};
        for (let index = 0; index < 2000; index++) wide[`h-${index}`] = `v${index}`;
        return { kind: 'object with 2000 keys', value: wide };
      }
      default:
        return {
          kind: 'huge values',
          value: { traceparent: HUGE_STRING, baggage: HUGE_STRING, correlation_id: HUGE_STRING },
        };
    }
  }

  /** What a NATS context's `getHeaders()` may return: real `MsgHdrs`, nothing, or look-alikes that misbehave. */
  natsCarrier(): DrawnShape {
    const { header, traceId } = this.traceparent();
    switch (this.int(5)) {
      case 0: {
        const value = natsHeaders();
        value.set('traceparent', header);
        if (this.chance(0.5)) value.set('x-tenant', `t${this.int(10)}`);
        return { kind: 'NATS MsgHdrs', value, traceId };
      }
      case 1:
        return {
          kind: 'keys() not iterable',
          value: { keys: () => this.pick<unknown>([null, 5, {}]), get: () => header },
        };
      case 2:
        return { kind: 'throwing keys()/get()', value: { keys: thrower, get: thrower } };
      case 3:
        return {
          kind: 'get() returning junk',
          value: { keys: () => ['traceparent', 'baggage'], get: () => this.headerValue() },
        };
      default: {
        // a plain object is no MsgHdrs: whatever it holds, the NATS path reads no context from it
        const { kind, value } = this.carrier();
        return { kind, value };
      }
    }
  }
}
