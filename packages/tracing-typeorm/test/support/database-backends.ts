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

/**
 * The timeout of the hooks that open and close a suite's database: PGlite's WebAssembly start-up takes a
 * few seconds, closing drops a table, a pool and perhaps PGlite; ample even on a loaded 2-core CI machine.
 */
export const DATABASE_HOOK_TIMEOUT_MS = 60_000;

/** What the spans should say about the connection: read from the URL, as the tracing package does. */
export function connectionOf(database: SampleDatabase): { namespace: string; address: string; port: number } {
  const url = new URL(database.url);
  return { namespace: url.pathname.slice(1), address: url.hostname, port: Number(url.port || 5432) };
}

/** What a suite opened: the parts `closeSpecDatabase` takes down, each only if it got that far. */
export interface SpecDatabaseParts {
  readonly dataSource?: {
    readonly isInitialized: boolean;
    query(sql: string): Promise<unknown>;
    destroy(): Promise<void>;
  };
  readonly table: string;
  readonly moduleRef?: { close(): Promise<void> };
  readonly database?: SampleDatabase;
}

/** A suite's `afterAll`: drop its table, close its data source and module, and stop the database. */
export async function closeSpecDatabase({ dataSource, table, moduleRef, database }: SpecDatabaseParts): Promise<void> {
  try {
    if (dataSource?.isInitialized) {
      await dataSource.query(`DROP TABLE IF EXISTS "${table}"`);
      await dataSource.destroy();
    }
    await moduleRef?.close();
  } finally {
    await database?.stop();
  }
}
