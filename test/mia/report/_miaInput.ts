/** A synthetic membership-inference result for the report tests: Gaussian scores, exact ROC. */
import { mulberry32 } from '../../_support/prng.js';
import type { MiaAttackReport, MiaReportInput } from '../../../mia/report/index.js';

function gaussians(rand: () => number, n: number, mean: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** Empirical ROC (one point per threshold, FPR ascending) and AUC of scores, higher = member. */
export function roc(members: ArrayLike<number>, nonMembers: ArrayLike<number>): { fpr: Float64Array; tpr: Float64Array; auc: number } {
  const all = [...Array.from(members, (s) => [s, 1] as const), ...Array.from(nonMembers, (s) => [s, 0] as const)].sort((a, b) => b[0] - a[0]);
  const fpr = new Float64Array(all.length + 1);
  const tpr = new Float64Array(all.length + 1);
  let tp = 0;
  let fp = 0;
  let auc = 0;
  all.forEach(([, isMember], i) => {
    if (isMember) tp++;
    else {
      fp++;
      auc += tp;
    }
    fpr[i + 1] = fp / nonMembers.length;
    tpr[i + 1] = tp / members.length;
  });
  return { fpr, tpr, auc: auc / (members.length * nonMembers.length) };
}

function attack(name: string, rand: () => number, n: number, shift: number, perClass: boolean): MiaAttackReport {
  const memberScores = gaussians(rand, n, shift);
  const nonMemberScores = gaussians(rand, n, 0);
  const curve = roc(memberScores, nonMemberScores);
  const tprAt = (f: number): number => {
    let best = 0;
    curve.fpr.forEach((x, i) => {
      if (x <= f) best = Math.max(best, curve.tpr[i]);
    });
    return best;
  };
  let advantage = 0;
  curve.fpr.forEach((x, i) => (advantage = Math.max(advantage, curve.tpr[i] - x)));
  return {
    name,
    auc: curve.auc,
    tprAtFpr: { '0.001': tprAt(0.001), '0.01': tprAt(0.01), '0.1': tprAt(0.1) },
    advantage,
    roc: { fpr: curve.fpr, tpr: curve.tpr },
    memberScores,
    nonMemberScores,
    ...(perClass
      ? { perClass: [{ label: 0, members: n / 2, nonMembers: n / 2, auc: curve.auc, advantage }, { label: 1, members: n / 2, nonMembers: n / 2, auc: null, advantage: null }] }
      : {}),
  };
}

/** Two attacks (`lira` stronger than `loss`) on n members and n non-members. */
export function miaInput(n = 500, seed = 7, perClass = true): MiaReportInput {
  const rand = mulberry32(seed);
  return {
    attacks: [attack('lira', rand, n, 1.5, perClass), attack('loss', rand, n, 0.4, perClass)],
    members: n,
    nonMembers: n,
    shadowModels: 16,
    settings: { dataset: 'mnist', epochs: 10, noiseMultiplier: 1.1, epsilon: Infinity },
  };
}
