import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { membershipAdvantage, rocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { PROPERTY_PARAMETERS, allThresholds, labelledScores, pointAt } from './_bruteForce.js';

describe('membershipAdvantage', () => {
  it('is the largest TPR − FPR over the thresholds (hand-computed)', () => {
    // Points (0,0), (0,½), (½,1), (1,1): TPR − FPR = 0, ½, ½, 0 → ½.
    expect(membershipAdvantage(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]))).toBe(0.5);
  });

  it('is 1 for perfect separation and 0 for reversed or all-equal scores', () => {
    const isMember = [1, 1, 0, 0, 0];
    expect(membershipAdvantage(rocCurve([5, 4, 3, 2, 1], isMember))).toBe(1);
    expect(membershipAdvantage(rocCurve([1, 2, 3, 4, 5], isMember))).toBe(0);
    expect(membershipAdvantage(rocCurve([1, 1, 1, 1, 1], isMember))).toBe(0);
  });

  it('equals the brute-force maximum over all thresholds (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), (data) => {
        const best = Math.max(...allThresholds(data).map((t) => pointAt(data, t)).map((p) => p.tpr - p.fpr));
        expect(membershipAdvantage(rocCurve(data.scores, data.isMember))).toBeCloseTo(best, 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses a malformed curve', () => {
    expectInvalid(
      () => membershipAdvantage({ fpr: new Float64Array([0, 2]), tpr: new Float64Array([0, 1]), thresholds: new Float64Array(2) }),
      /`roc.fpr\[1\]` must be in \[0, 1\]; got 2\./,
    );
    expectInvalid(() => membershipAdvantage(undefined as never), /`roc` must be a RocCurve/);
  });
});
