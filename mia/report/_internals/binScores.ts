/** One bar of a two-group histogram. */
export interface HistogramBin {
  group: string;
  start: number;
  end: number;
  count: number;
  /** count / (scores in the group that are not NaN). */
  share: number;
}

/**
 * Bins two groups of scores on common, equal-width bins spanning the finite scores of both, so a
 * histogram spec carries at most `2 · bins` records however many scores there are. `NaN` is left
 * out; `±Infinity` is counted in the outermost bins (a score of `Infinity` is "more member-like than
 * any finite score", which is where the last bin is).
 */
export function binScores(
  groups: readonly { name: string; scores: ArrayLike<number> }[],
  bins: number,
): HistogramBin[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { scores } of groups) {
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (Number.isFinite(s)) {
        if (s < lo) lo = s;
        if (s > hi) hi = s;
      }
    }
  }
  if (lo > hi) [lo, hi] = [0, 0];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const out: HistogramBin[] = [];
  for (const { name, scores } of groups) {
    const counts = new Array<number>(bins).fill(0);
    let total = 0;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (Number.isNaN(s)) continue;
      total++;
      counts[Math.min(bins - 1, Math.max(0, Math.floor((s - lo) / width)))]++;
    }
    for (let b = 0; b < bins; b++) {
      out.push({ group: name, start: lo + b * width, end: b === bins - 1 ? hi : lo + (b + 1) * width, count: counts[b], share: total > 0 ? counts[b] / total : 0 });
    }
  }
  return out;
}
