import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaContext } from '@nestjs/microservices';
import { TraceKafka } from '@huleedu/nest-tracing-kafka';
import { ResultAggregatorService } from './result-aggregator.service.js';
import { ASSESSMENT_COMPLETED_TOPIC, BATCH_REGISTERED_TOPIC, SPELLCHECK_COMPLETED_TOPIC } from './result.events.js';
import type { AssessmentCompletedEvent, BatchRegisteredEvent, SpellcheckCompletedEvent } from './result.events.js';

/**
 * The service's Kafka handlers: batch membership from `batch.registered`, and the two results of
 * each essay. Each is a CONSUMER span continuing the producer's trace; the statements that store
 * the event are its children.
 */
@Controller()
export class ResultsController {
  constructor(private readonly aggregator: ResultAggregatorService) {}

  // The untyped overload: the typed one (`EventPattern<Events>`) only fits `(data)` handlers.
  @EventPattern<string>(BATCH_REGISTERED_TOPIC)
  @TraceKafka({
    attributes: (event: BatchRegisteredEvent | undefined) => ({
      'batch.id': event?.data?.batch_id,
      'batch.size': event?.data?.essays?.length,
    }),
  })
  async onBatchRegistered(@Payload() event: BatchRegisteredEvent, @Ctx() _context: KafkaContext): Promise<void> {
    await this.aggregator.registerBatch(event.data);
  }

  @EventPattern<string>(SPELLCHECK_COMPLETED_TOPIC)
  @TraceKafka({
    attributes: (event: SpellcheckCompletedEvent | undefined) => ({ 'essay.id': event?.data?.essay_id }),
  })
  async onSpellcheckCompleted(
    @Payload() event: SpellcheckCompletedEvent,
    @Ctx() _context: KafkaContext,
  ): Promise<void> {
    await this.aggregator.recordSpellcheck(event.data);
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
    await this.aggregator.recordAssessment(event.data);
  }
}
