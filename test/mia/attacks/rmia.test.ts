/**
 * RMIA: a hand-computed four-point population (online and offline), the O(n log n) count against a
 * brute-force O(n·|Z|) loop on random data, self-exclusion, the one-reference-model fallback, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { rmia } from '../../../mia/attacks/index.js';
import type { AttackData, RmiaOptions } from '../../../mia/attacks/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { auc, modelFromRows, syntheticData } from './_synthetic.js';

/** Two-class rows whose softmax probability of label 0 is p. */
const probRows = (ps: number[]) => ps.map((p) => [Math.log(p), Math.log1p(-p)]);

/** Four points; target p(x|θ) = 0.9, 0.6, 0.45, 0.2; one reference model with p = 0.3, 0.6, 0.25, 0.5. */
function toy(inMask: number[]): AttackData {
  return {
    numExamples: 4,
    numClasses: 2,
    labels: new Int32Array(4),
    target: modelFromRows([probRows([0.9, 0.6, 0.45, 0.2])]),
    shadows: [{ logits: modelFromRows([probRows([0.3, 0.6, 0.25, 0.5])]), inMask: Uint8Array.from(inMask) }],
  };
}

function softmaxProb(z: ArrayLike<number>, i: number, k: number, y: number): number {
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(z[i * k + c]);
  return Math.exp(z[i * k + y]) / s;
}

/** RMIA by its definition, in linear space, comparing every x with every z ≠ x. */
function bruteForce(data: AttackData, mode: 'online' | 'offline', gamma: number, a: number, population: number[]): Float64Array {
  const { numExamples: n, numClasses: k, labels } = data;
  const scores = new Float64Array(n);
  const V = data.target.views.length;
  for (let v = 0; v < V; v++) {
    const ratio = (i: number) => {
      const pIn: number[] = [];
      const pOut: number[] = [];
      for (const s of data.shadows) (s.inMask[i] ? pIn : pOut).push(softmaxProb(s.logits.views[v], i, k, labels[i]));
      const mean = (xs: number[]) => xs.reduce((u, w) => u + w, 0) / xs.length;
      let prX: number;
      if (mode === 'online') prX = mean([...pIn, ...pOut]);
      else if (pOut.length > 0) prX = 0.5 * ((1 + a) * mean(pOut) + (1 - a));
      else prX = 0.5 * ((1 + a) * Math.max(0, (mean(pIn) + a - 1) / a) + (1 - a));
      return softmaxProb(data.target.views[v], i, k, labels[i]) / prX;
    };
    const r = Array.from({ length: n }, (_, i) => ratio(i));
    for (let x = 0; x < n; x++) {
      let count = 0;
      let total = 0;
      for (const z of population) {
        if (z === x) continue;
        total++;
        if (r[x] / r[z] > gamma) count++;
      }
      scores[x] += count / total / V;
    }
  }
  return scores;
}

describe('rmia', () => {
  it('hand-computed online toy: ratios 3, 1, 1.8, 0.4', () => {
    // Online, one reference model: Pr(x) = its p. Ratios p(x|θ)/Pr(x) = 3, 1, 1.8, 0.4.
    // γ = 2: LR(x0, ·) = 3, 1.67, 7.5 → 2/3; x1: 1/3, 0.56, 2.5 → 1/3; x2: 0.6, 1.8, 4.5 → 1/3; x3 → 0.
    const data = toy([1, 0, 1, 0]);
    const { name, scores } = rmia(data, { mode: 'online', gamma: 2 });
    expect(name).toBe('rmia');
    expect(Array.from(scores)).toEqual([2 / 3, 1 / 3, 1 / 3, 0]);
    // γ = 1: x0 beats all three; x1 beats x3; x2 beats x1 and x3; x3 none.
    expect(Array.from(rmia(data, { mode: 'online', gamma: 1 }).scores)).toEqual([1, 1 / 3, 2 / 3, 0]);
  });

  it('hand-computed offline toy (a = 0.5): Pr(x) = ½(1.5·p_OUT + 0.5)', () => {
    // Pr(x) = 0.475, 0.7, 0.4375, 0.625 → ratios 1.895, 0.857, 1.029, 0.32.
    // γ = 2: x0 vs x1 2.21 ✓, vs x2 1.84 ✗, vs x3 5.92 ✓ → 2/3; x1 vs x3 2.68 → 1/3; x2 vs x3 3.21 → 1/3; x3 → 0.
    const { scores } = rmia(toy([0, 0, 0, 0]), { mode: 'offline', a: 0.5, gamma: 2 });
    expect(Array.from(scores)).toEqual([2 / 3, 1 / 3, 1 / 3, 0]);
    // Default mode is offline with γ = 2, a = 0.3.
    expect(rmia(toy([0, 0, 0, 0])).scores).toEqual(rmia(toy([0, 0, 0, 0]), { mode: 'offline', gamma: 2, a: 0.3 }).scores);
  });

  it('a population that excludes x compares x with all of it; one that includes x, with the others', () => {
    const data = toy([0, 0, 0, 0]);
    const population = Int32Array.of(1, 2, 3);
    const { scores } = rmia(data, { a: 0.5, populationIndices: population });
    expect(Array.from(scores)).toEqual([2 / 3, 1 / 2, 1 / 2, 0]);
  });

  it('never compares x with itself, even with γ < 1 (where LR(x, x) = 1 > γ)', () => {
    const data = toy([0, 0, 0, 0]);
    const scores = rmia(data, { a: 0.5, gamma: 0.5 }).scores;
    expect(scores).toEqual(bruteForce(data, 'offline', 0.5, 0.5, [0, 1, 2, 3]));
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
  });

  it('matches the brute-force O(n·|Z|) definition on random data (modes, γ, a, populations, 2 views)', () => {
    const cases: [number, RmiaOptions['mode'], number, number, 'all' | 'half'][] = [
      [1, 'online', 1, 0.3, 'all'],
      [2, 'offline', 2, 0.3, 'all'],
      [3, 'offline', 0.7, 0.6, 'half'],
      [4, 'online', 3, 0.3, 'half'],
      [5, 'offline', 1.5, 1, 'all'],
      [6, 'offline', 2, 0.2, 'half'],
    ];
    for (const [seed, mode, gamma, a, pop] of cases) {
      const { data } = syntheticData(seed, { n: 80, k: 5, numShadows: 4, numViews: 2 });
      const population = pop === 'all' ? Array.from({ length: 80 }, (_, i) => i) : Array.from({ length: 40 }, (_, j) => 2 * j + (seed % 2));
      const fast = rmia(data, { mode, gamma, a, populationIndices: Int32Array.from(population) }).scores;
      const slow = bruteForce(data, mode!, gamma, a, population);
      for (let i = 0; i < 80; i++) expect(fast[i]).toBeCloseTo(slow[i], 12);
    }
  });

  it('with a single reference model, offline RMIA estimates Pr_OUT of its IN examples from Pr_IN (privacy-meter)', () => {
    const { data } = syntheticData(9, { n: 60, k: 3, numShadows: 1 });
    const all = Array.from({ length: 60 }, (_, i) => i);
    expect(rmia(data, { a: 0.3 }).scores.every((s, i) => Math.abs(s - bruteForce(data, 'offline', 2, 0.3, all)[i]) < 1e-12)).toBe(true);
    const inOnly = toy([1, 1, 1, 1]);
    expect(rmia(inOnly, { a: 0.5 }).scores).toEqual(bruteForce(inOnly, 'offline', 2, 0.5, [0, 1, 2, 3]));
    expectInvalid(() => rmia(inOnly, { a: 0 }), /example 0 is OUT for 0 of 1 reference models; offline RMIA with `a` = 0/);
  });

  it('separates members on synthetic data (AUC > 0.75) and scales to 20 000 examples', () => {
    const { data, members } = syntheticData(12, { n: 300, k: 4, numShadows: 2, numViews: 2 });
    expect(auc(rmia(data).scores, members)).toBeGreaterThan(0.75);
    expect(auc(rmia(data, { mode: 'online' }).scores, members)).toBeGreaterThan(0.75);
    const large = syntheticData(13, { n: 20_000, k: 2, numShadows: 1 }).data;
    const started = performance.now();
    const { scores } = rmia(large);
    expect(scores.length).toBe(20_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses bad options and too few reference models', () => {
    const data = toy([0, 0, 0, 0]);
    expectInvalid(() => rmia({ ...data, shadows: [] }), /^attack `rmia` needs at least 1 shadow model; got 0\.$/);
    expectInvalid(() => rmia(data, { gamma: 0 }), /`gamma` must be a finite number > 0; got 0\./);
    expectInvalid(() => rmia(data, { a: 1.5 }), /`a` must be in \[0, 1\]; got 1\.5\./);
    expectInvalid(() => rmia(data, { mode: 'both' as never }), /`mode` must be one of 'online', 'offline'; got "both"\./);
    expectInvalid(() => rmia(data, { populationIndices: Int32Array.of(0, 4) }), /`populationIndices\[1\]` must be an integer in \[0, 4\); got 4\./);
    expectInvalid(() => rmia(data, { populationIndices: Int32Array.of(1, 1) }), /must be distinct; 1 appears twice/);
    expectInvalid(() => rmia(data, { populationIndices: Int32Array.of(2) }), /at least 2 examples.*got 1\./);
  });
});
