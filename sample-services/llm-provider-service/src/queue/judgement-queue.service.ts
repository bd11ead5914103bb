import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { Traced, injectTraceContext, traceOperation, withTraceContext } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { LLM_EVENTS_CLIENT } from '../kafka/llm-events.client.js';
import { LLM_PROVIDER_SERVICE } from '../kafka/kafka.config.js';
import { JudgementService } from '../judgement/judgement.service.js';
import { JUDGEMENT_COMPLETED_TOPIC } from '../judgement/judgement.types.js';
import type { JudgementRequest } from '../judgement/judgement.types.js';

/** Injection token of the delay, in milliseconds, between queueing a judgement and publishing it. */
export const LLM_QUEUE_DELAY_MS = Symbol('LLM_QUEUE_DELAY_MS');

/** `LLM_QUEUE_DELAY_MS` from the environment; default 250 ms. */
export function queueDelayFromEnv(): number {
  const delay = Number(process.env.LLM_QUEUE_DELAY_MS ?? 250);
  return Number.isFinite(delay) && delay >= 0 ? delay : 250;
}

/** A carrier holding a captured trace context (`traceparent`, `baggage`, `correlation_id`). */
type CapturedContext = Record<string, string>;

/**
 * The asynchronous path: judgements queued now and answered later, as a provider's batch API would.
 * `enqueue` (span `llm.queue.enqueue`) captures the trace context it runs in with
 * `injectTraceContext({})` and schedules the work; when the timer fires, `withTraceContext` restores
 * that context, so `llm.callback.publish`, the `llm.judgement` span under it, and the PRODUCER span
 * of `llm.judgement.completed` continue the requester's trace (and its correlation id) although the
 * consumer span that received the request ended long before. Pending work is dropped on shutdown.
 */
@Injectable()
export class JudgementQueueService implements OnApplicationShutdown {
  private readonly logger = new Logger(JudgementQueueService.name);
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly judgements: JudgementService,
    @Inject(LLM_EVENTS_CLIENT) private readonly events: ClientKafka,
    @Inject(LLM_QUEUE_DELAY_MS) private readonly delayMs: number,
  ) {}

  /** Queue a judgement; its answer is published as `llm.judgement.completed` after the delay. */
  @Traced('llm.queue.enqueue', {
    attributes: (request: JudgementRequest) => ({ 'llm.pair.id': request.pair_id }),
  })
  enqueue(request: JudgementRequest): void {
    const captured = injectTraceContext<CapturedContext>({});
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      withTraceContext(captured, () => this.publishJudgement(request)).catch((error: unknown) =>
        this.logger.error(`Could not publish ${JUDGEMENT_COMPLETED_TOPIC} for ${request.pair_id}: ${String(error)}`),
      );
    }, this.delayMs);
    this.pending.add(timer);
  }

  /** How many judgements wait for their timer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  onApplicationShutdown(): void {
    for (const timer of this.pending) clearTimeout(timer);
    if (this.pending.size > 0) this.logger.warn(`${this.pending.size} queued judgement(s) dropped at shutdown`);
    this.pending.clear();
  }

  private publishJudgement(request: JudgementRequest): Promise<unknown> {
    return traceOperation(
      'llm.callback.publish',
      { 'llm.pair.id': request.pair_id, 'llm.queue.delay_ms': this.delayMs },
      async () => {
        const judgement = this.judgements.judge(request);
        const envelope = createEventEnvelope(JUDGEMENT_COMPLETED_TOPIC, judgement, {
          sourceService: LLM_PROVIDER_SERVICE,
        });
        return lastValueFrom(this.events.emit(JUDGEMENT_COMPLETED_TOPIC, { key: request.pair_id, value: envelope }), {
          defaultValue: undefined,
        });
      },
    );
  }
}
