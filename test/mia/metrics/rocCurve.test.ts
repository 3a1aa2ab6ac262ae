import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { PROPERTY_PARAMETERS, allThresholds, labelledScores, pointAt } from './_bruteForce.js';

const arr = (values: ArrayLike<number>): number[] => Array.from(values);

describe('rocCurve', () => {
  it('gives one point per distinct score, a tie as one diagonal step (hand-computed)', () => {
    // Arrange: members score 0.9 and 0.8; non-members 0.8 and 0.1. 2 members, 2 non-members.
    //   t = +∞  → nobody            → (0, 0)
    //   t = 0.9 → member 0.9         → (0, 1/2)
    //   t = 0.8 → + member and non-member tied at 0.8 → (1/2, 1)   (diagonal, not a staircase)
    //   t = 0.1 → everybody          → (1, 1)
    const roc = rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]);

    // Assert
    expect(arr(roc.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(arr(roc.tpr)).toEqual([0, 0.5, 1, 1]);
    expect(arr(roc.thresholds)).toEqual([Infinity, 0.9, 0.8, 0.1]);
    expect(roc.fpr).toBeInstanceOf(Float64Array);
  });

  it('does not depend on the order of tied inputs', () => {
    const a = rocCurve([0.5, 0.5, 0.5, 0.2], [1, 0, 0, 1]);
    const b = rocCurve([0.2, 0.5, 0.5, 0.5], [1, 0, 0, 1]);
    expect(arr(a.fpr)).toEqual(arr(b.fpr));
    expect(arr(a.tpr)).toEqual(arr(b.tpr));
    expect(arr(a.fpr)).toEqual([0, 1, 1]);
    expect(arr(a.tpr)).toEqual([0, 0.5, 1]);
  });

  it('accepts booleans, typed arrays, ±Infinity, and ties -0 with +0', () => {
    const roc = rocCurve(new Float32Array([Infinity, 0, -0, -Infinity]), [true, false, true, false]);
    expect(arr(roc.thresholds)).toEqual([Infinity, Infinity, 0, -Infinity]);
    expect(arr(roc.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(arr(roc.tpr)).toEqual([0, 0.5, 1, 1]);
  });

  it('all-equal scores give the chance diagonal in one step', () => {
    const roc = rocCurve([3, 3, 3, 3, 3], [1, 0, 0, 1, 0]);
    expect(arr(roc.fpr)).toEqual([0, 1]);
    expect(arr(roc.tpr)).toEqual([0, 1]);
  });

  it('every point is what its threshold achieves, by brute force (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), (data) => {
        const roc = rocCurve(data.scores, data.isMember);
        const thresholds = allThresholds(data);
        expect(arr(roc.thresholds)).toEqual(thresholds);
        thresholds.forEach((t, k) => {
          const expected = pointAt(data, t);
          expect(roc.fpr[k]).toBeCloseTo(expected.fpr, 14);
          expect(roc.tpr[k]).toBeCloseTo(expected.tpr, 14);
        });
        expect(roc.fpr[0]).toBe(0);
        expect(roc.tpr[0]).toBe(0);
        expect(roc.fpr[roc.fpr.length - 1]).toBe(1);
        expect(roc.tpr[roc.tpr.length - 1]).toBe(1);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    expectInvalid(() => rocCurve([0.1, 0.2], [1]), /`isMember` must have the same length as `scores` \(2\); got 1\./);
    expectInvalid(() => rocCurve([0.1, 0.2, 0.3], [1, 1, 1]), /at least one member and one non-member; got 3 members and 0 non-members/);
    expectInvalid(() => rocCurve([0.1, 0.2], [0, false]), /got 0 members and 2 non-members/);
    expectInvalid(() => rocCurve([], []), /at least one member and one non-member/);
    expectInvalid(() => rocCurve([0.1, 0.2, NaN, NaN], [1, 0, 1, 0]), /`scores` must be numbers, not NaN; got NaN at index 2\./);
    expectInvalid(() => rocCurve([0.1, 0.2], [1, 2]), /`isMember\[1\]` must be true, false, 1 or 0; got 2\./);
    expectInvalid(() => rocCurve(null as unknown as number[], [1]), /`scores` must be an array; got null\./);
  });
});
