import { describe, expect, it } from 'vitest';
import { clopperPearson as baseClopperPearson } from '../../../accountant/index.js';
import { clopperPearson } from '../../../mia/audit/index.js';
import { relErr } from '../../_support/highPrecision.js';
import { expectInvalid } from '../../_support/errors.js';
import { hp, hpClopperPearsonLower, hpClopperPearsonUpper, hpTail } from './_binomialReference.js';

/** (k, n) pairs: both edges, one away from each edge, the middle, small and moderate n. */
function grid(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const n of [1, 2, 7, 30, 113, 200]) {
    for (const k of new Set([0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 1, n])) if (k >= 0 && k <= n) pairs.push([k, n]);
  }
  return pairs;
}

describe('clopperPearson', () => {
  it('agrees with a 50-digit binomial-sum reference to 1e-8 (relative), all sides', () => {
    // Arrange
    const confidences = [0.5, 0.95, 0.999999];
    let checked = 0;
    for (const [k, n] of grid()) {
      for (const confidence of confidences) {
        for (const side of ['two-sided', 'upper', 'lower'] as const) {
          // Act
          const { lower, upper } = clopperPearson(k, n, confidence, side);
          // Assert
          const tail = hpTail(confidence, side === 'two-sided');
          if (side === 'upper' || k === 0) expect(lower).toBe(0);
          else expect(relErr(lower, hpClopperPearsonLower(k, n, tail)), `lower k=${k} n=${n} c=${confidence} ${side}`).toBeLessThan(1e-8);
          if (side === 'lower' || k === n) expect(upper).toBe(1);
          else expect(relErr(upper, hpClopperPearsonUpper(k, n, tail)), `upper k=${k} n=${n} c=${confidence} ${side}`).toBeLessThan(1e-8);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(90);
  });

  it('the reference itself has the closed form at k = 0: P[Bin(n, p) ≤ 0] = (1 − p)^n = α', () => {
    const tail = hpTail(0.95, false);
    for (const n of [1, 9, 200]) {
      const expected = tail.pow(hp(1).div(n)).neg().plus(1);
      expect(hpClopperPearsonUpper(0, n, tail).minus(expected).abs().lt(1e-28)).toBe(true);
    }
  });

  it('has the closed forms at k = 0 and k = n: 1 − α^{1/n} and α^{1/n}', () => {
    for (const n of [1, 5, 60, 1000]) {
      expect(clopperPearson(0, n, 0.95, 'upper').upper).toBeCloseTo(1 - 0.05 ** (1 / n), 12);
      expect(clopperPearson(n, n, 0.95, 'lower').lower).toBeCloseTo(0.05 ** (1 / n), 12);
      expect(clopperPearson(0, n, 0.95, 'two-sided').upper).toBeCloseTo(1 - 0.025 ** (1 / n), 12);
      expect(clopperPearson(n, n, 0.95, 'two-sided')).toEqual({ lower: expect.closeTo(0.025 ** (1 / n), 12), upper: 1 });
    }
  });

  it('brackets k/n, narrows with n, and widens with confidence', () => {
    const a = clopperPearson(30, 100, 0.95, 'two-sided');
    expect(a.lower).toBeLessThan(0.3);
    expect(a.upper).toBeGreaterThan(0.3);
    const b = clopperPearson(300, 1000, 0.95, 'two-sided');
    expect(b.upper - b.lower).toBeLessThan(a.upper - a.lower);
    const c = clopperPearson(30, 100, 0.99, 'two-sided');
    expect(c.lower).toBeLessThan(a.lower);
    expect(c.upper).toBeGreaterThan(a.upper);
    // A one-sided bound at confidence 1 − α is the two-sided end at 1 − 2α.
    expect(clopperPearson(30, 100, 0.975, 'upper').upper).toBeCloseTo(a.upper, 14);
    expect(clopperPearson(30, 100, 0.975, 'lower').lower).toBeCloseTo(a.lower, 14);
  });

  it('works for large n without NaN', () => {
    const { lower, upper } = clopperPearson(3, 10_000_000, 0.95, 'two-sided');
    expect(lower).toBeGreaterThan(0);
    expect(upper).toBeLessThan(1e-5);
    expect(lower).toBeLessThan(3e-7);
    expect(upper).toBeGreaterThan(3e-7);
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    expectInvalid(() => clopperPearson(5, 4, 0.95, 'upper'), /`successes` must be ≤ `trials` \(4\); got 5\./);
    expectInvalid(() => clopperPearson(-1, 4, 0.95, 'upper'), /`successes` must be an integer ≥ 0; got -1\./);
    expectInvalid(() => clopperPearson(1.5, 4, 0.95, 'upper'), /`successes` must be an integer/);
    expectInvalid(() => clopperPearson(0, 0, 0.95, 'upper'), /`trials` must be an integer ≥ 1; got 0\./);
    expectInvalid(() => clopperPearson(1, 4, 1, 'upper'), /`confidence` must be in \(0, 1\); got 1\./);
    expectInvalid(() => clopperPearson(1, 4, NaN, 'upper'), /`confidence` must be in \(0, 1\); got NaN\./);
    expectInvalid(() => clopperPearson(1, 4, 0.95, 'both' as never), /`side` must be one of/);
  });

  it('is the shared base’s clopperPearson, re-exported by privkit/mia under the same name', () => {
    expect(clopperPearson).toBe(baseClopperPearson);
  });
});
