import { createHash } from 'node:crypto';
import type { Judgement, JudgementRequest } from './judgement.types.js';

/** The name the stand-in model answers under. */
export const STAND_IN_MODEL = 'stand-in-length-v1';

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/**
 * A deterministic stand-in for a model's comparative judgement: the essay with more words wins; at
 * equal length, the one whose id hashes lower (SHA-256 of the essay id), so the same
 * pair always gets the same answer whatever order its essays come in.
 */
export function judgeEssays(request: JudgementRequest): Judgement {
  const { essay_a: a, essay_b: b } = request;
  const lengthA = wordCount(a.text);
  const lengthB = wordCount(b.text);
  if (lengthA !== lengthB) {
    const [winner, loser] = lengthA > lengthB ? [a, b] : [b, a];
    return {
      pair_id: request.pair_id,
      winner_id: winner.essay_id,
      loser_id: loser.essay_id,
      reason: 'length',
      model: STAND_IN_MODEL,
    };
  }
  const hash = (essayId: string): string => createHash('sha256').update(essayId).digest('hex');
  const [winner, loser] = hash(a.essay_id) <= hash(b.essay_id) ? [a, b] : [b, a];
  return {
    pair_id: request.pair_id,
    winner_id: winner.essay_id,
    loser_id: loser.essay_id,
    reason: 'tiebreak',
    model: STAND_IN_MODEL,
  };
}
