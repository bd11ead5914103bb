import { openSampleDatabase } from '@huleedu/sample-database';
import type { SampleDatabase } from '@huleedu/sample-database';

/** A database the same suite runs against; `open` is called in `beforeAll`, `stop` in `afterAll`. */
export interface DatabaseBackend {
  readonly name: string;
  open(): Promise<SampleDatabase>;
}

/**
 * Both always run. The real server: CI and this machine run PostgreSQL on 127.0.0.1:5432 (trust auth),
 * `DATABASE_URL` selects another. The embedded one: PGlite served over the wire by the sample services'
 * `@huleedu/sample-database`, on a free port.
 */
export const databaseBackends: readonly DatabaseBackend[] = [
  {
    name: 'PostgreSQL server',
    open: async () => ({
      url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      embedded: false,
      stop: async () => undefined,
    }),
  },
  { name: 'embedded PGlite', open: () => openSampleDatabase({ forceEmbedded: true }) },
];

/** PGlite's WebAssembly start-up takes a few seconds. */
export const OPEN_TIMEOUT_MS = 60_000;

/** What the spans should say about the connection: read from the URL, as the tracing package does. */
export function connectionOf(database: SampleDatabase): { namespace: string; address: string; port: number } {
  const url = new URL(database.url);
  return { namespace: url.pathname.slice(1), address: url.hostname, port: Number(url.port || 5432) };
}
