import { Module } from '@nestjs/common';
import { BatchEventsClientModule } from '../kafka/batch-events.client.js';
import { BatchController } from './batch.controller.js';
import { BatchOrchestratorService } from './batch-orchestrator.service.js';

/** Batches: the Kafka handlers, the orchestrator and the client it publishes with. */
@Module({
  imports: [BatchEventsClientModule],
  controllers: [BatchController],
  providers: [BatchOrchestratorService],
  exports: [BatchOrchestratorService],
})
export class BatchModule {}
