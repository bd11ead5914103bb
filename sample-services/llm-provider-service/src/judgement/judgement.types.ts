/** Request/reply topic: a judgement of one pair, answered at once. */
export const JUDGEMENT_REQUESTED_TOPIC = 'llm.judgement.requested';
/** Event: a judgement to make later; its answer is published as `llm.judgement.completed`. */
export const JUDGEMENT_QUEUED_TOPIC = 'llm.judgement.queued';
/** Event: the answer to a queued judgement. */
export const JUDGEMENT_COMPLETED_TOPIC = 'llm.judgement.completed';

/** One essay of a pair. */
export interface JudgedEssay {
  essay_id: string;
  text: string;
}

/** Which of two essays is better: the payload of `llm.judgement.requested` and the data of `llm.judgement.queued`. */
export interface JudgementRequest {
  /** The requester's id for this pair (`{essayA}:{essayB}`, say); echoed in the judgement. */
  pair_id: string;
  essay_a: JudgedEssay;
  essay_b: JudgedEssay;
}

/** The judgement of one pair: the reply to `llm.judgement.requested`, the data of `llm.judgement.completed`. */
export interface Judgement {
  pair_id: string;
  winner_id: string;
  loser_id: string;
  /** Why the winner won: `length` (more words) or `tiebreak` (equal length, decided by a hash). */
  reason: 'length' | 'tiebreak';
  /** The stand-in model's name. */
  model: string;
}
