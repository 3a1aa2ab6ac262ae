/** Every headline metric of a membership-inference attack, from one sort of its scores. */
import { aucFromSplit, rocFromSplit, splitScores } from './_internals/tieGroups.js';
import type { RocCurve } from './rocCurve.js';
import { tprAtFpr } from './tprAtFpr.js';
import { membershipAdvantage } from './membershipAdvantage.js';
import { balancedAccuracy } from './balancedAccuracy.js';
import { invalid, requireArrayLike, requireFraction, requireOptions, show } from '../../accountant/index.js';

/** Options of {@link summarizeAttack}. */
export interface SummarizeAttackOptions {
  /**
   * Class label of each example (integers, same length as the scores). When given, the summary has
   * a `perClass` slice for each distinct label, ascending. @defaultValue undefined (no slices)
   */
  readonly labels?: ArrayLike<number>;
  /**
   * Target FPRs for `tprAtFpr`, each in [0, 1]. Low FPRs are the ones that matter for privacy
   * (Carlini et al. 2022, arXiv 2112.03570). @defaultValue [0.001, 0.01, 0.1]
   */
  readonly fprs?: readonly number[];
}

/** The attack's metrics on the examples of one class. */
export interface AttackClassSummary {
  /** The class label. */
  readonly label: number;
  /** Number of members with this label. */
  readonly members: number;
  /** Number of non-members with this label. */
  readonly nonMembers: number;
  /** AUC on this class; null when it has no members or no non-members. */
  readonly auc: number | null;
  /** Membership advantage on this class; null when it has no members or no non-members. */
  readonly advantage: number | null;
}

/** The headline metrics of one attack. */
export interface AttackSummary {
  /** Area under the ROC curve (Mann–Whitney, ties ½); see `auc`. */
  readonly auc: number;
  /** TPR at each requested FPR, keyed by `String(fpr)`, e.g. "0.001"; see `tprAtFpr`. */
  readonly tprAtFpr: Record<string, number>;
  /** max TPR − FPR; see `membershipAdvantage`. */
  readonly advantage: number;
  /** max (TPR + 1 − FPR) / 2 = ½ + advantage / 2; see `balancedAccuracy`. */
  readonly balancedAccuracy: number;
  /** The full exact ROC curve; see `rocCurve` (and `downsampleRoc` before plotting it). */
  readonly roc: RocCurve;
  /** Per-class slices, present when `labels` was given. */
  readonly perClass?: AttackClassSummary[];
}

const DEFAULT_FPRS: readonly number[] = [0.001, 0.01, 0.1];

/**
 * Summarises an attack: exact ROC curve, AUC, TPR at fixed low FPRs, membership advantage, balanced
 * accuracy, and optionally the AUC and advantage within each class (attacks are often much stronger
 * on some classes than on others).
 *
 * @param scores - one attack score per example; higher = more likely a member; no NaN.
 * @param isMember - `true`/`1` for members, `false`/`0` for non-members; same length as `scores`.
 * @param options - see {@link SummarizeAttackOptions}.
 * @returns the summary; `tprAtFpr` has exactly the keys `String(fpr)` for the requested FPRs.
 * @throws PrivkitError `INVALID_ARGUMENT` on the inputs `rocCurve` refuses, an FPR outside [0, 1],
 *   labels of another length or not integers, or `options` that is not an object.
 * @example
 * ```ts
 * const summary = summarizeAttack(result.scores, isMember, { labels: data.labels });
 * console.log(summary.auc, summary.tprAtFpr['0.001']);
 * ```
 */
export function summarizeAttack(
  scores: ArrayLike<number>,
  isMember: ArrayLike<boolean | number>,
  options: SummarizeAttackOptions = {},
): AttackSummary {
  requireOptions('options', options);
  const fprs = options.fprs ?? DEFAULT_FPRS;
  requireArrayLike('fprs', fprs);
  for (let i = 0; i < fprs.length; i++) requireFraction(`fprs[${i}]`, fprs[i]);
  const split = splitScores(scores, isMember);
  const labels = options.labels;
  if (labels !== undefined) {
    requireArrayLike('labels', labels);
    if (labels.length !== scores.length) {
      invalid(`\`labels\` must have the same length as \`scores\` (${scores.length}); got ${labels.length}.`, {
        field: 'labels',
        expected: scores.length,
        value: labels.length,
      });
    }
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isInteger(labels[i])) {
        invalid(`\`labels[${i}]\` must be an integer; got ${show(labels[i])}.`, { field: 'labels', index: i, value: labels[i] });
      }
    }
  }

  const roc = rocFromSplit(split);
  const tprs: Record<string, number> = {};
  for (const fpr of fprs) tprs[String(fpr)] = tprAtFpr(roc, fpr);
  const advantage = membershipAdvantage(roc);
  const summary: AttackSummary = {
    auc: aucFromSplit(split),
    tprAtFpr: tprs,
    advantage,
    balancedAccuracy: balancedAccuracy(roc),
    roc,
  };
  return labels === undefined ? summary : { ...summary, perClass: summarizeClasses(scores, isMember, labels) };
}

function summarizeClasses(
  scores: ArrayLike<number>,
  isMember: ArrayLike<boolean | number>,
  labels: ArrayLike<number>,
): AttackClassSummary[] {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const indices = byLabel.get(labels[i]);
    if (indices === undefined) byLabel.set(labels[i], [i]);
    else indices.push(i);
  }
  return [...byLabel.keys()]
    .sort((a, b) => a - b)
    .map((label) => {
      const indices = byLabel.get(label) as number[];
      const classScores = new Float64Array(indices.length);
      const classMembers = new Uint8Array(indices.length);
      let members = 0;
      indices.forEach((index, k) => {
        classScores[k] = scores[index];
        const m = isMember[index] === true || isMember[index] === 1;
        classMembers[k] = m ? 1 : 0;
        if (m) members++;
      });
      const nonMembers = indices.length - members;
      if (members === 0 || nonMembers === 0) return { label, members, nonMembers, auc: null, advantage: null };
      const split = splitScores(classScores, classMembers);
      return { label, members, nonMembers, auc: aucFromSplit(split), advantage: membershipAdvantage(rocFromSplit(split)) };
    });
}
