import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaContext } from '@nestjs/microservices';
import { TraceKafka } from '@huleedu/nest-tracing-kafka';
import { ASSESSMENT_REQUESTED_TOPIC } from './assessment.events.js';
import type { AssessmentRequestedEvent } from './assessment.events.js';
import { CjAssessmentService } from './cj-assessment.service.js';

/**
 * Consumes `essay.assessment.requested`: a CONSUMER span continuing the orchestrator's trace, with
 * `batch.id` and `essay.id`; `cj.assessment.run` is its child.
 */
@Controller()
export class AssessmentController {
  constructor(private readonly assessment: CjAssessmentService) {}

  // The untyped overload: the typed one (`EventPattern<Events>`) only fits `(data)` handlers.
  @EventPattern<string>(ASSESSMENT_REQUESTED_TOPIC)
  @TraceKafka({
    attributes: (event: AssessmentRequestedEvent | undefined) => ({
      'batch.id': event?.data?.batch_id,
      'essay.id': event?.data?.essay_id,
    }),
  })
  async onAssessmentRequested(
    @Payload() event: AssessmentRequestedEvent,
    @Ctx() _context: KafkaContext,
  ): Promise<void> {
    await this.assessment.assess(event.data);
  }
}
