import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AssessmentResult } from '../database/assessment-result.entity.js';
import { BatchEssay } from '../database/batch-essay.entity.js';
import { ResultBatch } from '../database/result-batch.entity.js';
import { SpellcheckResult } from '../database/spellcheck-result.entity.js';
import { batchProgress } from './batch-report.js';
import type { EssayResults } from './batch-report.js';
import type { AssessmentCompletedData, BatchReportData, SpellcheckCompletedData } from './result.events.js';

/** Where a batch stood when it was checked. `complete`: its report was published by this check. */
export type BatchCheck =
  | { status: 'unregistered' }
  | { status: 'pending' | 'complete' | 'already_reported'; size: number; resultCount: number };

/**
 * The results in PostgreSQL. Each write is one statement (or, for a batch, one transaction); a
 * batch is checked in a transaction that locks its row, so of two results arriving at once the
 * later check sees both, and a batch is reported once.
 */
@Injectable()
export class ResultStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Store a batch and its essays; false when the batch was registered before (nothing changes). */
  registerBatch(batchId: string, essayIds: readonly string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ResultBatch)
        .values({ batch_id: batchId, essay_count: essayIds.length })
        .orIgnore()
        .returning(['batch_id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return false;
      if (essayIds.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(BatchEssay)
          .values(essayIds.map((essayId) => ({ batch_id: batchId, essay_id: essayId })))
          .execute();
      }
      return true;
    });
  }

  /** Store an essay's spellcheck result, replacing an earlier one. */
  async saveSpellcheck(result: SpellcheckCompletedData): Promise<void> {
    await this.dataSource.getRepository(SpellcheckResult).upsert(
      {
        essay_id: result.essay_id,
        status: result.status,
        word_count: result.word_count ?? null,
        error_count: result.error_count ?? null,
        error: result.error ?? null,
      },
      ['essay_id'],
    );
  }

  /** Store an essay's assessment in its batch, replacing an earlier one. */
  async saveAssessment(result: AssessmentCompletedData): Promise<void> {
    await this.dataSource.getRepository(AssessmentResult).upsert(
      {
        batch_id: result.batch_id,
        essay_id: result.essay_id,
        score: result.score,
        wins: result.wins,
        comparisons: result.comparisons,
      },
      ['batch_id', 'essay_id'],
    );
  }

  /** The registered batches an essay belongs to. */
  async batchesOf(essayId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(BatchEssay).find({ where: { essay_id: essayId } });
    return rows.map((row) => row.batch_id);
  }

  /**
   * Check a batch under a lock on its row. When every essay has both results and the batch was not
   * reported, `publish` runs with the report before the batch is marked reported in the same
   * transaction: if it fails, nothing is marked and a later result (or redelivery) reports the batch.
   */
  checkBatch(batchId: string, publish: (report: BatchReportData) => Promise<void>): Promise<BatchCheck> {
    return this.dataSource.transaction(async (manager): Promise<BatchCheck> => {
      const batch = await manager.findOne(ResultBatch, {
        where: { batch_id: batchId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!batch) return { status: 'unregistered' };
      const members = await manager.find(BatchEssay, { where: { batch_id: batchId } });
      const essayIds = members.map((member) => member.essay_id);
      const spellchecks =
        essayIds.length > 0 ? await manager.find(SpellcheckResult, { where: { essay_id: In(essayIds) } }) : [];
      const assessments = await manager.find(AssessmentResult, { where: { batch_id: batchId } });
      const essays: EssayResults[] = essayIds.map((essayId) => ({
        essay_id: essayId,
        spellcheck: spellchecks.find((row) => row.essay_id === essayId),
        assessment: assessments.find((row) => row.essay_id === essayId),
      }));
      const { size, resultCount, report } = batchProgress(batchId, essays);
      if (batch.reported_at !== null) return { status: 'already_reported', size, resultCount };
      if (!report) return { status: 'pending', size, resultCount };
      await publish(report);
      await manager.update(ResultBatch, { batch_id: batchId }, { reported_at: new Date() });
      return { status: 'complete', size, resultCount };
    });
  }
}
