/** Where an essay is in the pipeline. */
export type EssayState = 'uploaded' | 'spellchecking' | 'assessing' | 'completed' | 'failed';

/** The states each state may move to; `completed` and `failed` are final. */
export const ESSAY_TRANSITIONS: Readonly<Record<EssayState, readonly EssayState[]>> = {
  uploaded: ['spellchecking', 'failed'],
  spellchecking: ['assessing', 'failed'],
  assessing: ['completed', 'failed'],
  completed: [],
  failed: [],
};

/** One essay as the lifecycle service knows it. */
export interface EssayRecord {
  essayId: string;
  state: EssayState;
  /** The correlation id of the upload that started it. */
  correlationId: string;
  /** Misspellings the spellchecker found, once it has answered. */
  spellcheckErrorCount?: number;
}
