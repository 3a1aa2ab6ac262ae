/**
 * The shared Clopper–Pearson bounds against independent computations: the binomial CDF summed term by
 * term in log space (the defining equations P[Bin(n, upper) ≤ k] = α, P[Bin(n, lower) ≥ k] = α), and
 * scipy 1.17's beta quantiles (`scipy.stats.beta.ppf(α, k, n − k + 1)`, `scipy.stats.beta.isf(α, k + 1, n − k)`).
 * (Moved from test/testing/statistics.test.ts; the public `clopperPearson` is also tested through
 * privkit/mia in test/mia/audit/clopperPearson.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { PrivkitError, clopperPearson, clopperPearsonLower, clopperPearsonUpper } from '../../../accountant/index.js';

/** log C(n, i) by a running sum of logs (exact enough for n ≤ 5000). */
function logChoose(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) out[i] = out[i - 1] + Math.log(n - i + 1) - Math.log(i);
  return out;
}

/** P[Bin(n, p) ≤ k], summed term by term in log space. */
function binomialCdf(k: number, n: number, p: number): number {
  const lc = logChoose(n);
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(lc[i] + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return s;
}

describe('Clopper–Pearson bounds', () => {
  it.each([
    [0, 50, 0.05],
    [1, 50, 0.025],
    [7, 200, 0.0125],
    [100, 200, 0.05],
    [3, 2000, 0.001],
    [1990, 2000, 0.01],
  ])('k = %i, n = %i, α = %f: P[Bin(n, upper) ≤ k] = α and P[Bin(n, lower) ≥ k] = α', (k, n, alpha) => {
    const upper = clopperPearsonUpper(k, n, alpha);
    expect(binomialCdf(k, n, upper)).toBeCloseTo(alpha, 8);
    const lower = clopperPearsonLower(k, n, alpha);
    if (k === 0) expect(lower).toBe(0);
    else expect(1 - binomialCdf(k - 1, n, lower)).toBeCloseTo(alpha, 8);
  });

  it('is 0 below and 1 above at the edges; the closed form at k = 0 is 1 − α^(1/n)', () => {
    expect(clopperPearsonLower(0, 10, 0.05)).toBe(0);
    expect(clopperPearsonUpper(10, 10, 0.05)).toBe(1);
    expect(clopperPearsonUpper(0, 1000, 0.05)).toBeCloseTo(1 - 0.05 ** (1 / 1000), 12);
    expect(clopperPearsonLower(1000, 1000, 0.05)).toBeCloseTo(0.05 ** (1 / 1000), 12);
  });

  // scipy.stats.beta.ppf(α, k, n − k + 1) and scipy.stats.beta.isf(α, k + 1, n − k).
  it.each([
    [3, 100, 0.025, 0.006229971538306395, 0.08517605297428003],
    [0, 100, 0.05, 0, 0.029513049607039932],
    [7, 200, 0.0125, 0.012293217349959504, 0.07645115283144546],
  ])('k = %i, n = %i, α = %f: the beta quantiles of scipy', (k, n, alpha, lower, upper) => {
    expect(clopperPearsonLower(k, n, alpha)).toBeCloseTo(lower, 13);
    expect(clopperPearsonUpper(k, n, alpha)).toBeCloseTo(upper, 13);
  });

  it('clopperPearson is the two one-sided bounds at α/2 (two-sided) or α (one-sided)', () => {
    const miss = 1 - 0.95; // the α the interval forms from its confidence
    expect(clopperPearson(3, 100, 0.95, 'two-sided')).toEqual({ lower: clopperPearsonLower(3, 100, miss / 2), upper: clopperPearsonUpper(3, 100, miss / 2) });
    expect(clopperPearson(3, 100, 0.95, 'upper')).toEqual({ lower: 0, upper: clopperPearsonUpper(3, 100, miss) });
    expect(clopperPearson(3, 100, 0.95, 'lower')).toEqual({ lower: clopperPearsonLower(3, 100, miss), upper: 1 });
  });

  it('refuses bad arguments with the house messages', () => {
    expect(() => clopperPearson(11, 10, 0.95, 'upper')).toThrow('`successes` must be ≤ `trials` (10); got 11.');
    expect(() => clopperPearson(1, 0, 0.95, 'upper')).toThrow('`trials` must be an integer ≥ 1; got 0.');
    expect(() => clopperPearson(1, 10, 1, 'upper')).toThrow('`confidence` must be in (0, 1); got 1.');
    expect(() => clopperPearson(1, 10, 0.9, 'both' as 'upper')).toThrow(PrivkitError);
  });
});
