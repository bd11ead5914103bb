export { openSampleDatabase } from './open-sample-database.js';
export type { SampleDatabase, SampleDatabaseOptions } from './open-sample-database.js';
export { SAMPLE_DATABASE, SampleDatabaseModule } from './sample-database.module.js';
export type { SampleDatabaseModuleOptions } from './sample-database.module.js';
