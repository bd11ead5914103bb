import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';

/** Topics the lifecycle service consumes and publishes. */
export const EssayTopics = {
  UPLOADED: 'essay.uploaded',
  SPELLCHECK_REQUESTED: 'essay.spellcheck.requested',
  SPELLCHECK_COMPLETED: 'essay.spellcheck.completed',
} as const;

/** `data` of `essay.uploaded` (published by the file service). */
export interface EssayUploadedData {
  essay_id: string;
  file_id?: string;
  content_id?: string;
  content_type?: string;
  text: string;
}

/** `data` of `essay.spellcheck.requested` (consumed by the spellchecker). */
export interface SpellcheckRequestedData {
  essay_id: string;
  language: string;
  text: string;
}

/** `data` of `essay.spellcheck.completed` (published by the spellchecker). */
export interface SpellcheckCompletedData {
  essay_id: string;
  status: 'completed' | 'failed';
  word_count?: number;
  error_count?: number;
  /** Why the spellcheck failed, when it did. */
  error?: string;
}

export type EssayUploadedEvent = EventEnvelope<EssayUploadedData>;
export type SpellcheckCompletedEvent = EventEnvelope<SpellcheckCompletedData>;
