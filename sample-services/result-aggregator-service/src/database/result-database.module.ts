import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { SampleDatabase } from '@huleedu/sample-database';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { initialiseResultDataSource, resultDatabaseOptions } from './result-database.config.js';
import { SAMPLE_DATABASE, SampleDatabaseModule } from './sample-database.module.js';

/**
 * The results database: TypeORM on the sample database, every statement a CLIENT span and every
 * transaction a span of its own (`TypeOrmTracingModule`).
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [SampleDatabaseModule],
      inject: [SAMPLE_DATABASE],
      useFactory: (database: SampleDatabase) => resultDatabaseOptions(database),
      dataSourceFactory: (options) => initialiseResultDataSource(options as DataSourceOptions),
    }),
    TypeOrmTracingModule.forRoot(),
  ],
})
export class ResultDatabaseModule {}
