/** `headers()` of `@nats-io/transport-node`, when it is installed (NATS clients need it for headers). */
type NatsHeadersFactory = () => { set(key: string, value: string): void; has(key: string): boolean };

let factory: NatsHeadersFactory | undefined;
try {
  const nats = (await import('@nats-io/transport-node')) as { headers?: NatsHeadersFactory };
  factory = nats.headers;
} catch {
  factory = undefined;
}

export function natsHeadersFactory(): NatsHeadersFactory | undefined {
  return factory;
}
