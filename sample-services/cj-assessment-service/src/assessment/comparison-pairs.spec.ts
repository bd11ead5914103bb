import { describe, expect, it } from '@jest/globals';
import { comparisonPairs, winRate } from './comparison-pairs.js';

describe('comparisonPairs', () => {
  it('pairs the essay with each other essay of its batch, leaving itself out', () => {
    const pairs = comparisonPairs({
      batch_id: 'b',
      essay_id: 'e2',
      text: 'two',
      comparison_essays: [
        { essay_id: 'e1', text: 'one' },
        { essay_id: 'e2', text: 'two' },
        { essay_id: 'e3', text: 'three' },
      ],
    });
    expect(pairs.map((pair) => [pair.pair_id, pair.essay_a.essay_id, pair.essay_b.essay_id])).toEqual([
      ['e2:e1', 'e2', 'e1'],
      ['e2:e3', 'e2', 'e3'],
    ]);
  });
});

describe('winRate', () => {
  it('is the share of comparisons won', () => {
    expect(winRate('a', ['a', 'b', 'a', 'c'])).toEqual({ score: 0.5, wins: 2 });
  });

  it('is 1 for an essay with nothing to compare with', () => {
    expect(winRate('a', [])).toEqual({ score: 1, wins: 0 });
  });
});
