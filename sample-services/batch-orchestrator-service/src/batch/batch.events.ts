import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';

/** Event in: a batch of essays to assess. */
export const BATCH_REGISTERED_TOPIC = 'batch.registered';
/** Command out, one per essay: assess it against the batch's other essays (the CJ assessment service). */
export const ASSESSMENT_REQUESTED_TOPIC = 'essay.assessment.requested';
/** Event in, one per essay: its assessment is done. */
export const ASSESSMENT_COMPLETED_TOPIC = 'essay.assessment.completed';
/** Event out: every essay of the batch is assessed. */
export const BATCH_COMPLETED_TOPIC = 'batch.completed';

/** An essay and its text. */
export interface BatchEssay {
  essay_id: string;
  text: string;
}

/** The data of `batch.registered`. */
export interface BatchRegisteredData {
  batch_id: string;
  essays: BatchEssay[];
}

/** The data of `essay.assessment.requested` (the CJ assessment service's contract). */
export interface AssessmentRequestedData {
  batch_id: string;
  essay_id: string;
  text: string;
  comparison_essays: BatchEssay[];
}

/** The data of `essay.assessment.completed` (the CJ assessment service's contract). */
export interface AssessmentCompletedData {
  batch_id: string;
  essay_id: string;
  score: number;
  wins: number;
  comparisons: number;
}

/** The data of `batch.completed`: every essay's score, best first. */
export interface BatchCompletedData {
  batch_id: string;
  essay_count: number;
  results: { essay_id: string; score: number }[];
}

export type BatchRegisteredEvent = EventEnvelope<BatchRegisteredData>;
export type AssessmentCompletedEvent = EventEnvelope<AssessmentCompletedData>;
