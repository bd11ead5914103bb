import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { kafkaClientOptions } from '../kafka/kafka-options.js';
import { EssayLifecycleController } from './essay-lifecycle.controller.js';
import { EssayLifecycleService, LIFECYCLE_EVENTS_CLIENT } from './essay-lifecycle.service.js';

/** The lifecycle: Kafka handlers, the state machine, and a traced producer-only Kafka client. */
@Module({
  imports: [
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
