import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { setAttributes, traceOperation } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { REPORT_EVENTS_CLIENT } from '../kafka/report-events.client.js';
import { RESULT_AGGREGATOR_SERVICE } from '../kafka/kafka.config.js';
import { ResultStore } from './result-store.service.js';
import type { BatchCheck } from './result-store.service.js';
import { BATCH_REPORT_READY_TOPIC } from './result.events.js';
import type {
  AssessmentCompletedData,
  BatchRegisteredData,
  BatchReportData,
  SpellcheckCompletedData,
} from './result.events.js';

/**
 * Collects the results of a batch's essays and reports the batch once every essay has both. Each
 * incoming event is stored, then every batch it concerns is checked in a `result.aggregate` span
 * (`batch.id`, `batch.size`, `result.count`, `result.batch_status`); the check that finds a batch
 * complete publishes `batch.report.ready` in a `result.report` span (`batch.id`, `batch.size`,
 * `result.count`). Events may arrive in any order: results before their batch wait for it.
 */
@Injectable()
export class ResultAggregatorService {
  private readonly logger = new Logger(ResultAggregatorService.name);

  constructor(
    private readonly store: ResultStore,
    @Inject(REPORT_EVENTS_CLIENT) private readonly events: ClientKafka,
  ) {}

  /** Store a batch's membership (its first registration counts) and check it. */
  async registerBatch(batch: BatchRegisteredData): Promise<BatchCheck> {
    const essayIds = [...new Set(batch.essays.map((essay) => essay.essay_id))];
    const registered = await this.store.registerBatch(batch.batch_id, essayIds);
    if (!registered) this.logger.warn(`Batch ${batch.batch_id} was registered before: kept the first membership`);
    setAttributes({ 'result.registration': registered ? 'new' : 'duplicate' });
    return this.aggregate(batch.batch_id);
  }

  /** Store a spellcheck result and check the batches of its essay (none until the batch is registered). */
  async recordSpellcheck(result: SpellcheckCompletedData): Promise<BatchCheck[]> {
    await this.store.saveSpellcheck(result);
    const checks: BatchCheck[] = [];
    for (const batchId of await this.store.batchesOf(result.essay_id)) checks.push(await this.aggregate(batchId));
    return checks;
  }

  /** Store an assessment result and check its batch. */
  async recordAssessment(result: AssessmentCompletedData): Promise<BatchCheck> {
    await this.store.saveAssessment(result);
    return this.aggregate(result.batch_id);
  }

  private aggregate(batchId: string): Promise<BatchCheck> {
    return traceOperation('result.aggregate', { 'batch.id': batchId }, async () => {
      const check = await this.store.checkBatch(batchId, (report) => this.report(report));
      setAttributes({ 'result.batch_status': check.status });
      if (check.status !== 'unregistered') {
        setAttributes({ 'batch.size': check.size, 'result.count': check.resultCount });
      }
      return check;
    });
  }

  private report(report: BatchReportData): Promise<void> {
    const attributes = {
      'batch.id': report.batch_id,
      'batch.size': report.essay_count,
      'result.count': report.result_count,
    };
    return traceOperation('result.report', attributes, async () => {
      const envelope = createEventEnvelope(BATCH_REPORT_READY_TOPIC, report, {
        sourceService: RESULT_AGGREGATOR_SERVICE,
      });
      await lastValueFrom(this.events.emit(BATCH_REPORT_READY_TOPIC, { key: report.batch_id, value: envelope }), {
        defaultValue: undefined,
      });
      this.logger.log(`Batch ${report.batch_id} reported: ${report.essay_count} essays`);
    });
  }
}
