import { Module } from '@nestjs/common';
import { LlmEventsClientModule } from '../kafka/llm-events.client.js';
import { JudgementQueueService, LLM_QUEUE_DELAY_MS, queueDelayFromEnv } from '../queue/judgement-queue.service.js';
import { JudgementController } from './judgement.controller.js';
import { JudgementService } from './judgement.service.js';

/** Judgements: the Kafka handlers, the stand-in judge, the queue and the client it publishes with. */
@Module({
  imports: [LlmEventsClientModule],
  controllers: [JudgementController],
  providers: [JudgementService, JudgementQueueService, { provide: LLM_QUEUE_DELAY_MS, useFactory: queueDelayFromEnv }],
  exports: [JudgementService, JudgementQueueService],
})
export class JudgementModule {}
