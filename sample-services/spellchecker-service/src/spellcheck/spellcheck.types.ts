/** A word the dictionary does not know, where it stands in the essay, and the nearest known word. */
export interface Misspelling {
  /** The word as tokenized (lower case). */
  word: string;
  /** Its index among the essay's words, from 0. */
  position: number;
  /** The closest dictionary word (at most two edits away), if there is one. */
  suggestion?: string;
}

/** The outcome of spellchecking one essay. */
export interface SpellcheckResult {
  essayId: string;
  wordCount: number;
  misspellings: Misspelling[];
}
