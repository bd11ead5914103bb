import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { correlationId, traceOperation } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { EssayTopics } from './essay-events.js';
import type { EssayUploadedData, SpellcheckCompletedData, SpellcheckRequestedData } from './essay-events.js';
import { ESSAY_TRANSITIONS } from './essay-state.js';
import type { EssayRecord, EssayState } from './essay-state.js';
import { EssayStateEntity } from './essay-state.entity.js';
import { InvalidTransitionError } from './invalid-transition.error.js';

/** Injection token of the (traced, producer-only) Kafka client that publishes the service's events. */
export const LIFECYCLE_EVENTS_CLIENT = Symbol('LIFECYCLE_EVENTS_CLIENT');

const SOURCE_SERVICE = 'essay-lifecycle-service';

/**
 * The essay state machine: uploaded -> spellchecking -> assessing -> completed, or failed. Each move is
 * an `essay_lifecycle.transition` span (`essay.id`, `essay.state.from`, `essay.state.to`) around one
 * database transaction that reads the essay's row in `essay_states` (locked for update) and writes
 * the new state; a move the machine does not allow rolls back and fails that span with
 * `InvalidTransitionError`. Events are published after the move, so their PRODUCER span is a sibling
 * of the transition, under the consumed message's CONSUMER span.
 */
@Injectable()
export class EssayLifecycleService {
  constructor(
    @Inject(LIFECYCLE_EVENTS_CLIENT) private readonly events: ClientProxy,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The essay as it stands, if known. */
  async find(essayId: string): Promise<EssayRecord | undefined> {
    const essay = await this.dataSource.getRepository(EssayStateEntity).findOneBy({ essayId });
    return essay ? toRecord(essay) : undefined;
  }

  /** A new essay: recorded as `uploaded`, moved to `spellchecking`, and `essay.spellcheck.requested` published. */
  async essayUploaded(data: EssayUploadedData): Promise<void> {
    await this.transition(data.essay_id, 'uploaded');
    await this.transition(data.essay_id, 'spellchecking');
    const request: SpellcheckRequestedData = { essay_id: data.essay_id, language: 'en', text: data.text };
    await this.publish(EssayTopics.SPELLCHECK_REQUESTED, data.essay_id, request);
  }

  /**
   * The spellchecker answered: `assessing` (recording its error count), then `completed` (the
   * assessment chain belongs to another service and is not wired in yet); a failed spellcheck moves
   * the essay to `failed`.
   */
  async spellcheckCompleted(data: SpellcheckCompletedData): Promise<EssayState> {
    if (data.status === 'failed') return this.transition(data.essay_id, 'failed');
    await this.transition(data.essay_id, 'assessing', { spellcheckErrorCount: data.error_count });
    return this.transition(data.essay_id, 'completed');
  }

  /**
   * Move one essay to `to` (a new essay only to `uploaded`), in an `essay_lifecycle.transition` span
   * around one transaction; `changes` are written with the new state.
   */
  transition(essayId: string, to: EssayState, changes: EssayChanges = {}): Promise<EssayState> {
    return traceOperation('essay_lifecycle.transition', { 'essay.id': essayId, 'essay.state.to': to }, (span) =>
      this.dataSource.transaction(async (manager) => {
        const essays = manager.getRepository(EssayStateEntity);
        const essay = await essays.findOne({ where: { essayId }, lock: { mode: 'pessimistic_write' } });
        const from = essay?.state ?? 'none';
        span.setAttribute('essay.state.from', from);
        const allowed = from === 'none' ? to === 'uploaded' : ESSAY_TRANSITIONS[from].includes(to);
        if (!allowed) throw new InvalidTransitionError(essayId, from, to);
        const spellcheckErrorCount = changes.spellcheckErrorCount;
        if (essay) {
          await essays.update(
            { essayId },
            { state: to, ...(spellcheckErrorCount === undefined ? {} : { spellcheckErrorCount }) },
          );
        } else {
          await essays.insert({
            essayId,
            state: to,
            correlationId: correlationId() ?? '',
            spellcheckErrorCount: spellcheckErrorCount ?? null,
          });
        }
        return to;
      }),
    );
  }

  private async publish(topic: string, key: string, data: unknown): Promise<void> {
    const envelope = createEventEnvelope(topic, data, { sourceService: SOURCE_SERVICE });
    await lastValueFrom(this.events.emit(topic, { key, value: envelope }), { defaultValue: undefined });
  }
}

/** What a transition writes besides the new state. */
export interface EssayChanges {
  /** Misspellings the spellchecker found. */
  spellcheckErrorCount?: number;
}

function toRecord(essay: EssayStateEntity): EssayRecord {
  const record: EssayRecord = { essayId: essay.essayId, state: essay.state, correlationId: essay.correlationId };
  if (essay.spellcheckErrorCount !== null) record.spellcheckErrorCount = essay.spellcheckErrorCount;
  return record;
}
