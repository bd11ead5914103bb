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

/** Placeholder until the implementation lands: the real one is written next. */
export async function openSampleDatabase(_options: SampleDatabaseOptions = {}): Promise<SampleDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('openSampleDatabase: not implemented yet');
  return { url, embedded: false, stop: async () => undefined };
}
