import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { configureKafkaTracing } from './kafka-tracing.options.js';
import type { KafkaTracingModuleOptions } from './kafka-tracing.options.js';

/**
 * Sets the process-wide defaults of consumer and producer spans (`configureKafkaTracing`) when the
 * module is imported; invalid options fail the application's start with what to write instead.
 * Importing it is optional: `@TraceKafka()` and the traced clients work with the defaults.
 */
@Module({})
export class KafkaTracingModule {
  static forRoot(options: KafkaTracingModuleOptions = {}): DynamicModule {
    configureKafkaTracing(options, 'KafkaTracingModule.forRoot');
    return { module: KafkaTracingModule, global: true };
  }
}
