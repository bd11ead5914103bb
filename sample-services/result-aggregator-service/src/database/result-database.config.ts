import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { SampleDatabase } from '@huleedu/sample-database';
import { AssessmentResult } from './assessment-result.entity.js';
import { BatchEssay } from './batch-essay.entity.js';
import { ResultBatch } from './result-batch.entity.js';
import { SpellcheckResult } from './spellcheck-result.entity.js';

/** The service's tables. */
export const RESULT_ENTITIES = [ResultBatch, BatchEssay, SpellcheckResult, AssessmentResult];

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The schema of the service's tables, from `DATABASE_SCHEMA` (default `public`): specs give each run
 * a schema of its own on a shared server. Created at start-up when missing.
 */
export function databaseSchemaFromEnv(): string {
  const schema = process.env.DATABASE_SCHEMA?.trim() || 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `result-aggregator-service: DATABASE_SCHEMA must be a lower-case PostgreSQL identifier, got "${schema}".\n` +
        'Potential solutions: use letters, digits and underscores only, or unset it for "public".',
    );
  }
  return schema;
}

/**
 * TypeORM options for the sample database. The embedded server (PGlite) serves one session at a time,
 * so its pool holds one connection; a transaction then has the database to itself.
 */
export function resultDatabaseOptions(
  database: SampleDatabase,
  schema = databaseSchemaFromEnv(),
): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: database.url,
    schema,
    entities: RESULT_ENTITIES,
    poolSize: database.embedded ? 1 : undefined,
    logging: false,
    retryAttempts: 3,
    retryDelay: 1000,
  };
}

/**
 * Connects, creates the schema if missing, and brings the tables up to date (a sample service has no
 * migrations). Runs before `TypeOrmTracingModule` traces the data source, so start-up makes no spans.
 */
export async function initialiseResultDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, synchronize: false }).initialize();
  try {
    const schema = (options as { schema?: string }).schema;
    if (schema !== undefined && schema !== 'public') await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.synchronize();
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
