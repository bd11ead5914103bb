import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';

/** Command: assess one essay against the others of its batch. */
export const ASSESSMENT_REQUESTED_TOPIC = 'essay.assessment.requested';
/** Event: one essay's assessment is done. */
export const ASSESSMENT_COMPLETED_TOPIC = 'essay.assessment.completed';

/** An essay and its text. */
export interface AssessedEssay {
  essay_id: string;
  text: string;
}

/** The data of `essay.assessment.requested`. */
export interface AssessmentRequestedData {
  batch_id: string;
  essay_id: string;
  text: string;
  /** The batch's other essays, each compared with this one. */
  comparison_essays: AssessedEssay[];
}

/** The data of `essay.assessment.completed`. */
export interface AssessmentCompletedData {
  batch_id: string;
  essay_id: string;
  /** Share of comparisons won, 0 to 1 (1 when there was nothing to compare with). */
  score: number;
  wins: number;
  comparisons: number;
}

export type AssessmentRequestedEvent = EventEnvelope<AssessmentRequestedData>;
