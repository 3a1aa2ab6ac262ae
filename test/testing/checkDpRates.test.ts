/**
 * The acceptance measurement of checkDp: four deliberately broken mechanisms and four correct ones,
 * 20 seeds each, 100 000 samples per dataset, 95% confidence. Broken ones must be refuted (detection
 * ≥ 18/20); correct ones may fail only by chance, at most α = 5% of the time by construction, so the
 * false alarms are held under the 99% quantile of Binomial(20, 0.05) (and of Binomial(80, 0.05) pooled).
 * The table is printed for the record.
 *
 * - Laplace count, claimed ε = 1: scale 1 (correct) vs ½ (true ε = 2).
 * - Gaussian count, claimed (1, 1e-5): σ* = 3.7306 from Balle & Wang's exact calibration (correct) vs half of it.
 * - Report noisy max, claimed ε = 1: Laplace(1) noise, index released (correct) vs the noise-free count
 *   of the noisy arg max released.
 * - One privkit DP-SGD step (σ = 2, claimed ε from privkit's PLD accountant at δ = 1e-5, D′ = D plus an
 *   outlier): clipped at C = 1 (correct) vs not clipped (maxGradNorm 1e6, noise still σ·1).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDpSync, type Mechanism, type PrivacyClaim } from '../../src/testing/index.js';
import {
  analyticGaussianSigma,
  dpSgdClaim,
  dpSgdContribution,
  dpSgdNeighbours,
  dpSgdStep,
  gaussianCount,
  gaussianDelta,
  laplaceCount,
  noisyMaxReleasingCount,
  reportNoisyMax,
} from './_mechanisms.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const SAMPLES = 100_000;
const CONFIDENCE = 0.95;
const ALPHA = 1 - CONFIDENCE;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The smallest m with P[Binomial(n, p) > m] ≤ tail (summed exactly). */
function binomialUpperQuantile(n: number, p: number, tail: number): number {
  let [cdf, term] = [0, (1 - p) ** n];
  for (let m = 0; m <= n; m++) {
    cdf += term;
    if (1 - cdf <= tail) return m;
    term *= ((n - m) / (m + 1)) * (p / (1 - p));
  }
  return n;
}

interface Case {
  readonly name: string;
  readonly broken: boolean;
  readonly mechanism: Mechanism<never>;
  readonly claim: PrivacyClaim;
  readonly neighbours: readonly [unknown, unknown];
}

describe('checkDp detection and false-alarm rates (20 seeds each)', () => {
  it('refutes the broken mechanisms and rarely the correct ones', () => {
    const sigma = analyticGaussianSigma(1, 1e-5);
    expect(gaussianDelta(sigma, 1)).toBeLessThanOrEqual(1e-5);
    expect(gaussianDelta(sigma / 2, 1)).toBeGreaterThan(1e-3); // far from the claim, by the exact formula
    expect(dpSgdContribution(1)).toBeCloseTo(1, 4); // the outlier is clipped to C = 1 …
    expect(dpSgdContribution(1e6)).toBeGreaterThan(3); // … and contributes more than 3 when not clipped
    const counts: [number[], number[]] = [[1, 0, 1], [1, 0, 1, 1]];
    const histograms: [number[], number[]] = [[0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 0]];
    const sgd = dpSgdClaim();
    const cases: Case[] = [
      { name: 'Laplace count, scale ½ claimed ε = 1', broken: true, mechanism: laplaceCount(0.5), claim: { epsilon: 1 }, neighbours: counts },
      { name: 'Gaussian count, σ*/2 claimed (1, 1e-5)', broken: true, mechanism: gaussianCount(sigma / 2), claim: { epsilon: 1, delta: 1e-5 }, neighbours: counts },
      { name: 'noisy max releasing the noise-free count', broken: true, mechanism: noisyMaxReleasingCount(1), claim: { epsilon: 1 }, neighbours: histograms },
      {
        name: 'DP-SGD step without clipping',
        broken: true,
        mechanism: dpSgdStep({ clipNorm: 1e6, noiseNorm: 1, projectOnto: dpSgdNeighbours }),
        claim: sgd,
        neighbours: dpSgdNeighbours,
      },
      { name: 'Laplace count, scale 1, ε = 1', broken: false, mechanism: laplaceCount(1), claim: { epsilon: 1 }, neighbours: counts },
      { name: 'Gaussian count, σ* = 3.7306, (1, 1e-5)', broken: false, mechanism: gaussianCount(sigma), claim: { epsilon: 1, delta: 1e-5 }, neighbours: counts },
      { name: 'report noisy max (index), ε = 1', broken: false, mechanism: reportNoisyMax(1), claim: { epsilon: 1 }, neighbours: histograms },
      {
        name: `DP-SGD step, C = 1, σ = 2, (${sgd.epsilon.toFixed(3)}, 1e-5)`,
        broken: false,
        mechanism: dpSgdStep({ clipNorm: 1, noiseNorm: 1, projectOnto: dpSgdNeighbours }),
        claim: sgd,
        neighbours: dpSgdNeighbours,
      },
    ];

    const rows = cases.map((c) => {
      const results = SEEDS.map((seed) => checkDpSync(c.mechanism, c.claim, { neighbours: c.neighbours as [never, never], samples: SAMPLES, confidence: CONFIDENCE, seed }));
      const failed = results.filter((r) => !r.passed).length;
      const bounds = results.map((r) => r.epsilonLowerBound);
      return { ...c, failed, minBound: Math.min(...bounds), maxBound: Math.max(...bounds) };
    });

    const lines = [
      `checkDp over seeds 1–${SEEDS.length}, ${SAMPLES} samples per dataset, confidence ${CONFIDENCE}:`,
      ...rows.map(
        (r) =>
          `  ${r.broken ? 'broken ' : 'correct'}  ${r.name.padEnd(46)} ${r.broken ? 'detected' : 'false alarms'} ${r.failed}/${SEEDS.length}` +
          `  (claimed ε = ${(r.claim.epsilon as number).toFixed(3)}, ε_lb ∈ [${r.minBound.toFixed(3)}, ${r.maxBound.toFixed(3)}])`,
      ),
    ];
    console.log(lines.join('\n'));

    const perMechanism = binomialUpperQuantile(SEEDS.length, ALPHA, 0.01);
    const pooled = binomialUpperQuantile(SEEDS.length * 4, ALPHA, 0.01);
    expect(perMechanism).toBe(4);
    for (const r of rows) {
      if (r.broken) expect(r.failed, r.name).toBeGreaterThanOrEqual(18);
      else expect(r.failed, r.name).toBeLessThanOrEqual(perMechanism);
    }
    expect(rows.filter((r) => !r.broken).reduce((s, r) => s + r.failed, 0)).toBeLessThanOrEqual(pooled);
  });
});
