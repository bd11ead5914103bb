import { describe, expect, it } from '@jest/globals';
import { batchProgress } from './batch-report.js';

const spellcheck = { status: 'completed' as const, word_count: 10, error_count: 1 };
const assessment = (score: number) => ({ score, wins: score * 2, comparisons: 2 });

describe('batchProgress', () => {
  it('counts the results in and makes no report while one is missing', () => {
    expect(
      batchProgress('b1', [
        { essay_id: 'e1', spellcheck, assessment: assessment(1) },
        { essay_id: 'e2', spellcheck },
      ]),
    ).toEqual({ size: 2, resultCount: 3, report: undefined });
  });

  it('reports a complete batch, best score first and ties by essay id', () => {
    const failed = { status: 'failed' as const, word_count: null, error_count: null };
    const progress = batchProgress('b1', [
      { essay_id: 'e2', spellcheck, assessment: assessment(0.5) },
      { essay_id: 'e3', spellcheck: failed, assessment: assessment(1) },
      { essay_id: 'e1', spellcheck, assessment: assessment(0.5) },
    ]);
    expect(progress.resultCount).toBe(6);
    expect(progress.report).toEqual({
      batch_id: 'b1',
      essay_count: 3,
      result_count: 6,
      essays: [
        {
          essay_id: 'e3',
          score: 1,
          wins: 2,
          comparisons: 2,
          spellcheck_status: 'failed',
          word_count: null,
          error_count: null,
        },
        {
          essay_id: 'e1',
          score: 0.5,
          wins: 1,
          comparisons: 2,
          spellcheck_status: 'completed',
          word_count: 10,
          error_count: 1,
        },
        {
          essay_id: 'e2',
          score: 0.5,
          wins: 1,
          comparisons: 2,
          spellcheck_status: 'completed',
          word_count: 10,
          error_count: 1,
        },
      ],
    });
  });

  it('reports an empty batch at once', () => {
    expect(batchProgress('b0', []).report).toEqual({ batch_id: 'b0', essay_count: 0, result_count: 0, essays: [] });
  });
});
