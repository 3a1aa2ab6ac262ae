/**
 * Online and offline LiRA on hand-made φ values: the scores equal the closed-form Gaussian log
 * likelihood ratio and one-sided −log p-value (to 1e-12), with medians, per-example and pooled σ, views;
 * the normal tail against a high-precision evaluation; defaults; and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { all, create } from 'mathjs';
import type { BigNumber } from 'mathjs';
import erfc from '@stdlib/math-base-special-erfc';
import { lira, liraOffline } from '../../../mia/attacks/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { auc, dataFromPhi, syntheticData } from './_synthetic.js';

// ---- independent references -------------------------------------------------------------------
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
/** numpy's np.std (divisor m). */
function npStd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}
/** log of the N(μ, σ²) density, straight from its definition. */
function logDensity(x: number, mu: number, sigma: number): number {
  return Math.log(Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI)));
}
function closeRel(actual: number, expected: number, tol = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

// Six shadows, three examples, each example IN for exactly three shadows.
const MASKS = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 1, 0],
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 1],
];
const SHADOW_PHI = [
  [4.0, 1.0, 3.5],
  [1.5, 2.5, 0.25],
  [5.0, 3.0, -0.5],
  [0.5, 0.75, 2.75],
  [4.5, 1.25, 0.0],
  [1.0, 3.5, 3.0],
];
const TARGET_PHI = [4.25, 0.5, 1.0];

function side(i: number, bit: number, phi = SHADOW_PHI): number[] {
  return MASKS.flatMap((mask, s) => (mask[i] === bit ? [phi[s][i]] : []));
}
const handData = dataFromPhi(
  [TARGET_PHI],
  SHADOW_PHI.map((row) => [row]),
  MASKS,
);

describe('lira (online)', () => {
  it("per-example variance: log N(φ; μ_in, σ_in) − log N(φ; μ_out, σ_out) with medians and np.std", () => {
    const { name, scores } = lira(handData, { variance: 'per-example' });
    expect(name).toBe('lira');
    for (let i = 0; i < 3; i++) {
      const inn = side(i, 1);
      const out = side(i, 0);
      const expected = logDensity(TARGET_PHI[i], median(inn), npStd(inn)) - logDensity(TARGET_PHI[i], median(out), npStd(out));
      closeRel(scores[i], expected);
    }
  });

  it('fixed variance (the default below 64 shadows): σ_in, σ_out pooled over all examples', () => {
    const allIn = [0, 1, 2].flatMap((i) => side(i, 1));
    const allOut = [0, 1, 2].flatMap((i) => side(i, 0));
    const scores = lira(handData).scores;
    expect(lira(handData, { variance: 'fixed' }).scores).toEqual(scores);
    for (let i = 0; i < 3; i++) {
      const expected =
        logDensity(TARGET_PHI[i], median(side(i, 1)), npStd(allIn)) - logDensity(TARGET_PHI[i], median(side(i, 0)), npStd(allOut));
      closeRel(scores[i], expected);
    }
  });

  it('averages the per-view log likelihood ratios, each view with its own μ and σ', () => {
    const view1 = SHADOW_PHI.map((row) => row.map((v) => v * 0.5 + 0.25));
    const target1 = [2.0, 1.5, -0.25];
    const data = dataFromPhi([TARGET_PHI, target1], SHADOW_PHI.map((row, s) => [row, view1[s]]), MASKS);
    const scores = lira(data, { variance: 'per-example' }).scores;
    for (let i = 0; i < 3; i++) {
      const llr = (phi: number, table: number[][]) =>
        logDensity(phi, median(side(i, 1, table)), npStd(side(i, 1, table))) -
        logDensity(phi, median(side(i, 0, table)), npStd(side(i, 0, table)));
      closeRel(scores[i], (llr(TARGET_PHI[i], SHADOW_PHI) + llr(target1[i], view1)) / 2);
    }
  });

  it('the median of an even number of values is the mean of the middle two', () => {
    // One example, IN for shadows 0–3 (φ 1, 2, 4, 10 → μ_in = 3), OUT for 4–5 (φ −1, 1 → μ_out = 0).
    const data = dataFromPhi([[3]], [[[1]], [[2]], [[4]], [[10]], [[-1]], [[1]]], [[1], [1], [1], [1], [0], [0]]);
    const sIn = npStd([1, 2, 4, 10]);
    closeRel(lira(data, { variance: 'per-example' }).scores[0], logDensity(3, 3, sIn) - logDensity(3, 0, 1));
  });

  it('σ = 0 (identical φ across shadows) gives finite scores through the σ floor', () => {
    const data = dataFromPhi([[2, 0]], [[[1, 1]], [[0, 0]], [[1, 1]], [[0, 0]]], [[1, 1], [0, 0], [1, 1], [0, 0]]);
    for (const variance of ['fixed', 'per-example'] as const) {
      const { scores } = lira(data, { variance });
      expect(scores.every(Number.isFinite)).toBe(true);
      expect(scores[0]).toBeGreaterThan(scores[1]);
      expect(liraOffline(data, { variance }).scores.every(Number.isFinite)).toBe(true);
    }
    // With minStd = 0.5 the floor is the σ: closed form again.
    closeRel(lira(data, { variance: 'per-example', minStd: 0.5 }).scores[0], logDensity(2, 1, 0.5) - logDensity(2, 0, 0.5));
  });

  it("defaults to 'per-example' variance from 64 shadow models on, 'fixed' below", () => {
    const big = syntheticData(7, { n: 12, k: 3, numShadows: 64 }).data;
    expect(lira(big).scores).toEqual(lira(big, { variance: 'per-example' }).scores);
    expect(lira(big).scores).not.toEqual(lira(big, { variance: 'fixed' }).scores);
    const small = { ...big, shadows: big.shadows.slice(0, 62) };
    expect(lira(small).scores).toEqual(lira(small, { variance: 'fixed' }).scores);
  });

  it('separates members on synthetic data (AUC > 0.8)', () => {
    const { data, members } = syntheticData(11, { n: 300, k: 4, numShadows: 16, numViews: 2 });
    expect(auc(lira(data).scores, members)).toBeGreaterThan(0.8);
    expect(auc(liraOffline(data).scores, members)).toBeGreaterThan(0.75);
  });

  it('refuses too few shadows, an example without IN or OUT shadows, and bad options', () => {
    const one = dataFromPhi([[1]], [[[1]]], [[1]]);
    expectInvalid(() => lira(one), /^attack `lira` needs at least 2 shadow models; got 1\.$/);
    const noOut = dataFromPhi([[1, 1]], [[[1, 1]], [[2, 2]]], [[1, 1], [1, 0]]);
    expectInvalid(() => lira(noOut), /example 0 is OUT for 0 of 2 shadow models; online LiRA needs every example IN for at least 1 shadow model and OUT for at least 1; train more shadow models/);
    const noIn = dataFromPhi([[1, 1]], [[[1, 1]], [[2, 2]]], [[0, 1], [0, 0]]);
    expectInvalid(() => lira(noIn), /example 0 is IN for 0 of 2 shadow models/);
    const oneEach = dataFromPhi([[1]], [[[1]], [[2]], [[3]]], [[1], [0], [0]]);
    expectInvalid(
      () => lira(oneEach, { variance: 'per-example' }),
      /example 0 is IN for 1 of 3 shadow models; `variance: 'per-example'` needs every example IN for at least 2 .* use `variance: 'fixed'`/,
    );
    expectInvalid(() => lira(handData, { variance: 'global' as never }), /`variance` must be one of 'fixed', 'per-example'; got "global"\./);
    expectInvalid(() => lira(handData, { minStd: 0 }), /`minStd` must be a finite number > 0; got 0\./);
  });
});

// ---- offline ------------------------------------------------------------------------------------
const hp = create(all, { number: 'BigNumber', precision: 120 });
type Big = BigNumber;
const SERIES_EPS = hp.bignumber('1e-118');

/** Q(t) = 1 − Φ(t) for t ≥ 0 in 120 digits: erf by its all-positive series e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3⋯(2n+1)). */
function upperTail(t: number): Big {
  const x = hp.divide(hp.bignumber(t), hp.sqrt(hp.bignumber(2))) as Big;
  const x2 = hp.multiply(x, x) as Big;
  let term = x;
  let sum = x;
  for (let n = 1; n < 4000; n++) {
    term = hp.divide(hp.multiply(hp.multiply(term, 2), x2), 2 * n + 1) as Big;
    sum = hp.add(sum, term) as Big;
    if (hp.smaller(term, hp.multiply(sum, SERIES_EPS))) break;
  }
  const erf = hp.multiply(hp.divide(2, hp.sqrt(hp.pi)), hp.multiply(hp.exp(hp.unaryMinus(x2)), sum)) as Big;
  return hp.divide(hp.subtract(1, erf), 2) as Big;
}

describe('liraOffline', () => {
  it('is −log(1 − Φ((φ − μ_out)/σ_out)), the one-sided p-value in −log form (fixed and per-example σ)', () => {
    const allOut = [0, 1, 2].flatMap((i) => side(i, 0));
    const { name, scores } = liraOffline(handData, { variance: 'per-example' });
    expect(name).toBe('lira-offline');
    const fixed = liraOffline(handData).scores;
    for (let i = 0; i < 3; i++) {
      const out = side(i, 0);
      const t = (TARGET_PHI[i] - median(out)) / npStd(out);
      closeRel(scores[i], -Math.log(0.5 * erfc(t / Math.SQRT2)));
      const tFixed = (TARGET_PHI[i] - median(out)) / npStd(allOut);
      closeRel(fixed[i], -Math.log(0.5 * erfc(tFixed / Math.SQRT2)));
    }
  });

  it('keeps full relative precision in both tails (t from −10 to 20), against a 120-digit evaluation', () => {
    for (const t of [-10, -3, -0.5, 0, 0.5, 1.25, 3, 6, 8.5, 10, 20]) {
      // OUT φ = ±1 → μ_out = 0, σ_out = 1 (np.std); target φ = t.
      const data = dataFromPhi([[t]], [[[-1]], [[1]]], [[0], [0]]);
      const score = liraOffline(data, { variance: 'per-example' }).scores[0];
      const q = upperTail(Math.abs(t));
      const p = t >= 0 ? q : hp.subtract(1, q);
      const expected = -Number(t >= 0 ? hp.log(p as Big) : hp.log1p(hp.unaryMinus(q)));
      expect(Math.abs(score - expected) / expected).toBeLessThan(1e-13);
    }
    // Sanity of the reference: Q(10) = 7.6198530241605…e-24.
    expect(Number(upperTail(10))).toBeCloseTo(7.61985302416053e-24, 36);
  });

  it('needs only OUT shadows: one shadow suffices for the examples it excludes', () => {
    const data = dataFromPhi([[1, 2]], [[[0, 0]], [[2, 1]]], [[0, 1], [1, 0]]);
    expectInvalid(() => liraOffline({ ...data, shadows: data.shadows.slice(0, 1) }), /example 1 is OUT for 0 of 1 shadow models; offline LiRA needs every example OUT for at least 1 shadow model/);
    expect(liraOffline(data).scores.every(Number.isFinite)).toBe(true);
    expectInvalid(() => liraOffline({ ...data, shadows: [] }), /^attack `lira-offline` needs at least 1 shadow model; got 0\.$/);
    expectInvalid(() => liraOffline(data, { variance: 'per-example' }), /example 0 is OUT for 1 of 2 shadow models; `variance: 'per-example'` needs every example OUT for at least 2/);
  });
});
