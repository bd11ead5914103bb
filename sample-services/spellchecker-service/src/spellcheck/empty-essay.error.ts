/** The essay has no words to check (empty, blank, or punctuation only). */
export class EmptyEssayError extends Error {
  override readonly name = 'EmptyEssayError';

  constructor(readonly essayId: string) {
    super(`Essay ${essayId} has no words to spellcheck.`);
  }
}
