import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { correlationId, traceOperation } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { EssayTopics } from './essay-events.js';
import type { EssayUploadedData, SpellcheckCompletedData, SpellcheckRequestedData } from './essay-events.js';
import { ESSAY_TRANSITIONS } from './essay-state.js';
import type { EssayRecord, EssayState } from './essay-state.js';
import { InvalidTransitionError } from './invalid-transition.error.js';

/** Injection token of the (traced, producer-only) Kafka client that publishes the service's events. */
export const LIFECYCLE_EVENTS_CLIENT = Symbol('LIFECYCLE_EVENTS_CLIENT');

const SOURCE_SERVICE = 'essay-lifecycle-service';

/**
 * The essay state machine: uploaded -> spellchecking -> assessing -> completed, or failed. Each move is
 * an `essay_lifecycle.transition` span (`essay.id`, `essay.state.from`, `essay.state.to`); a move the
 * machine does not allow fails that span with `InvalidTransitionError`. Events are published after
 * the move, so their PRODUCER span is a sibling of the transition, under the consumed message's
 * CONSUMER span. State lives in memory.
 */
@Injectable()
export class EssayLifecycleService {
  private readonly essays = new Map<string, EssayRecord>();

  constructor(@Inject(LIFECYCLE_EVENTS_CLIENT) private readonly events: ClientProxy) {}

  /** The essay as it stands, if known. */
  find(essayId: string): EssayRecord | undefined {
    const essay = this.essays.get(essayId);
    return essay && { ...essay };
  }

  /** A new essay: recorded as `uploaded`, moved to `spellchecking`, and `essay.spellcheck.requested` published. */
  async essayUploaded(data: EssayUploadedData): Promise<void> {
    this.transition(data.essay_id, 'uploaded');
    this.transition(data.essay_id, 'spellchecking');
    const request: SpellcheckRequestedData = { essay_id: data.essay_id, language: 'en', text: data.text };
    await this.publish(EssayTopics.SPELLCHECK_REQUESTED, data.essay_id, request);
  }

  /**
   * The spellchecker answered: `assessing`, then `completed` (the assessment chain belongs to
   * another service and is not wired in yet); a failed spellcheck moves the essay to `failed`.
   */
  spellcheckCompleted(data: SpellcheckCompletedData): EssayState {
    if (data.status === 'failed') return this.transition(data.essay_id, 'failed');
    const essay = this.essays.get(data.essay_id);
    if (essay && data.error_count !== undefined) essay.spellcheckErrorCount = data.error_count;
    this.transition(data.essay_id, 'assessing');
    return this.transition(data.essay_id, 'completed');
  }

  /** Move one essay to `to` (a new essay only to `uploaded`), in an `essay_lifecycle.transition` span. */
  transition(essayId: string, to: EssayState): EssayState {
    const from = this.essays.get(essayId)?.state ?? 'none';
    return traceOperation(
      'essay_lifecycle.transition',
      { 'essay.id': essayId, 'essay.state.from': from, 'essay.state.to': to },
      () => {
        const allowed = from === 'none' ? to === 'uploaded' : ESSAY_TRANSITIONS[from].includes(to);
        if (!allowed) throw new InvalidTransitionError(essayId, from, to);
        const essay = this.essays.get(essayId);
        if (essay) essay.state = to;
        else this.essays.set(essayId, { essayId, state: to, correlationId: correlationId() ?? '' });
        return to;
      },
    );
  }

  private async publish(topic: string, key: string, data: unknown): Promise<void> {
    const envelope = createEventEnvelope(topic, data, { sourceService: SOURCE_SERVICE });
    await lastValueFrom(this.events.emit(topic, { key, value: envelope }), { defaultValue: undefined });
  }
}
