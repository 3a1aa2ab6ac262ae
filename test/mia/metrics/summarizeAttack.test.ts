import { describe, expect, it } from 'vitest';
import {
  auc,
  balancedAccuracy,
  membershipAdvantage,
  rocCurve,
  summarizeAttack,
  tprAtFpr,
} from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';

function sample(n: number, seed: number): { scores: number[]; isMember: number[]; labels: number[] } {
  const rand = mulberry32(seed);
  const scores: number[] = [];
  const isMember: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const member = rand() < 0.5 ? 1 : 0;
    const label = Math.floor(rand() * 3);
    // Class 2 leaks more: members of class 2 score much higher.
    scores.push(rand() + member * (label === 2 ? 1 : 0.2));
    isMember.push(member);
    labels.push(label);
  }
  return { scores, isMember, labels };
}

describe('summarizeAttack', () => {
  it('reports the same numbers as the individual metrics, under the default FPR keys', () => {
    const { scores, isMember } = sample(3000, 1);
    const summary = summarizeAttack(scores, isMember);
    const roc = rocCurve(scores, isMember);

    expect(Object.keys(summary.tprAtFpr)).toEqual(['0.001', '0.01', '0.1']);
    expect(summary.tprAtFpr['0.001']).toBe(tprAtFpr(roc, 0.001));
    expect(summary.tprAtFpr['0.01']).toBe(tprAtFpr(roc, 0.01));
    expect(summary.tprAtFpr['0.1']).toBe(tprAtFpr(roc, 0.1));
    expect(summary.auc).toBe(auc(scores, isMember));
    expect(summary.advantage).toBe(membershipAdvantage(roc));
    expect(summary.balancedAccuracy).toBe(balancedAccuracy(roc));
    expect(Array.from(summary.roc.tpr)).toEqual(Array.from(roc.tpr));
    expect(summary.perClass).toBeUndefined();
    expect(summary.auc).toBeGreaterThan(0.55);
  });

  it('uses the requested FPRs as String(fpr) keys', () => {
    const summary = summarizeAttack([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0], { fprs: [0, 0.5, 1e-4] });
    expect(summary.tprAtFpr).toEqual({ '0': 0.5, '0.5': 1, '0.0001': 0.5 });
    expect(summarizeAttack([0.9, 0.1], [1, 0], { fprs: [] }).tprAtFpr).toEqual({});
  });

  it('slices by class, ascending, with null metrics when a class lacks members or non-members (hand-computed)', () => {
    // Class 0: members 0.9, 0.4; non-members 0.5 → pairs (0.9 > 0.5), (0.4 < 0.5) → AUC ½;
    //          points (0,0), (0,½), (1,½), (1,1) → advantage ½.
    // Class 1: only non-members → nulls. Class 5: one member 0.3, one non-member 0.3 → AUC ½, advantage 0.
    // Class 7: only members → nulls.
    const scores = [0.9, 0.5, 0.4, 0.2, 0.1, 0.3, 0.3, 0.7, 0.6];
    const isMember = [1, 0, 1, 0, 0, 1, 0, 1, 1];
    const labels = [0, 0, 0, 1, 1, 5, 5, 7, 7];
    const summary = summarizeAttack(scores, isMember, { labels: new Int32Array(labels) });
    expect(summary.perClass).toEqual([
      { label: 0, members: 2, nonMembers: 1, auc: 0.5, advantage: 0.5 },
      { label: 1, members: 0, nonMembers: 2, auc: null, advantage: null },
      { label: 5, members: 1, nonMembers: 1, auc: 0.5, advantage: 0 },
      { label: 7, members: 2, nonMembers: 0, auc: null, advantage: null },
    ]);
  });

  it('per-class metrics match the metrics on the class subset', () => {
    const { scores, isMember, labels } = sample(2000, 2);
    const summary = summarizeAttack(scores, isMember, { labels });
    expect(summary.perClass?.map((c) => c.label)).toEqual([0, 1, 2]);
    for (const slice of summary.perClass ?? []) {
      const idx = labels.flatMap((l, i) => (l === slice.label ? [i] : []));
      const s = idx.map((i) => scores[i]);
      const m = idx.map((i) => isMember[i]);
      expect(slice.members + slice.nonMembers).toBe(idx.length);
      expect(slice.auc).toBe(auc(s, m));
      expect(slice.advantage).toBe(membershipAdvantage(rocCurve(s, m)));
    }
    // The leaky class is visibly the most vulnerable.
    const [c0, c1, c2] = summary.perClass ?? [];
    expect(c2.auc).toBeGreaterThan(Math.max(c0.auc ?? 1, c1.auc ?? 1));
  });

  it('refuses bad options with INVALID_ARGUMENT', () => {
    const scores = [0.9, 0.8, 0.1];
    const isMember = [1, 0, 0];
    expectInvalid(() => summarizeAttack(scores, isMember, { fprs: [0.1, 1.5] }), /^`fprs\[1\]` must be in \[0, 1\]; got 1\.5\.$/);
    expectInvalid(() => summarizeAttack(scores, isMember, { labels: [0, 1] }), /`labels` must have the same length as `scores` \(3\); got 2\./);
    expectInvalid(() => summarizeAttack(scores, isMember, { labels: [0, 0.5, 1] }), /`labels\[1\]` must be an integer; got 0\.5\./);
    expectInvalid(() => summarizeAttack(scores, [1, 1, 1]), /at least one member and one non-member/);
  });
});
