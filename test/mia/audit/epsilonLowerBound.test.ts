import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epsilonLowerBound } from '../../../mia/audit/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { hp, hpOneRunPValue } from './_binomialReference.js';

const PROPERTY_PARAMETERS = { seed: 20240611, numRuns: 200 } as const;

/** ln(p/(1 − p)) with p = β^{1/r}, the bound when all r guesses are right and δ = 0 (q^r = β). */
function allCorrectClosedForm(r: number, beta: number): number {
  const logP = Math.log(beta) / r;
  return logP - Math.log(-Math.expm1(logP));
}

describe('epsilonLowerBound', () => {
  it('all r guesses right, δ = 0: equals the closed form ln(p/(1 − p)), p = β^{1/r}', () => {
    for (const r of [1, 2, 5, 10, 100, 1000, 100_000]) {
      for (const confidence of [0.5, 0.95, 0.999]) {
        // Act
        const epsilon = epsilonLowerBound({ guesses: r, correct: r, canaries: r, delta: 0, confidence });
        // Assert
        const expected = Math.max(0, allCorrectClosedForm(r, 1 - confidence));
        expect(Math.abs(epsilon - expected), `r=${r} c=${confidence}`).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
        expect(epsilon).toBeLessThanOrEqual(expected); // the lower end of the last bracket: never above
      }
    }
  });

  it('hand-checked: r = v = 10 at 95% gives ln(p/(1 − p)) with p = 0.05^{0.1}, ≈ 1.052', () => {
    // 0.05^{0.1} = 0.741134…; ln(0.741134/0.258866) = ln(2.8630…) = 1.05190…
    const p = 0.05 ** 0.1;
    const epsilon = epsilonLowerBound({ guesses: 10, correct: 10, canaries: 10, delta: 0 });
    expect(epsilon).toBeCloseTo(Math.log(p / (1 - p)), 10);
    expect(epsilon).toBeCloseTo(1.0519, 4);
  });

  it('v = r/2 (chance level) gives 0, and so does r = 0', () => {
    for (const r of [2, 10, 100, 10_000]) expect(epsilonLowerBound({ guesses: r, correct: r / 2, canaries: 2 * r, delta: 1e-5 })).toBe(0);
    expect(epsilonLowerBound({ guesses: 1000, correct: 520, canaries: 1000, delta: 0 })).toBe(0); // P[Bin(1000, ½) ≥ 520] ≈ 0.11
    expect(epsilonLowerBound({ guesses: 0, correct: 0, canaries: 5, delta: 0 })).toBe(0);
  });

  it('is the crossing of the 50-digit p-value (δ term included): p(ε̂) < β ≤ p(ε̂ + 1e-9·ε̂)', () => {
    const cases: Array<[m: number, r: number, v: number, delta: number, confidence: number]> = [
      [10, 10, 10, 0, 0.95],
      [2, 2, 2, 0.01, 0.5], // p(0) = ¼ + 4δ·max(½, ¾/2) = 0.27 < ½
      [100, 50, 45, 1e-3, 0.95],
      [1000, 200, 180, 1e-5, 0.95],
      [200, 200, 150, 1e-4, 0.99],
      [50, 20, 20, 1e-3, 0.95],
      [1000, 100, 100, 1e-5, 0.999],
      [10_000, 150, 120, 1e-6, 0.95],
    ];
    for (const [m, r, v, delta, confidence] of cases) {
      // Act
      const epsilon = epsilonLowerBound({ guesses: r, correct: v, canaries: m, delta, confidence });
      // Assert
      const beta = hp(1 - confidence);
      const label = `m=${m} r=${r} v=${v} δ=${delta}`;
      expect(epsilon, label).toBeGreaterThan(0);
      // At the crossing float64 and 50 digits may differ in the last ulp of p: allow 1e-12 relative.
      expect(hpOneRunPValue(m, r, v, epsilon, delta).lt(beta.times(1 + 1e-12)), label).toBe(true);
      expect(hpOneRunPValue(m, r, v, epsilon * (1 + 1e-9) + 1e-12, delta).gte(beta), label).toBe(true);
    }
  });

  it('δ > 0 only lowers the bound, and more so with more canaries', () => {
    const base = { guesses: 200, correct: 190, confidence: 0.95 };
    const pure = epsilonLowerBound({ ...base, canaries: 1000, delta: 0 });
    const small = epsilonLowerBound({ ...base, canaries: 1000, delta: 1e-5 });
    const large = epsilonLowerBound({ ...base, canaries: 100_000, delta: 1e-5 });
    expect(small).toBeLessThan(pure);
    expect(large).toBeLessThan(small);
    expect(large).toBeGreaterThan(0);
  });

  it('is monotone: non-decreasing in v, non-increasing in δ and confidence; never NaN (fixed seed)', () => {
    const input = fc
      .record({
        m: fc.integer({ min: 1, max: 5000 }),
        rFrac: fc.double({ min: 0, max: 1, noNaN: true }),
        a: fc.double({ min: 0, max: 1, noNaN: true }),
        b: fc.double({ min: 0, max: 1, noNaN: true }),
        delta: fc.oneof(fc.constant(0), fc.double({ min: 1e-12, max: 0.1, noNaN: true })),
        confidence: fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
      })
      .map(({ m, rFrac, a, b, delta, confidence }) => {
        const r = Math.round(rFrac * m);
        const [v1, v2] = [Math.round(Math.min(a, b) * r), Math.round(Math.max(a, b) * r)];
        return { m, r, v1, v2, delta, confidence };
      });
    fc.assert(
      fc.property(input, ({ m, r, v1, v2, delta, confidence }) => {
        const at = (v: number, d = delta, c = confidence) => epsilonLowerBound({ guesses: r, correct: v, canaries: m, delta: d, confidence: c });
        const e1 = at(v1);
        const e2 = at(v2);
        expect(Number.isFinite(e1) && e1 >= 0).toBe(true);
        expect(e1).toBeLessThanOrEqual(e2 + 1e-12);
        expect(at(v2, Math.min(0.5, delta * 10 + 1e-9))).toBeLessThanOrEqual(e2 + 1e-12);
        expect(at(v2, delta, 1 - (1 - confidence) / 10)).toBeLessThanOrEqual(e2 + 1e-12);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('stays finite at the extremes (huge r, δ near 1, confidence near 0 or 1)', () => {
    expect(Number.isFinite(epsilonLowerBound({ guesses: 1_000_000, correct: 1_000_000, canaries: 1_000_000, delta: 0 }))).toBe(true);
    expect(epsilonLowerBound({ guesses: 100, correct: 100, canaries: 100, delta: 0.999 })).toBe(0);
    expect(Number.isFinite(epsilonLowerBound({ guesses: 100, correct: 100, canaries: 100, delta: 0, confidence: 1e-9 }))).toBe(true);
    expect(epsilonLowerBound({ guesses: 100, correct: 100, canaries: 100, delta: 0, confidence: 1 - 1e-12 })).toBeGreaterThan(0);
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    const ok = { guesses: 10, correct: 8, canaries: 20, delta: 1e-5 };
    expectInvalid(() => epsilonLowerBound({ ...ok, correct: 11 }), /`correct` must be ≤ `guesses` \(10\); got 11\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, guesses: 21 }), /`guesses` must be ≤ `canaries` \(20\); got 21\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, delta: 1 }), /`delta` must be in \[0, 1\); got 1\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, delta: -0.1 }), /`delta` must be in \[0, 1\); got -0\.1\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, delta: NaN }), /`delta` must be in \[0, 1\); got NaN\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, confidence: 0 }), /`confidence` must be in \(0, 1\); got 0\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, confidence: 1 }), /`confidence` must be in \(0, 1\); got 1\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, guesses: 2.5 }), /`guesses` must be an integer ≥ 0; got 2\.5\./);
    expectInvalid(() => epsilonLowerBound({ ...ok, canaries: 0, guesses: 0, correct: 0 }), /`canaries` must be an integer ≥ 1; got 0\./);
    expectInvalid(() => epsilonLowerBound(undefined as never), /`options` must be an options object/);
  });
});
