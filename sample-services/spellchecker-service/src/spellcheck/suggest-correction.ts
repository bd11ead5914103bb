const MAX_EDITS = 2;

/**
 * Edit distance between `a` and `b` counting insertions, deletions, substitutions and swaps of two
 * neighbouring letters (`teh` is one edit from `the`): the optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

/** Lower ranks first: fewer edits, then the same first letter, then the closer length. */
function rank(word: string, candidate: string): [number, number, number] {
  return [editDistance(word, candidate), candidate[0] === word[0] ? 0 : 1, Math.abs(candidate.length - word.length)];
}

function isBetter(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/**
 * The dictionary word closest to `word`, at most two edits away (ties: same first letter, then
 * closer length, then the word listed first). Undefined when nothing is that close.
 */
export function suggestCorrection(word: string, dictionary: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestRank: [number, number, number] = [MAX_EDITS + 1, 0, 0];
  for (const candidate of dictionary) {
    if (Math.abs(candidate.length - word.length) > MAX_EDITS) continue;
    const candidateRank = rank(word, candidate);
    if (isBetter(candidateRank, bestRank)) {
      best = candidate;
      bestRank = candidateRank;
    }
  }
  return best;
}
