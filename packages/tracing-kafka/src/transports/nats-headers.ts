import { createRequire } from 'node:module';

/** `headers()` of `@nats-io/transport-node` (NATS messages carry headers only in its `MsgHdrs`). */
type NatsHeadersFactory = () => { set(key: string, value: string): void; has(key: string): boolean };

let loaded: { factory: NatsHeadersFactory | undefined } | undefined;

/**
 * The NATS client's `headers()`, loaded the way Nest's `ClientNats` loads the package, on the first
 * NATS message (never at import time). Undefined when the package is not installed.
 */
export function natsHeadersFactory(): NatsHeadersFactory | undefined {
  if (!loaded) {
    try {
      const nats = createRequire(import.meta.url)('@nats-io/transport-node') as { headers?: NatsHeadersFactory };
      loaded = { factory: nats.headers };
    } catch {
      loaded = { factory: undefined };
    }
  }
  return loaded.factory;
}
