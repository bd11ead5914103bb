import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import { lastValueFrom } from 'rxjs';
import { setAttributes, traceOperation } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { BATCH_EVENTS_CLIENT } from '../kafka/batch-events.client.js';
import { BATCH_ORCHESTRATOR_SERVICE } from '../kafka/kafka.config.js';
import { ASSESSMENT_REQUESTED_TOPIC, BATCH_COMPLETED_TOPIC } from './batch.events.js';
import type {
  AssessmentCompletedData,
  AssessmentRequestedData,
  BatchCompletedData,
  BatchRegisteredData,
} from './batch.events.js';
import { BatchTracker } from './batch-tracker.js';
import type { CompletionOutcome, RecordedCompletion } from './batch-tracker.js';

/**
 * Runs batches of essays through assessment. Fan-out: a registered batch becomes one
 * `essay.assessment.requested` command per essay, each a PRODUCER span under `batch.fan_out`.
 * Fan-in: every `essay.assessment.completed` is recorded with the span that received it; when the
 * last essay of a batch is in, `batch.fan_in` (linked to each of those spans) publishes
 * `batch.completed` with the scores, best first. Spans carry `batch.id` and `batch.essay_count`.
 */
@Injectable()
export class BatchOrchestratorService {
  private readonly logger = new Logger(BatchOrchestratorService.name);
  private readonly tracker = new BatchTracker();

  constructor(@Inject(BATCH_EVENTS_CLIENT) private readonly events: ClientKafka) {}

  /** Request the assessment of every essay of the batch; resolves once Kafka took every command. */
  fanOut(batch: BatchRegisteredData): Promise<void> {
    const attributes = { 'batch.id': batch.batch_id, 'batch.essay_count': batch.essays.length };
    return traceOperation('batch.fan_out', attributes, async () => {
      this.tracker.register(
        batch.batch_id,
        batch.essays.map((essay) => essay.essay_id),
      );
      if (batch.essays.length === 0) {
        await this.fanIn(batch.batch_id, []);
        return;
      }
      await Promise.all(
        batch.essays.map((essay) => {
          const command: AssessmentRequestedData = {
            batch_id: batch.batch_id,
            essay_id: essay.essay_id,
            text: essay.text,
            comparison_essays: batch.essays.filter((other) => other.essay_id !== essay.essay_id),
          };
          return this.publish(ASSESSMENT_REQUESTED_TOPIC, essay.essay_id, command);
        }),
      );
      this.logger.log(`Batch ${batch.batch_id}: requested the assessment of ${batch.essays.length} essays`);
    });
  }

  /**
   * Record one essay's completion, linked later from `batch.fan_in` through the active span (the
   * CONSUMER span of the completion). Publishes `batch.completed` when it was the batch's last.
   */
  async recordCompletion(completion: AssessmentCompletedData): Promise<CompletionOutcome> {
    const recorded: RecordedCompletion = {
      essay_id: completion.essay_id,
      score: completion.score,
      spanContext: trace.getActiveSpan()?.spanContext(),
    };
    const outcome = this.tracker.record(completion.batch_id, recorded);
    setAttributes({ 'batch.id': completion.batch_id, 'batch.completion': outcome.status });
    if (outcome.status === 'complete') await this.fanIn(completion.batch_id, outcome.completions);
    else if (outcome.status !== 'pending') {
      this.logger.warn(
        `Ignored the completion of ${completion.essay_id} in batch ${completion.batch_id}: ${outcome.status}`,
      );
    }
    return outcome;
  }

  private fanIn(batchId: string, completions: RecordedCompletion[]): Promise<void> {
    const links: Link[] = completions.flatMap((completion) =>
      completion.spanContext
        ? [{ context: completion.spanContext, attributes: { 'essay.id': completion.essay_id } }]
        : [],
    );
    const attributes = { 'batch.id': batchId, 'batch.essay_count': completions.length };
    return traceOperation(
      'batch.fan_in',
      attributes,
      async () => {
        const results = completions
          .map(({ essay_id, score }) => ({ essay_id, score }))
          .sort((a, b) => b.score - a.score || a.essay_id.localeCompare(b.essay_id));
        const data: BatchCompletedData = { batch_id: batchId, essay_count: completions.length, results };
        await this.publish(BATCH_COMPLETED_TOPIC, batchId, data);
        this.logger.log(`Batch ${batchId} completed: ${completions.length} essays assessed`);
      },
      { links },
    );
  }

  private publish(topic: string, key: string, data: unknown): Promise<unknown> {
    const envelope = createEventEnvelope(topic, data, { sourceService: BATCH_ORCHESTRATOR_SERVICE });
    return lastValueFrom(this.events.emit(topic, { key, value: envelope }), { defaultValue: undefined });
  }
}
