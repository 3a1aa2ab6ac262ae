/**
 * The metrics' own input check, {@link requireRoc}; the generic checks are privkit's (accountant/index.ts).
 * Messages follow the house form "`name` must be …; got ….", and are built only on failure.
 */
import { invalid, requireArrayLike, show } from '../../../accountant/index.js';
import type { RocCurve } from '../rocCurve.js';

/**
 * Throws unless `roc` looks like a {@link RocCurve}: three arrays of one non-zero length, with FPR
 * and TPR in [0, 1] and non-decreasing (the order every curve of this module has).
 */
export function requireRoc(name: string, roc: unknown): RocCurve {
  if (roc === null || typeof roc !== 'object') {
    invalid(`\`${name}\` must be a RocCurve { fpr, tpr, thresholds }; got ${show(roc)}.`, { field: name });
  }
  const r = roc as Partial<Record<'fpr' | 'tpr' | 'thresholds', unknown>>;
  for (const key of ['fpr', 'tpr', 'thresholds'] as const) requireArrayLike(`${name}.${key}`, r[key]);
  const fpr = r.fpr as ArrayLike<number>;
  const tpr = r.tpr as ArrayLike<number>;
  const thresholds = r.thresholds as ArrayLike<number>;
  const n = fpr.length;
  if (n === 0) invalid(`\`${name}\` must have at least one point; got 0.`, { field: name });
  if (tpr.length !== n || thresholds.length !== n) {
    invalid(
      `\`${name}.fpr\`, \`${name}.tpr\` and \`${name}.thresholds\` must have the same length; got ${n}, ${tpr.length} and ${thresholds.length}.`,
      { field: name },
    );
  }
  for (const [key, values] of [
    ['fpr', fpr],
    ['tpr', tpr],
  ] as const) {
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        invalid(`\`${name}.${key}[${i}]\` must be in [0, 1]; got ${show(v)}.`, { field: `${name}.${key}`, index: i, value: v });
      }
      if (v < previous) {
        invalid(`\`${name}.${key}\` must be non-decreasing; got ${show(v)} at index ${i} after ${show(previous)}.`, {
          field: `${name}.${key}`,
          index: i,
          value: v,
        });
      }
      previous = v;
    }
  }
  return roc as RocCurve;
}
