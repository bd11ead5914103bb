import type { BatchReportData, BatchReportEssay } from './result.events.js';

/** What is stored of one essay of a batch. */
export interface EssayResults {
  essay_id: string;
  spellcheck?: { status: 'completed' | 'failed'; word_count: number | null; error_count: number | null };
  assessment?: { score: number; wins: number; comparisons: number };
}

/** Where a batch stands: its size, the results in (two per essay at most), and its report once complete. */
export interface BatchProgress {
  size: number;
  resultCount: number;
  report: BatchReportData | undefined;
}

/**
 * The progress of a batch from its essays' results: the report only when every essay has both a
 * spellcheck and an assessment result. Essays best score first, then by id.
 */
export function batchProgress(batchId: string, essays: readonly EssayResults[]): BatchProgress {
  const resultCount = essays.reduce(
    (count, essay) => count + (essay.spellcheck ? 1 : 0) + (essay.assessment ? 1 : 0),
    0,
  );
  const size = essays.length;
  if (resultCount < 2 * size) return { size, resultCount, report: undefined };
  const rows: BatchReportEssay[] = essays
    .map(({ essay_id, spellcheck, assessment }) => ({
      essay_id,
      score: assessment!.score,
      wins: assessment!.wins,
      comparisons: assessment!.comparisons,
      spellcheck_status: spellcheck!.status,
      word_count: spellcheck!.word_count,
      error_count: spellcheck!.error_count,
    }))
    .sort((a, b) => b.score - a.score || a.essay_id.localeCompare(b.essay_id));
  return {
    size,
    resultCount,
    report: { batch_id: batchId, essay_count: size, result_count: resultCount, essays: rows },
  };
}
