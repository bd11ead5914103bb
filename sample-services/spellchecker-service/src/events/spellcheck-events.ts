import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';

/** The topic the spellchecker consumes: requests from the essay lifecycle service. */
export const SPELLCHECK_REQUESTED_TOPIC = 'essay.spellcheck.requested';
/** The topic the spellchecker publishes its results to. */
export const SPELLCHECK_COMPLETED_TOPIC = 'essay.spellcheck.completed';

/** `data` of `essay.spellcheck.requested`. */
export interface SpellcheckRequestedData {
  essay_id: string;
  /** Only `en` is supported. */
  language?: string;
  text: string;
}

/** `data` of `essay.spellcheck.completed`: counts only, never the essay's words. */
export interface SpellcheckCompletedData {
  essay_id: string;
  status: 'completed' | 'failed';
  word_count?: number;
  error_count?: number;
  /** The error's name when the essay could not be checked (`EmptyEssayError`). */
  error?: string;
}

export type SpellcheckRequestedEvent = EventEnvelope<SpellcheckRequestedData>;
