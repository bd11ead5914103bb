import pg from 'pg';

/** One essay's end of the pipeline, as the lifecycle service committed it. */
export interface EssayOutcome {
  state: 'completed' | 'failed';
  /** `performance.now()` when the notification arrived. */
  at: number;
}

/** The schema a service set keeps its tables in (`contents`, `essay_states`). */
export function schemaFor(variant: string): string {
  return `workload_${variant}`;
}

/** `baseUrl` with `search_path` set to `schema` (a libpq `options` parameter, which pg passes on). */
export function urlWithSchema(baseUrl: string, schema: string): string {
  const separator = baseUrl.includes('?') ? '&' : '?';
  return `${baseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drop and recreate each schema, so every run starts from empty tables; resolves with the server's version. */
export async function recreateSchemas(baseUrl: string, schemas: readonly string[]): Promise<string> {
  return withClient(baseUrl, async (client) => {
    for (const schema of schemas) {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.query(`CREATE SCHEMA "${schema}"`);
    }
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  });
}

/**
 * After the lifecycle service created `essay_states` in `schema`: a trigger that sends
 * `NOTIFY <channel>, '<state> <essay id>'` when an essay reaches `completed` or `failed`. PostgreSQL
 * delivers it when the transaction commits, so the benchmark learns that an upload's Kafka chain is
 * done the moment the service's last write is visible, in both variants, without polling and without
 * changing the service.
 */
export async function installCompletionTrigger(baseUrl: string, schema: string, channel: string): Promise<void> {
  await withClient(baseUrl, async (client) => {
    await client.query(`
      CREATE OR REPLACE FUNCTION "${schema}".workload_essay_done() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${channel}', NEW.state || ' ' || NEW.essay_id);
        RETURN NULL;
      END $$`);
    await client.query(`
      CREATE TRIGGER workload_essay_done AFTER UPDATE OF state ON "${schema}".essay_states
      FOR EACH ROW WHEN (NEW.state IN ('completed', 'failed'))
      EXECUTE FUNCTION "${schema}".workload_essay_done()`);
  });
}

/** Waits for essays to reach the end of the pipeline, through `LISTEN` on the completion triggers' channels. */
export class CompletionListener {
  private readonly waiting = new Map<string, (outcome: EssayOutcome) => void>();
  /** Outcomes that arrived before anyone asked (the chain can finish before the upload's HTTP answer). */
  private readonly early = new Map<string, EssayOutcome>();

  private constructor(private readonly client: pg.Client) {
    client.on('notification', (message) => {
      const at = performance.now();
      const [state, essayId] = (message.payload ?? '').split(' ');
      const outcome: EssayOutcome = { state: state === 'completed' ? 'completed' : 'failed', at };
      const resolve = this.waiting.get(essayId);
      if (resolve) {
        this.waiting.delete(essayId);
        resolve(outcome);
      } else {
        this.early.set(essayId, outcome);
      }
    });
  }

  static async open(baseUrl: string, channels: readonly string[]): Promise<CompletionListener> {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    for (const channel of channels) await client.query(`LISTEN ${channel}`);
    return new CompletionListener(client);
  }

  /** The essay's outcome; rejects after `timeoutMs`. */
  outcome(essayId: string, timeoutMs: number): Promise<EssayOutcome> {
    const early = this.early.get(essayId);
    if (early) {
      this.early.delete(essayId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(essayId);
        reject(new Error(`essay ${essayId} did not complete within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(essayId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
