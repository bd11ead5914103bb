import { describe, expect, it } from '@jest/globals';
import { STAND_IN_MODEL, judgeEssays } from './judge-essays.js';

describe('judgeEssays', () => {
  it('lets the essay with more words win', () => {
    const judgement = judgeEssays({
      pair_id: 'p',
      essay_a: { essay_id: 'a', text: 'one two three' },
      essay_b: { essay_id: 'b', text: 'one two' },
    });
    expect(judgement).toEqual({ pair_id: 'p', winner_id: 'a', loser_id: 'b', reason: 'length', model: STAND_IN_MODEL });
  });

  it('breaks a tie by hash, the same whichever order the essays come in', () => {
    const forward = judgeEssays({
      pair_id: 'p',
      essay_a: { essay_id: 'a', text: 'same length' },
      essay_b: { essay_id: 'b', text: 'equal words' },
    });
    const backward = judgeEssays({
      pair_id: 'p',
      essay_a: { essay_id: 'b', text: 'equal words' },
      essay_b: { essay_id: 'a', text: 'same length' },
    });
    expect(forward.reason).toBe('tiebreak');
    expect(backward).toEqual(forward);
  });
});
