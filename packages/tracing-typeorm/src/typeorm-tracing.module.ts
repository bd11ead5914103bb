import { Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { traceDataSource } from './trace-data-source.js';
import { resolveTypeOrmTracingOptions } from './typeorm-tracing.options.js';
import type { TypeOrmTracingOptions } from './typeorm-tracing.options.js';

const TYPEORM_TRACING_OPTIONS = Symbol('TYPEORM_TRACING_OPTIONS');

/**
 * Traces every TypeORM data source of the application (`TypeOrmModule.forRoot`/`forRootAsync`,
 * named ones included): found once the modules are initialised, so schema synchronisation and
 * migrations at start-up make no spans. Invalid options fail the start with what to write instead.
 * @example `imports: [TracingModule.forRoot({ serviceName }), TypeOrmModule.forRoot(db), TypeOrmTracingModule.forRoot()]`
 */
@Module({})
export class TypeOrmTracingModule implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(TYPEORM_TRACING_OPTIONS) private readonly options: TypeOrmTracingOptions,
  ) {}

  static forRoot(options: TypeOrmTracingOptions = {}): DynamicModule {
    resolveTypeOrmTracingOptions(options);
    return {
      module: TypeOrmTracingModule,
      imports: [DiscoveryModule],
      providers: [{ provide: TYPEORM_TRACING_OPTIONS, useValue: options }],
    };
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof DataSource) traceDataSource(instance, this.options);
    }
  }
}
