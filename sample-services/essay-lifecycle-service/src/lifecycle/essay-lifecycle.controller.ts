import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EssayTopics } from './essay-events.js';
import type { EssayUploadedEvent, SpellcheckCompletedEvent } from './essay-events.js';
import { EssayLifecycleService } from './essay-lifecycle.service.js';
import { InvalidTransitionError } from './invalid-transition.error.js';

/**
 * The service's Kafka handlers. Their CONSUMER spans (`kafka.consume.{topic}`, continuing the
 * producer's trace) come from `traceMicroservice()` around the Kafka server in `main.ts`.
 *
 * An event the state machine refuses (a duplicate, or a result for an unknown essay) is logged and
 * acknowledged: redelivering it would be refused again. Its transition span records the error.
 */
@Controller()
export class EssayLifecycleController {
  private readonly logger = new Logger(EssayLifecycleController.name);

  constructor(private readonly lifecycle: EssayLifecycleService) {}

  @EventPattern(EssayTopics.UPLOADED)
  async onEssayUploaded(@Payload() event: EssayUploadedEvent): Promise<void> {
    await this.skipRefused(EssayTopics.UPLOADED, event.data.essay_id, () => this.lifecycle.essayUploaded(event.data));
  }

  @EventPattern(EssayTopics.SPELLCHECK_COMPLETED)
  async onSpellcheckCompleted(@Payload() event: SpellcheckCompletedEvent): Promise<void> {
    await this.skipRefused(EssayTopics.SPELLCHECK_COMPLETED, event.data.essay_id, () =>
      this.lifecycle.spellcheckCompleted(event.data),
    );
  }

  private async skipRefused(topic: string, essayId: string, handle: () => unknown): Promise<void> {
    try {
      await handle();
      this.logger.log(`Handled ${topic} for essay ${essayId}`);
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      this.logger.warn(`Ignored ${topic}: ${error.message}`);
    }
  }
}
