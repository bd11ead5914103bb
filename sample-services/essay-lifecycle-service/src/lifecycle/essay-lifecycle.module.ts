import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { kafkaClientOptions } from '../kafka/kafka-options.js';
import { EssayLifecycleController } from './essay-lifecycle.controller.js';
import { EssayLifecycleService, LIFECYCLE_EVENTS_CLIENT } from './essay-lifecycle.service.js';
import { EssayStateEntity } from './essay-state.entity.js';

/**
 * The lifecycle: Kafka handlers, the state machine on the `essay_states` table (the data source comes
 * from `DatabaseModule`, imported by `AppModule`), and a traced producer-only Kafka client.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([EssayStateEntity]),
    ClientsModule.registerAsync([
      {
        name: LIFECYCLE_EVENTS_CLIENT,
        useFactory: () => ({ customClass: TracedClientKafka, options: kafkaClientOptions() }),
      },
    ]),
  ],
  controllers: [EssayLifecycleController],
  providers: [EssayLifecycleService],
  exports: [EssayLifecycleService],
})
export class EssayLifecycleModule {}
