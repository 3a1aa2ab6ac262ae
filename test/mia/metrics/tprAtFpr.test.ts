import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocCurve, tprAtFpr, type RocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { PROPERTY_PARAMETERS, allThresholds, labelledScores, pointAt } from './_bruteForce.js';

describe('tprAtFpr', () => {
  // 4 members: 5, 4, 3, 3. 10 non-members: 3, 3, then eight at 2.
  //   t = +∞ → (0, 0); t = 5 → (0, 0.25); t = 4 → (0, 0.5);
  //   t = 3 → tie block of 2 members and 2 non-members → (0.2, 1); t = 2 → (1, 1).
  const scores = [5, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2];
  const isMember = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const roc = rocCurve(scores, isMember);

  it('does not count a tie block that straddles the target (hand-computed)', () => {
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0, 0.2, 1]);
    // At FPR 0.1 the block from (0, 0.5) to (0.2, 1) straddles the target: interpolation would
    // say 0.75, but no threshold reaches it; the best threshold within 0.1 is t = 4.
    expect(tprAtFpr(roc, 0.1)).toBe(0.5);
    expect(tprAtFpr(roc, 0.19999)).toBe(0.5);
    expect(tprAtFpr(roc, 0)).toBe(0.5);
  });

  it('counts a point exactly at the target (≤, not <)', () => {
    expect(tprAtFpr(roc, 0.2)).toBe(1);
    expect(tprAtFpr(roc, 1)).toBe(1);
  });

  it('is 1 at 0.1% FPR for perfect separation, 0 for all-equal scores', () => {
    const members = Array.from({ length: 50 }, (_, i) => 100 + i);
    const nonMembers = Array.from({ length: 2000 }, (_, i) => i / 100);
    const perfect = rocCurve([...members, ...nonMembers], [...members.map(() => 1), ...nonMembers.map(() => 0)]);
    expect(tprAtFpr(perfect, 0.001)).toBe(1);
    expect(tprAtFpr(perfect, 0)).toBe(1);

    const flat = rocCurve([1, 1, 1, 1], [1, 0, 1, 0]);
    expect(tprAtFpr(flat, 0.1)).toBe(0);
    expect(tprAtFpr(flat, 0.999)).toBe(0);
    expect(tprAtFpr(flat, 1)).toBe(1);
  });

  it('is the best TPR over all thresholds with FPR ≤ target, by brute force (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), fc.double({ min: 0, max: 1, noNaN: true }), (data, target) => {
        const best = Math.max(
          ...allThresholds(data)
            .map((t) => pointAt(data, t))
            .filter((p) => p.fpr <= target)
            .map((p) => p.tpr),
        );
        expect(tprAtFpr(rocCurve(data.scores, data.isMember), target)).toBeCloseTo(best, 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses a target outside [0, 1] or a malformed curve', () => {
    expectInvalid(() => tprAtFpr(roc, 1.5), /^`fpr` must be in \[0, 1\]; got 1\.5\.$/);
    expectInvalid(() => tprAtFpr(roc, -0.1), /`fpr` must be in \[0, 1\]; got -0\.1\./);
    expectInvalid(() => tprAtFpr(roc, NaN), /`fpr` must be in \[0, 1\]; got NaN\./);
    const short: RocCurve = { fpr: new Float64Array([0, 1]), tpr: new Float64Array([0]), thresholds: new Float64Array([Infinity, 0]) };
    expectInvalid(() => tprAtFpr(short, 0.1), /must have the same length; got 2, 1 and 2/);
    const backwards: RocCurve = { fpr: new Float64Array([0, 0.5, 0.2]), tpr: new Float64Array([0, 1, 1]), thresholds: new Float64Array(3) };
    expectInvalid(() => tprAtFpr(backwards, 0.1), /`roc.fpr` must be non-decreasing; got 0\.2 at index 2 after 0\.5\./);
  });
});
