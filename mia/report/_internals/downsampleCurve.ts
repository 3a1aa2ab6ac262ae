/**
 * Thins a ROC curve for plotting on a log FPR axis. Points are sorted by (FPR, TPR); the FPR range
 * [floor, 1] is cut into log-spaced bins and each bin keeps its first and last point, so the low-FPR
 * end (where membership-inference results are read, Carlini et al. 2022, "Membership Inference Attacks
 * From First Principles", §III) keeps its resolution while the dense high-FPR end is thinned. Every
 * FPR at or below `floor` falls in the first bin, which keeps the lowest and highest TPR at FPR ≈ 0.
 */
export function downsampleCurve(
  fpr: ArrayLike<number>,
  tpr: ArrayLike<number>,
  maxPoints: number,
  floor: number,
): { fpr: number[]; tpr: number[] } {
  const n = fpr.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fpr[a] - fpr[b] || tpr[a] - tpr[b]);
  if (n <= maxPoints) return { fpr: order.map((i) => fpr[i]), tpr: order.map((i) => tpr[i]) };
  const bins = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const logFloor = Math.log(floor);
  const binOf = (x: number): number =>
    x <= floor ? 0 : Math.min(bins - 1, Math.floor(((Math.log(x) - logFloor) / -logFloor) * bins));
  const keep = new Set<number>([0, n - 1]);
  let previous = -1;
  for (let k = 0; k < n; k++) {
    const bin = binOf(fpr[order[k]]);
    if (bin !== previous) {
      if (k > 0) keep.add(k - 1); // last point of the previous bin
      keep.add(k); // first point of this bin
      previous = bin;
    }
  }
  const kept = [...keep].sort((a, b) => a - b);
  return { fpr: kept.map((k) => fpr[order[k]]), tpr: kept.map((k) => tpr[order[k]]) };
}
