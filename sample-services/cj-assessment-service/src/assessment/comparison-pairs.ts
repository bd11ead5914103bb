import type { JudgementRequest } from '../llm/judgement.contract.js';
import type { AssessmentRequestedData } from './assessment.events.js';

/** The pairs to judge: the essay against each other essay of its batch (itself left out), in order. */
export function comparisonPairs(request: AssessmentRequestedData): JudgementRequest[] {
  const essay = { essay_id: request.essay_id, text: request.text };
  return request.comparison_essays
    .filter((other) => other.essay_id !== request.essay_id)
    .map((other) => ({ pair_id: `${essay.essay_id}:${other.essay_id}`, essay_a: essay, essay_b: other }));
}

/** Win counting: the share of its comparisons the essay won; 1 for an essay with none. */
export function winRate(essayId: string, winners: readonly string[]): { score: number; wins: number } {
  const wins = winners.filter((winner) => winner === essayId).length;
  return { score: winners.length === 0 ? 1 : wins / winners.length, wins };
}
