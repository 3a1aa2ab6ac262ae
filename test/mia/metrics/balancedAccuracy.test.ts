import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedAccuracy, membershipAdvantage, rocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { PROPERTY_PARAMETERS, allThresholds, labelledScores } from './_bruteForce.js';

describe('balancedAccuracy', () => {
  it('is the best mean of member and non-member accuracy (hand-computed)', () => {
    // Point (0, ½): (½ + 1) / 2 = 0.75; point (½, 1): (1 + ½) / 2 = 0.75; the ends give ½.
    expect(balancedAccuracy(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]))).toBe(0.75);
  });

  it('is 1 for perfect separation and ½ for reversed or all-equal scores', () => {
    const isMember = [0, 1, 0, 1];
    expect(balancedAccuracy(rocCurve([0, 1, 0, 1], isMember))).toBe(1);
    expect(balancedAccuracy(rocCurve([1, 0, 1, 0], isMember))).toBe(0.5);
    expect(balancedAccuracy(rocCurve([4, 4, 4, 4], isMember))).toBe(0.5);
  });

  it('equals ½ + advantage / 2 (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), (data) => {
        const roc = rocCurve(data.scores, data.isMember);
        expect(balancedAccuracy(roc)).toBeCloseTo(0.5 + membershipAdvantage(roc) / 2, 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('on balanced data equals the best plain accuracy over all thresholds, by brute force (fixed seed)', () => {
    // Each example appears once as a member and once as a non-member with an independent score,
    // so the classes have equal size and balanced accuracy is ordinary accuracy.
    const balanced = labelledScores().map((d) => ({
      scores: [...d.scores, ...d.scores.map((s) => (s * 7) % 1.5)],
      isMember: [...d.scores.map(() => true), ...d.scores.map(() => false)],
    }));
    fc.assert(
      fc.property(balanced, (data) => {
        const accuracy = (t: number): number =>
          data.scores.filter((s, i) => (t !== Infinity && s >= t) === data.isMember[i]).length / data.scores.length;
        const best = Math.max(...allThresholds(data).map(accuracy));
        expect(balancedAccuracy(rocCurve(data.scores, data.isMember))).toBeCloseTo(best, 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses a malformed curve', () => {
    expectInvalid(
      () => balancedAccuracy({ fpr: new Float64Array([0, 1]), tpr: new Float64Array([0.5, 0.4]), thresholds: new Float64Array(2) }),
      /`roc.tpr` must be non-decreasing; got 0\.4 at index 1 after 0\.5\./,
    );
  });
});
