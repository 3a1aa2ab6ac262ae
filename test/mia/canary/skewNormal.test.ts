import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';
import { describe, expect, it } from 'vitest';
import {
  fitSkewNormal,
  sampleSkewNormal,
  skewNormalCdf,
  skewNormalLogCdf,
  skewNormalLogPdf,
  skewNormalLogSf,
  skewNormalPdf,
  type SkewNormalParameters,
} from '../../../mia/canary/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';
import { referenceSkewNormalCdf, relativeError } from './_skewNormalReference.js';

const standard = (shape: number): SkewNormalParameters => ({ location: 0, scale: 1, shape });

/** log Φ(x) from stdlib's erfc / erfcx, for the closed forms α = 0, ±1. */
function logPhiCdf(x: number): number {
  const t = -x / Math.SQRT2;
  return t > 1 ? Math.log(erfcx(t)) - t * t - Math.LN2 : Math.log(erfc(t) / 2);
}

describe('skew-normal density', () => {
  it('is 2φ(z)Φ(αz)/ω and integrates to 1 (Simpson on a fine grid)', () => {
    const p = { location: 3, scale: 2, shape: -4 };
    expect(skewNormalPdf(3, p)).toBeCloseTo(Math.exp(-0.5 * Math.log(2 * Math.PI)) / 2, 15); // 2φ(0)·½/ω
    const h = 0.001;
    let sum = 0;
    for (let k = 0; k <= 50000; k++) sum += (k === 0 || k === 50000 ? 1 : k % 2 ? 4 : 2) * skewNormalPdf(-37 + k * h, p);
    expect((sum * h) / 3).toBeCloseTo(1, 12);
  });

  it('stays finite far in the tails', () => {
    expect(skewNormalLogPdf(-50, standard(5))).toBeCloseTo(Math.LN2 - 1250 - 0.5 * Math.log(2 * Math.PI) + logPhiCdf(-250), 6);
    expect(Number.isFinite(skewNormalLogPdf(-50, standard(5)))).toBe(true);
  });
});

describe('skew-normal cdf', () => {
  it('matches a 50-digit Owen-T reference (tanh-sinh) to 1e-13 relative, in both tails', () => {
    // (α, z) pairs spanning F from 3e-23 to 1 − 1e-20; each reference point takes about a second.
    const points: [number, number][] = [[0.5, -3], [0.5, 2], [3, -3], [3, -1.5], [3, 0.7], [-2, -3], [-2, 4], [10, -0.5], [10, 2]];
    for (const [alpha, z] of points) {
      const ref = referenceSkewNormalCdf(z, alpha);
      expect(relativeError(skewNormalCdf(z, standard(alpha)), ref), `F(${z}; α = ${alpha})`).toBeLessThan(1e-13);
      const upper = ref.neg().plus(1);
      expect(relativeError(Math.exp(skewNormalLogSf(z, standard(alpha))), upper), `1 − F(${z}; α = ${alpha})`).toBeLessThan(1e-13);
    }
  });

  it('equals the closed forms: Φ at α = 0, Φ² at α = 1, Φ(2 − Φ) at α = −1, down to log F ≈ −1600', () => {
    for (const z of [-40, -12, -5, -1, 0, 0.5, 3, 8]) {
      const logPhi = logPhiCdf(z);
      expect(skewNormalLogCdf(z, standard(0)), `α = 0, z = ${z}`).toBeCloseTo(logPhi, 12 - Math.max(0, Math.round(Math.log10(Math.abs(logPhi) + 1))));
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
      if (z < 0) {
        expect(rel(skewNormalLogCdf(z, standard(1)), 2 * logPhi), `α = 1, z = ${z}`).toBeLessThan(1e-13);
        expect(rel(skewNormalLogCdf(z, standard(-1)), logPhi + Math.log(2 - Math.exp(logPhi))), `α = −1, z = ${z}`).toBeLessThan(1e-13);
      } else {
        expect(skewNormalCdf(z, standard(1))).toBeCloseTo(Math.exp(2 * logPhi), 14);
      }
    }
  });

  it('gives F(ξ) = ½ − arctan(α)/π', () => {
    for (const alpha of [-50, -3, -0.2, 0, 0.7, 4, 80]) {
      expect(skewNormalCdf(5, { location: 5, scale: 3, shape: alpha }), `α = ${alpha}`).toBeCloseTo(0.5 - Math.atan(alpha) / Math.PI, 13);
    }
  });

  it('has d/dx log F = f/F deep in the lower tail (α = 4, log F ≈ −500)', () => {
    const p = standard(4);
    const x = -6;
    const h = 1e-5;
    const slope = (skewNormalLogCdf(x + h, p) - skewNormalLogCdf(x - h, p)) / (2 * h);
    const ratio = Math.exp(skewNormalLogPdf(x, p) - skewNormalLogCdf(x, p));
    expect(skewNormalLogCdf(x, p)).toBeLessThan(-300);
    expect(Math.abs(slope - ratio) / ratio).toBeLessThan(1e-7);
  });

  it('is monotone with F + (1 − F) = 1', () => {
    const p = { location: -2, scale: 0.5, shape: 7 };
    let previous = -Infinity;
    for (let x = -6; x <= 2; x += 0.01) {
      const logF = skewNormalLogCdf(x, p);
      expect(logF).toBeGreaterThanOrEqual(previous);
      previous = logF;
      expect(Math.exp(logF) + Math.exp(skewNormalLogSf(x, p))).toBeCloseTo(1, 14);
    }
    expect(skewNormalLogCdf(-Infinity, p)).toBe(-Infinity);
    expect(skewNormalLogCdf(Infinity, p)).toBe(0);
  });

  it('refuses bad parameters', () => {
    expectInvalid(() => skewNormalCdf(0, { location: 0, scale: 0, shape: 1 }), /scale > 0; got location 0, scale 0, shape 1/);
    expectInvalid(() => skewNormalPdf(0, { location: NaN, scale: 1, shape: 1 }), /finite/);
  });
});

describe('sampleSkewNormal', () => {
  it('draws with the right mean, variance and cdf (seeded)', () => {
    const p = { location: 30, scale: 8, shape: 4 };
    const xs = sampleSkewNormal(p, 100_000, mulberry32(11));
    const delta = 4 / Math.sqrt(17);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    const trueMean = 30 + 8 * delta * Math.sqrt(2 / Math.PI);
    const trueVariance = 64 * (1 - (2 / Math.PI) * delta * delta);
    expect(Math.abs(mean - trueMean)).toBeLessThan(4 * Math.sqrt(trueVariance / xs.length));
    expect(Math.abs(variance / trueVariance - 1)).toBeLessThan(0.02);
    const below = xs.filter((x) => x <= 28).length / xs.length;
    expect(Math.abs(below - skewNormalCdf(28, p))).toBeLessThan(0.005);
  });
});

describe('fitSkewNormal', () => {
  const truth = { location: 30, scale: 8, shape: 4 };

  it('recovers known parameters within 3 standard errors, with a small KS distance (seeded, n = 5000)', () => {
    const fit = fitSkewNormal(sampleSkewNormal(truth, 5000, mulberry32(2024)));
    expect(fit.converged).toBe(true);
    expect(fit.shapeAtBound).toBe(false);
    const se = fit.standardErrors!;
    expect(se).toBeDefined();
    expect(Math.abs(fit.location - truth.location)).toBeLessThan(3 * se.location);
    expect(Math.abs(fit.scale - truth.scale)).toBeLessThan(3 * se.scale);
    expect(Math.abs(fit.shape - truth.shape)).toBeLessThan(3 * se.shape);
    expect(fit.ksStatistic).toBeLessThan(1.36 / Math.sqrt(5000));
    expect(fit.sampleCount).toBe(5000);
  });

  it('reports standard errors that match the spread of estimates over 40 seeded replications', () => {
    const estimates: number[][] = [[], [], []];
    const errors: number[][] = [[], [], []];
    let within = [0, 0, 0];
    for (let seed = 1; seed <= 40; seed++) {
      const fit = fitSkewNormal(sampleSkewNormal(truth, 2000, mulberry32(seed)));
      const values = [fit.location, fit.scale, fit.shape];
      const se = fit.standardErrors!;
      const ses = [se.location, se.scale, se.shape];
      const truths = [truth.location, truth.scale, truth.shape];
      for (let k = 0; k < 3; k++) {
        estimates[k].push(values[k]);
        errors[k].push(ses[k]);
        if (Math.abs(values[k] - truths[k]) <= ses[k]) within[k]++;
      }
    }
    for (let k = 0; k < 3; k++) {
      const mean = estimates[k].reduce((s, v) => s + v, 0) / 40;
      const sd = Math.sqrt(estimates[k].reduce((s, v) => s + (v - mean) ** 2, 0) / 39);
      const meanSe = errors[k].reduce((s, v) => s + v, 0) / 40;
      expect(meanSe / sd, `parameter ${k}`).toBeGreaterThan(0.7);
      expect(meanSe / sd, `parameter ${k}`).toBeLessThan(1.4);
      // About 68% of estimates within one standard error (binomial(40, 0.68) 99.9% range ≈ 17…37).
      expect(within[k], `parameter ${k}`).toBeGreaterThanOrEqual(17);
    }
    within = [];
  });

  it('fits left-skewed and nearly normal data, and the likelihood is maximal at the estimate', () => {
    const left = fitSkewNormal(sampleSkewNormal({ location: -1, scale: 2, shape: -6 }, 3000, mulberry32(5)));
    expect(left.shape).toBeLessThan(-3);
    const xs = sampleSkewNormal({ location: 0, scale: 1, shape: 0 }, 3000, mulberry32(6));
    const normal = fitSkewNormal(xs);
    expect(normal.converged).toBe(true);
    const ll = (p: SkewNormalParameters): number => xs.reduce((s, x) => s + skewNormalLogPdf(x, p), 0);
    expect(ll(normal)).toBeCloseTo(normal.logLikelihood, 8);
    for (const [dl, ds, da] of [[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.05], [-0.01, 0, 0], [0, -0.01, 0], [0, 0, -0.05]]) {
      expect(ll({ location: normal.location + dl, scale: normal.scale + ds, shape: normal.shape + da })).toBeLessThanOrEqual(normal.logLikelihood + 1e-9);
    }
  });

  it('refuses too few, non-finite or constant samples', () => {
    expectInvalid(() => fitSkewNormal([1, 2, 3]), /at least 10 values; got 3/);
    expectInvalid(() => fitSkewNormal([...Array(10).keys(), Infinity]), /finite; got Infinity at index 10/);
    expectInvalid(() => fitSkewNormal(new Array(20).fill(3)), /must not all be equal/);
  });
});
