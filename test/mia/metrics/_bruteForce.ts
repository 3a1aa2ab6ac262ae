/**
 * Independent, deliberately naive computations the metrics are checked against: every threshold
 * tried, every (member, non-member) pair counted. O(n²); small inputs only.
 */
import fc from 'fast-check';
import type { RocCurve } from '../../../mia/metrics/index.js';

/** A labelled score set with at least one member and one non-member. */
export interface Labelled {
  readonly scores: number[];
  readonly isMember: boolean[];
}

/**
 * Random labelled scores with many ties: scores drawn from `distinct` values (quarter steps), so
 * tie blocks mixing members and non-members are common.
 */
export function labelledScores(options: { maxLength?: number; distinct?: number } = {}): fc.Arbitrary<Labelled> {
  const distinct = options.distinct ?? 6;
  return fc
    .array(fc.tuple(fc.integer({ min: 0, max: distinct - 1 }), fc.boolean()), { minLength: 2, maxLength: options.maxLength ?? 40 })
    .filter((rows) => rows.some(([, m]) => m) && rows.some(([, m]) => !m))
    .map((rows) => ({ scores: rows.map(([s]) => s / 4), isMember: rows.map(([, m]) => m) }));
}

/** (FPR, TPR) of the rule "member when score ≥ t"; t = +Infinity predicts no one. */
export function pointAt(data: Labelled, t: number): { fpr: number; tpr: number } {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  data.scores.forEach((s, i) => {
    if (data.isMember[i]) pos++;
    if (t !== Infinity && s >= t) {
      if (data.isMember[i]) tp++;
      else fp++;
    }
  });
  return { fpr: fp / (data.scores.length - pos), tpr: tp / pos };
}

/** +Infinity, then the distinct scores descending: every threshold that gives a different rule. */
export function allThresholds(data: Labelled): number[] {
  return [Infinity, ...[...new Set(data.scores)].sort((a, b) => b - a)];
}

/** Fraction of (member, non-member) pairs the member wins, ties ½. */
export function pairwiseAuc(data: Labelled): number {
  let wins = 0;
  let pairs = 0;
  data.scores.forEach((sm, i) => {
    if (!data.isMember[i]) return;
    data.scores.forEach((sn, j) => {
      if (data.isMember[j]) return;
      pairs++;
      wins += sm > sn ? 1 : sm === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

/** Trapezoid area under a curve. */
export function trapezoidArea(roc: RocCurve): number {
  let area = 0;
  for (let k = 1; k < roc.fpr.length; k++) area += ((roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1])) / 2;
  return area;
}

/** Fixed-seed fast-check parameters (the seed is printed on failure). */
export const PROPERTY_PARAMETERS = { seed: 20240611, numRuns: 300 } as const;
