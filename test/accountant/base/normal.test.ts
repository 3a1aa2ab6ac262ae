/**
 * The shared normal distribution against independent references: scipy 1.17 (`scipy.special.ndtri`,
 * `scipy.special.log_ndtr`, `scipy.stats.norm.logpdf`) and mpmath at 40 digits (`mpmath.log(mpmath.erfc(x))`),
 * plus the round trip Φ⁻¹(Φ(x)) = x.
 */
import { describe, expect, it } from 'vitest';
import { logErfc, logNdtr, logNdtrUpper, logNormalPdf, ndtr, ndtri } from '../../../accountant/base/normal.js';

/** |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0). */
function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), expected === 0 ? 1 : 0));
}

describe('ndtri (Φ⁻¹)', () => {
  // scipy.special.ndtri(p) for each p.
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.0125, -2.241402727604945],
    [1e-6, -4.753424308822899],
    [1e-300, -37.0470962993612],
    [0.999999, 4.753424308817087],
  ])('ndtri(%f) = %f (scipy) to 1e-13 relative', (p, expected) => {
    expectRelative(ndtri(p), expected, 1e-13);
  });

  it('is ±∞ at the ends of [0, 1] and NaN for NaN', () => {
    expect(ndtri(0)).toBe(-Infinity);
    expect(ndtri(1)).toBe(Infinity);
    expect(ndtri(Number.NaN)).toBeNaN();
  });

  it('inverts Φ: ndtri(ndtr(x)) = x for x in [−37, 6] (lower tail exact to 1e-12, relative)', () => {
    for (let x = -37; x <= 6; x += 0.25) {
      const back = ndtri(ndtr(x));
      // Above 0, Φ(x) → 1 keeps only the absolute digits: the error is ulp(Φ)/φ(x).
      const tol = x <= 0 ? 1e-12 * Math.max(1, Math.abs(x)) : (2.3e-16 / Math.exp(logNormalPdf(x))) * 4;
      expect(Math.abs(back - x)).toBeLessThanOrEqual(tol);
    }
  });
});

describe('logNdtr (log Φ) and logNdtrUpper (log(1 − Φ))', () => {
  // scipy.special.log_ndtr(x) for each x.
  it.each([
    [-40, -804.6084420137539],
    [-5, -15.064998393988727],
    [-1, -1.8410216450092634],
    [0, -0.6931471805599453],
    [0.3, -0.4814101615884813],
    [3, -0.0013508099647481925],
    [10, -7.61985302416047e-24],
  ])('logNdtr(%f) = %f (scipy) to 1e-13 relative', (x, expected) => {
    expectRelative(logNdtr(x), expected, 1e-13);
    expectRelative(logNdtrUpper(-x), expected, 1e-13);
  });

  it('keeps relative precision where Φ(x) → 1 (log Φ(10) is −7.6e-24, not 0)', () => {
    expect(logNdtr(10)).toBeLessThan(0);
    expect(logNdtrUpper(-10)).toBeLessThan(0);
  });

  it('agrees with log(ndtr(x)) where Φ(x) is neither tiny nor near 1', () => {
    for (let x = -6; x <= 1; x += 0.5) expectRelative(logNdtr(x), Math.log(ndtr(x)), 1e-14);
  });
});

describe('logNormalPdf and logErfc', () => {
  // scipy.stats.norm.logpdf(x, mu, sigma).
  it.each([
    [0, 0, 1, -0.9189385332046727],
    [3, 1, 2, -2.112085713764618],
    [-2.5, 0.5, 0.1, -448.6163534402106],
  ])('logNormalPdf(%f; μ = %f, σ = %f) = %f (scipy)', (x, mu, sigma, expected) => {
    expectRelative(logNormalPdf(x, mu, sigma), expected, 1e-14);
  });

  it('defaults to the standard normal', () => {
    expect(logNormalPdf(1.5)).toBe(logNormalPdf(1.5, 0, 1));
  });

  // mpmath.log(mpmath.erfc(x)) at mp.dps = 40.
  it.each([
    [30, -903.97411711064387808],
    [0.7, -1.1325865135143413294],
    [-3, 0.69313613525044681032],
  ])('logErfc(%f) = %f (mpmath)', (x, expected) => {
    expectRelative(logErfc(x), expected, 1e-14);
  });
});
