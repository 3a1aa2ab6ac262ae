/**
 * The one pass every exact metric shares: validate (scores, membership), split the scores into
 * members and non-members, sort each, and walk the distinct scores from the highest down. Each step
 * of the walk is a tie group: every example with that score changes prediction at once, which is why
 * a tie is a diagonal segment of the ROC curve (Fawcett 2006, "An introduction to ROC analysis",
 * Pattern Recognition Letters 27:861–874).
 */
import type { RocCurve } from '../rocCurve.js';
import { invalid, requireArrayLike, show } from '../../../accountant/index.js';

/** Scores split by membership, each sorted ascending (typed-array sort: numeric, no comparator). */
export interface SplitScores {
  readonly members: Float64Array;
  readonly nonMembers: Float64Array;
}

/**
 * Validates and splits. `isMember[i]` may be `true`/`false` or `1`/`0`; any other value is refused,
 * so that passing class labels or probabilities by mistake fails loudly instead of counting as members.
 */
export function splitScores(scores: ArrayLike<number>, isMember: ArrayLike<boolean | number>): SplitScores {
  requireArrayLike('scores', scores);
  requireArrayLike('isMember', isMember);
  const n = scores.length;
  if (isMember.length !== n) {
    invalid(`\`isMember\` must have the same length as \`scores\` (${n}); got ${isMember.length}.`, {
      field: 'isMember',
      expected: n,
      value: isMember.length,
    });
  }
  let numMembers = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || Number.isNaN(s)) {
      invalid(`\`scores\` must be numbers, not NaN; got ${show(s)} at index ${i}.`, { field: 'scores', index: i, value: s });
    }
    const m = isMember[i];
    if (m === true || m === 1) numMembers++;
    else if (m !== false && m !== 0) {
      invalid(`\`isMember[${i}]\` must be true, false, 1 or 0; got ${show(m)}.`, { field: 'isMember', index: i, value: m });
    }
  }
  const numNonMembers = n - numMembers;
  if (numMembers === 0 || numNonMembers === 0) {
    invalid(
      `\`isMember\` must mark at least one member and one non-member; got ${numMembers} members and ${numNonMembers} non-members.`,
      { field: 'isMember', members: numMembers, nonMembers: numNonMembers },
    );
  }
  const members = new Float64Array(numMembers);
  const nonMembers = new Float64Array(numNonMembers);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    const m = isMember[i];
    if (m === true || m === 1) members[p++] = scores[i];
    else nonMembers[q++] = scores[i];
  }
  members.sort();
  nonMembers.sort();
  return { members, nonMembers };
}

/**
 * Calls `visit(threshold, members, nonMembers)` for each distinct score, highest first, with the
 * number of members and non-members that have exactly that score. `===` groups -0 with +0.
 */
export function forEachTieGroup(
  split: SplitScores,
  visit: (threshold: number, members: number, nonMembers: number) => void,
): void {
  const p = split.members;
  const q = split.nonMembers;
  let i = p.length - 1;
  let j = q.length - 1;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? q[j] : j < 0 ? p[i] : Math.max(p[i], q[j]);
    let dp = 0;
    let dn = 0;
    while (i >= 0 && p[i] === t) {
      i--;
      dp++;
    }
    while (j >= 0 && q[j] === t) {
      j--;
      dn++;
    }
    visit(t, dp, dn);
  }
}

/** The exact empirical ROC curve of a split; see `rocCurve`. */
export function rocFromSplit(split: SplitScores): RocCurve {
  const numMembers = split.members.length;
  const numNonMembers = split.nonMembers.length;
  const capacity = numMembers + numNonMembers + 1;
  const fpr = new Float64Array(capacity);
  const tpr = new Float64Array(capacity);
  const thresholds = new Float64Array(capacity);
  thresholds[0] = Infinity;
  let k = 1;
  let tp = 0;
  let fp = 0;
  forEachTieGroup(split, (t, dp, dn) => {
    tp += dp;
    fp += dn;
    // Counts divided once, not accumulated, so the last point is exactly (1, 1).
    fpr[k] = fp / numNonMembers;
    tpr[k] = tp / numMembers;
    thresholds[k] = t;
    k++;
  });
  return { fpr: fpr.slice(0, k), tpr: tpr.slice(0, k), thresholds: thresholds.slice(0, k) };
}

/**
 * AUC as the Mann–Whitney U statistic over (member, non-member) pairs, ties counted ½: per tie group
 * with dp members and dn non-members, the members beat every non-member scored lower and tie with
 * the dn, so U = Σ dp·(#non-members below) + ½·dp·dn. This is the midrank form of the rank-sum
 * statistic (Hanley & McNeil 1982, Radiology 143:29–36). Counted doubled, so the sum stays an exact
 * integer while 2·|members|·|non-members| < 2^53.
 */
export function aucFromSplit(split: SplitScores): number {
  const numMembers = split.members.length;
  const numNonMembers = split.nonMembers.length;
  let nonMembersBelow = numNonMembers;
  let twiceU = 0;
  forEachTieGroup(split, (_t, dp, dn) => {
    nonMembersBelow -= dn;
    twiceU += dp * (2 * nonMembersBelow + dn);
  });
  return twiceU / (2 * numMembers * numNonMembers);
}
