export { openSampleDatabase } from './open-sample-database.js';
export type { SampleDatabase, SampleDatabaseOptions } from './open-sample-database.js';
