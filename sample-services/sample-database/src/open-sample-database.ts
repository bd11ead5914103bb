import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL database for a sample service or a spec. */
export interface SampleDatabase {
  /** `postgres://…` connection URL for TypeORM (`url`) or pg. */
  readonly url: string;
  /** True when this process serves it (PGlite), false for `DATABASE_URL`. */
  readonly embedded: boolean;
  /** Stop the embedded server (nothing for `DATABASE_URL`). Safe to call more than once. */
  stop(): Promise<void>;
}

export interface SampleDatabaseOptions {
  /** Where PGlite keeps its files. Default: in memory (gone when the process ends). */
  readonly dataDir?: string;
  /** Use the embedded server even when `DATABASE_URL` is set (specs that check both). Default: false. */
  readonly forceEmbedded?: boolean;
}

/**
 * Client connections the embedded server accepts at once. PGlite itself runs one query at a time;
 * pglite-socket multiplexes its connections onto it, and refuses any connection past this number
 * ("Too many connections"). Its default is 1, which breaks every pool (pg's and TypeORM's default to 10).
 */
const EMBEDDED_MAX_CONNECTIONS = 100;

/** PGlite has one role and one database, both named `postgres`; it asks for no password. */
const EMBEDDED_USER_AND_DATABASE = 'postgres';

/**
 * Opens the sample services' database: `DATABASE_URL` when it is set (and `forceEmbedded` is not),
 * else an embedded PostgreSQL: PGlite served over the PostgreSQL wire protocol on 127.0.0.1 and a
 * free port, so that TypeORM's `postgres` driver and pg connect to it as to any server.
 */
export async function openSampleDatabase(options: SampleDatabaseOptions = {}): Promise<SampleDatabase> {
  const externalUrl = process.env.DATABASE_URL;
  if (externalUrl && !options.forceEmbedded) {
    return { url: externalUrl, embedded: false, stop: async () => undefined };
  }
  return openEmbeddedDatabase(options.dataDir);
}

async function openEmbeddedDatabase(dataDir: string | undefined): Promise<SampleDatabase> {
  // TypeORM's uuid primary keys default to uuid_generate_v4() after `CREATE EXTENSION "uuid-ossp"`
  // (or to gen_random_uuid() with `uuidExtension: 'pgcrypto'`). PGlite ships these extensions but can
  // install them only if they are loaded here; without that, TypeORM's CREATE EXTENSION fails (it only
  // logs it) and then `synchronize` fails with "function uuid_generate_v4() does not exist".
  const extensions = { uuid_ossp, pgcrypto };
  const db = await PGlite.create(dataDir === undefined ? { extensions } : { dataDir, extensions });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // With port 0 the OS picks a free port; the server reports it as `host:port` once listening.
  const port = Number(server.getServerConn().split(':').pop());
  const url = `postgres://${EMBEDDED_USER_AND_DATABASE}@127.0.0.1:${port}/${EMBEDDED_USER_AND_DATABASE}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await server.stop();
      } finally {
        await db.close();
      }
    })();
    return stopping;
  };
  return { url, embedded: true, stop };
}
