import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaContext } from '@nestjs/microservices';
import { TraceKafka } from '@huleedu/nest-tracing-kafka';
import { BatchOrchestratorService } from './batch-orchestrator.service.js';
import { ASSESSMENT_COMPLETED_TOPIC, BATCH_REGISTERED_TOPIC } from './batch.events.js';
import type { AssessmentCompletedEvent, BatchRegisteredEvent } from './batch.events.js';

/**
 * The service's Kafka handlers: `batch.registered` starts a batch's fan-out, each
 * `essay.assessment.completed` is part of its fan-in. Both are CONSUMER spans continuing the
 * producer's trace, with `batch.id`.
 */
@Controller()
export class BatchController {
  constructor(private readonly orchestrator: BatchOrchestratorService) {}

  // The untyped overload: the typed one (`EventPattern<Events>`) only fits `(data)` handlers.
  @EventPattern<string>(BATCH_REGISTERED_TOPIC)
  @TraceKafka({
    attributes: (event: BatchRegisteredEvent | undefined) => ({
      'batch.id': event?.data?.batch_id,
      'batch.essay_count': event?.data?.essays?.length,
    }),
  })
  async onBatchRegistered(@Payload() event: BatchRegisteredEvent, @Ctx() _context: KafkaContext): Promise<void> {
    await this.orchestrator.fanOut(event.data);
  }

  @EventPattern<string>(ASSESSMENT_COMPLETED_TOPIC)
  @TraceKafka({
    attributes: (event: AssessmentCompletedEvent | undefined) => ({
      'batch.id': event?.data?.batch_id,
      'essay.id': event?.data?.essay_id,
    }),
  })
  async onAssessmentCompleted(
    @Payload() event: AssessmentCompletedEvent,
    @Ctx() _context: KafkaContext,
  ): Promise<void> {
    await this.orchestrator.recordCompletion(event.data);
  }
}
