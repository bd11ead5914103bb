import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ClientProxy, KafkaContext } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { TraceKafka, createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { EmptyEssayError } from '../spellcheck/empty-essay.error.js';
import { SpellcheckService } from '../spellcheck/spellcheck.service.js';
import { SPELLCHECK_COMPLETED_TOPIC, SPELLCHECK_REQUESTED_TOPIC } from './spellcheck-events.js';
import type { SpellcheckCompletedData, SpellcheckRequestedEvent } from './spellcheck-events.js';

/** Injection token of the (traced, producer-only) Kafka client that publishes the results. */
export const SPELLCHECK_EVENTS_CLIENT = Symbol('SPELLCHECK_EVENTS_CLIENT');

/**
 * Consumes `essay.spellcheck.requested`, checks the essay with `SpellcheckService`, and publishes
 * `essay.spellcheck.completed` (`status: 'failed'` for an essay without words). The consume span is
 * the platform's `kafka.consume.spellcheck_request` (CONSUMER, continuing the lifecycle service's
 * trace, with `essay_id` and `correlation_id`); `spellchecker.process.essay` and the PRODUCER span of
 * the result are its children.
 */
@Controller()
export class SpellcheckRequestController {
  private readonly logger = new Logger(SpellcheckRequestController.name);

  constructor(
    private readonly spellcheck: SpellcheckService,
    @Inject(SPELLCHECK_EVENTS_CLIENT) private readonly events: ClientProxy,
  ) {}

  // The untyped overload: the typed one (`EventPattern<Events>`) only fits `(data)` handlers.
  @EventPattern<string>(SPELLCHECK_REQUESTED_TOPIC)
  @TraceKafka({
    name: 'kafka.consume.spellcheck_request',
    attributes: (event: SpellcheckRequestedEvent | undefined) => ({ essay_id: event?.data?.essay_id }),
  })
  async onSpellcheckRequested(
    @Payload() event: SpellcheckRequestedEvent,
    @Ctx() _context: KafkaContext,
  ): Promise<SpellcheckCompletedData> {
    const essayId = event.data.essay_id;
    let result: SpellcheckCompletedData;
    try {
      const checked = await this.spellcheck.checkEssay(essayId, event.data.text);
      result = {
        essay_id: essayId,
        status: 'completed',
        word_count: checked.wordCount,
        error_count: checked.misspellings.length,
      };
    } catch (error) {
      if (!(error instanceof EmptyEssayError)) throw error;
      result = { essay_id: essayId, status: 'failed', error: error.name };
    }
    const envelope = createEventEnvelope(SPELLCHECK_COMPLETED_TOPIC, result, { sourceService: 'spellchecker-service' });
    await lastValueFrom(this.events.emit(SPELLCHECK_COMPLETED_TOPIC, { key: essayId, value: envelope }), {
      defaultValue: undefined,
    });
    this.logger.log(`Essay ${essayId} spellchecked: ${result.status}`);
    return result;
  }
}
