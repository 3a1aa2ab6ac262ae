/**
 * Internals of the subsampled-Gaussian RDP: the quadrature agrees with the finite binomial sum at
 * integer orders, the log-convexity fallback is an upper bound, and degenerate σ gives a number fast
 * instead of a hang.
 */
import { describe, expect, it } from 'vitest';
import {
  convexityBound,
  logAMinusOneInteger,
  logAMinusOneQuadrature,
  rdpPoissonSampledGaussian,
} from '../../accountant/_internals/sampledGaussianRdp.js';
import { logAddExp } from '../../accountant/index.js';

const settings: [number, number][] = [
  [0.001, 0.5],
  [0.01, 1],
  [0.2, 0.8],
  [0.5, 3],
  [0.9, 10],
];

describe('sampled Gaussian RDP internals', () => {
  it.each(settings)('quadrature = binomial sum at integer orders to 1e-12 (q=%f, σ=%f)', (q, sigma) => {
    for (const alpha of [2, 3, 7, 16]) {
      const exact = logAddExp(0, logAMinusOneInteger(q, sigma, alpha));
      const quad = logAddExp(0, logAMinusOneQuadrature(q, sigma, alpha));
      expect(Math.abs(quad - exact)).toBeLessThanOrEqual(1e-12 * Math.abs(exact));
    }
  });

  it.each(settings)('the log-convexity fallback is an upper bound at fractional orders, tight at integers (q=%f, σ=%f)', (q, sigma) => {
    for (const alpha of [1.1, 1.5, 2.5, 4.3, 10.9]) {
      const exact = rdpPoissonSampledGaussian(q, sigma, alpha) * (alpha - 1);
      expect(convexityBound(q, sigma, alpha)).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
    }
    expect(convexityBound(q, sigma, 3)).toBe(logAddExp(0, logAMinusOneInteger(q, sigma, 3)));
  });

  it('degenerate σ: +∞ when e^{1/(2σ²)} overflows, a finite bound otherwise, never NaN', () => {
    expect(rdpPoissonSampledGaussian(0.5, 1e-200, 1.5)).toBe(Infinity);
    expect(rdpPoissonSampledGaussian(0.5, 1e-200, 2)).toBe(Infinity);
    const tiny = rdpPoissonSampledGaussian(0.5, 1e-100, 1.5);
    expect(Number.isFinite(tiny)).toBe(true);
    expect(tiny).toBeGreaterThan(1e199);
    // σ = 1e-4: the quadrature budget is exceeded and the fallback bound answers.
    expect(Number.isNaN(logAMinusOneQuadrature(0.5, 1e-4, 1.5))).toBe(true);
    expect(rdpPoissonSampledGaussian(0.5, 1e-4, 1.5)).toBe(convexityBound(0.5, 1e-4, 1.5) / 0.5);
  });

  it('q = 0 costs nothing, q = 1 is the plain Gaussian α/(2σ²)', () => {
    expect(rdpPoissonSampledGaussian(0, 0.7, 3.3)).toBe(0);
    expect(rdpPoissonSampledGaussian(1, 0.7, 3.3)).toBe(3.3 / (2 * 0.7 * 0.7));
  });
});
