/** The LLM provider's request/reply topic (its reply topic is `llm.judgement.requested.reply`). */
export const JUDGEMENT_REQUESTED_TOPIC = 'llm.judgement.requested';

/** One essay of a pair, as the LLM provider reads it. */
export interface JudgedEssay {
  essay_id: string;
  text: string;
}

/** A request for the judgement of one pair (the LLM provider's contract). */
export interface JudgementRequest {
  pair_id: string;
  essay_a: JudgedEssay;
  essay_b: JudgedEssay;
}

/** The LLM provider's judgement of one pair. */
export interface Judgement {
  pair_id: string;
  winner_id: string;
  loser_id: string;
  reason: string;
  model: string;
}
