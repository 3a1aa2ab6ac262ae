/**
 * liraStatistic: φ = log p_y − log Σ_{y'≠y} p_{y'}, checked against 50-digit arithmetic, at p_y → 1,
 * and for shift invariance; and the loss attack's log-softmax on hand-computed rows.
 */
import { describe, expect, it } from 'vitest';
import { all, create } from 'mathjs';
import type { BigNumber } from 'mathjs';
import { liraStatistic, lossAttack } from '../../../mia/attacks/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';
import { modelFromRows } from './_synthetic.js';

const math = create(all, { number: 'BigNumber', precision: 50 });
type Big = BigNumber;

/** A double as a 40-digit decimal (relative error ≤ 1e-40, far below its own 1.1e-16 spacing). */
function exact(x: number): Big {
  return math.bignumber(x.toPrecision(40)) as Big;
}

/** φ in 50 digits: z_y − ln Σ_{c≠y} exp(z_c), the z_c taken to 40 digits. */
function phiHighPrecision(z: readonly number[], y: number): number {
  let sum = math.bignumber(0) as Big;
  z.forEach((zc, c) => {
    if (c !== y) sum = math.add(sum, math.exp(exact(zc))) as Big;
  });
  return Number(math.subtract(exact(z[y]), math.log(sum)));
}

describe('liraStatistic', () => {
  it('is exact when p_y = 1 − 1e-12: φ = log((1 − 1e-12)/1e-12) ≈ 27.631', () => {
    // Two classes, logits = log-probabilities.
    const phi2 = liraStatistic([Math.log1p(-1e-12), Math.log(1e-12)], 0);
    const ref2 = Number(math.log(math.divide(math.subtract(1, math.bignumber('1e-12')), math.bignumber('1e-12')) as Big));
    expect(ref2).toBeCloseTo(27.631021115927546, 12);
    expect(Math.abs(phi2 - ref2)).toBeLessThan(1e-13);
    // Ten classes: the other nine share 1e-12 of the mass.
    const z = [0, ...Array.from({ length: 9 }, () => Math.log(1e-12 / 9))];
    const phi10 = liraStatistic(z, 0);
    expect(Math.abs(phi10 - phiHighPrecision(z, 0))).toBeLessThan(1e-13);
    expect(phi10).toBeCloseTo(27.631, 3);
    // The naive route through 1 − p_y loses about 4 digits here (cancellation), which φ avoids.
    const p = 1 / (1 + 1e-12);
    expect(Math.abs(Math.log(p / (1 - p)) - phi10)).toBeGreaterThan(1e-6);
  });

  it('agrees with a 50-digit evaluation on random logits (|error| ≤ 1e-13·(1 + max|z|))', () => {
    const rand = mulberry32(20240611);
    for (let trial = 0; trial < 300; trial++) {
      const k = 2 + Math.floor(rand() * 20);
      const spread = [1, 10, 60][trial % 3];
      const z = Array.from({ length: k }, () => (2 * rand() - 1) * spread);
      const y = Math.floor(rand() * k);
      if (trial % 5 === 0) z[y] += 40; // p_y → 1
      const ref = phiHighPrecision(z, y);
      const maxAbs = Math.max(...z.map(Math.abs));
      expect(Math.abs(liraStatistic(z, y) - ref)).toBeLessThanOrEqual(1e-13 * (1 + maxAbs));
    }
  });

  it('is invariant to adding a constant to every logit, and works on Float32Array rows', () => {
    const z = Float32Array.of(3.5, -1.25, 0.5, 2);
    const shifted = z.map((v) => v + 1000);
    expect(liraStatistic(shifted, 0)).toBeCloseTo(liraStatistic(z, 0), 10);
    expect(liraStatistic(z, 1)).toBeCloseTo(-1.25 - Math.log(Math.exp(3.5) + Math.exp(0.5) + Math.exp(2)), 14);
  });

  it('refuses a label out of range and fewer than 2 classes', () => {
    expectInvalid(() => liraStatistic([1, 2], 2), /`label` must be an integer in \[0, 2\); got 2\./);
    expectInvalid(() => liraStatistic([1, 2], -1), /`label`/);
    expectInvalid(() => liraStatistic([1], 0), /at least 2 classes; got 1/);
  });
});

describe('lossAttack', () => {
  it('is −(cross-entropy), averaged over views, hand-computed', () => {
    const data = {
      numExamples: 2,
      numClasses: 2,
      labels: Int32Array.of(0, 1),
      target: modelFromRows([
        [[Math.log(3), 0], [0, 0]],
        [[0, 0], [1000, 0]],
      ]),
      shadows: [],
    };
    const { name, scores } = lossAttack(data);
    expect(name).toBe('loss');
    // Example 0: views give log(3/4) and log(1/2). Example 1 (label 1): log(1/2) and −1000 − log(1 + e^-1000).
    expect(scores[0]).toBeCloseTo((Math.log(0.75) + Math.log(0.5)) / 2, 7); // float32 log 3
    expect(scores[1]).toBeCloseTo((Math.log(0.5) - 1000) / 2, 12);
    expect(Number.isFinite(scores[1])).toBe(true);
  });
});
