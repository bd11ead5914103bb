import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { KafkaContext } from '@nestjs/microservices';
import { TraceKafka } from '@huleedu/nest-tracing-kafka';
import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';
import { JudgementQueueService } from '../queue/judgement-queue.service.js';
import { JudgementService } from './judgement.service.js';
import { JUDGEMENT_QUEUED_TOPIC, JUDGEMENT_REQUESTED_TOPIC } from './judgement.types.js';
import type { Judgement, JudgementRequest } from './judgement.types.js';

/**
 * The service's Kafka handlers. `llm.judgement.requested` is request/reply (Nest `@MessagePattern`):
 * the reply is the judgement, and its headers carry the handler's CONSUMER span. `llm.judgement.queued`
 * is an event whose envelope's data is queued; its answer comes later as `llm.judgement.completed`.
 */
@Controller()
export class JudgementController {
  constructor(
    private readonly judgements: JudgementService,
    private readonly queue: JudgementQueueService,
  ) {}

  @MessagePattern(JUDGEMENT_REQUESTED_TOPIC)
  @TraceKafka({ attributes: (request: JudgementRequest) => ({ 'llm.pair.id': request.pair_id }) })
  judge(@Payload() request: JudgementRequest, @Ctx() _context: KafkaContext): Judgement {
    return this.judgements.judge(request);
  }

  // The untyped overload: the typed one (`EventPattern<Events>`) only fits `(data)` handlers.
  @EventPattern<string>(JUDGEMENT_QUEUED_TOPIC)
  @TraceKafka({ attributes: (event: EventEnvelope<JudgementRequest>) => ({ 'llm.pair.id': event.data.pair_id }) })
  queueJudgement(@Payload() event: EventEnvelope<JudgementRequest>, @Ctx() _context: KafkaContext): void {
    this.queue.enqueue(event.data);
  }
}
