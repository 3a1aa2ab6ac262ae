import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, rocCurve } from '../../../mia/metrics/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';
import { PROPERTY_PARAMETERS, labelledScores, pairwiseAuc, trapezoidArea } from './_bruteForce.js';

describe('auc', () => {
  it('counts pairs, a tie as ½ (hand-computed)', () => {
    // Members 0.9, 0.8; non-members 0.8, 0.1. Pairs (member, non-member):
    //   (0.9, 0.8) win 1, (0.9, 0.1) win 1, (0.8, 0.8) tie ½, (0.8, 0.1) win 1 → 3.5 / 4 = 0.875.
    expect(auc([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])).toBe(0.875);
  });

  it('is 1 for perfect separation, 0 reversed, ½ for all-equal scores', () => {
    const isMember = [1, 1, 1, 0, 0, 0, 0];
    expect(auc([7, 6, 5, 4, 3, 2, 1], isMember)).toBe(1);
    expect(auc([1, 2, 3, 4, 5, 6, 7], isMember)).toBe(0);
    expect(auc([2, 2, 2, 2, 2, 2, 2], isMember)).toBe(0.5);
  });

  it('equals the brute-force pairwise count on tie-heavy random data (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), (data) => {
        expect(auc(data.scores, data.isMember)).toBeCloseTo(pairwiseAuc(data), 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('equals the trapezoid area under rocCurve (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores({ maxLength: 80, distinct: 4 }), (data) => {
        expect(auc(data.scores, data.isMember)).toBeCloseTo(trapezoidArea(rocCurve(data.scores, data.isMember)), 12);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('negating the scores gives 1 − AUC (fixed seed)', () => {
    fc.assert(
      fc.property(labelledScores(), (data) => {
        const negated = data.scores.map((s) => -s);
        expect(auc(negated, data.isMember)).toBeCloseTo(1 - auc(data.scores, data.isMember), 14);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('matches the pairwise count on a larger continuous sample', () => {
    // Members shifted up by 0.5: AUC near Φ(0.5/√2) ≈ 0.64; checked exactly against pairs.
    const rand = mulberry32(7);
    const scores: number[] = [];
    const isMember: boolean[] = [];
    for (let i = 0; i < 1500; i++) {
      const member = rand() < 0.4;
      scores.push(Math.round((rand() + rand() + rand() + (member ? 0.5 : 0)) * 20) / 20);
      isMember.push(member);
    }
    expect(auc(scores, isMember)).toBeCloseTo(pairwiseAuc({ scores, isMember }), 13);
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    expectInvalid(() => auc([0.1, NaN], [1, 0]), /got NaN at index 1/);
    expectInvalid(() => auc([0.1, 0.2], [1, 1]), /at least one member and one non-member/);
    expectInvalid(() => auc([0.1, 0.2, 0.3], [1, 0]), /same length/);
  });
});
