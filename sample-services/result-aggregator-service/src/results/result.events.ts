import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';

/** Event in (batch orchestrator): a batch and its essays; the only source of batch membership. */
export const BATCH_REGISTERED_TOPIC = 'batch.registered';
/** Event in (spellchecker service), one per essay. */
export const SPELLCHECK_COMPLETED_TOPIC = 'essay.spellcheck.completed';
/** Event in (CJ assessment service), one per essay of a batch. */
export const ASSESSMENT_COMPLETED_TOPIC = 'essay.assessment.completed';
/** Event out: every essay of a batch has both results. */
export const BATCH_REPORT_READY_TOPIC = 'batch.report.ready';

/** The data of `batch.registered` (the batch orchestrator's contract; the texts are not stored). */
export interface BatchRegisteredData {
  batch_id: string;
  essays: { essay_id: string; text?: string }[];
}

/** The data of `essay.spellcheck.completed` (the spellchecker's contract): counts only. */
export interface SpellcheckCompletedData {
  essay_id: string;
  status: 'completed' | 'failed';
  word_count?: number;
  error_count?: number;
  error?: string;
}

/** The data of `essay.assessment.completed` (the CJ assessment service's contract). */
export interface AssessmentCompletedData {
  batch_id: string;
  essay_id: string;
  score: number;
  wins: number;
  comparisons: number;
}

/** One essay of a batch report: both of its results. */
export interface BatchReportEssay {
  essay_id: string;
  score: number;
  wins: number;
  comparisons: number;
  spellcheck_status: 'completed' | 'failed';
  word_count: number | null;
  error_count: number | null;
}

/** The data of `batch.report.ready`: every essay of the batch with both results, best score first. */
export interface BatchReportData {
  batch_id: string;
  essay_count: number;
  /** Results the report is made of: two per essay. */
  result_count: number;
  essays: BatchReportEssay[];
}

export type BatchRegisteredEvent = EventEnvelope<BatchRegisteredData>;
export type SpellcheckCompletedEvent = EventEnvelope<SpellcheckCompletedData>;
export type AssessmentCompletedEvent = EventEnvelope<AssessmentCompletedData>;
