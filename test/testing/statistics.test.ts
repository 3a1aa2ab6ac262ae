/**
 * The statistics under checkDp, against independent computations: the samplers' tail frequencies and the
 * event search on cases whose best event is known. (The Clopper–Pearson bounds, the normal quantile and
 * the seeded generator checkDp uses are privkit's shared ones, tested in test/accountant/base/.)
 */
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../../accountant/index.js';
import { bestCandidates, buildFeatures, countEvent, describeOutputEvent, type Draws } from '../../src/testing/_internals/eventSearch.js';
import { sampleGaussian, sampleLaplace } from '../../src/testing/index.js';

describe('samplers', () => {
  // 200 000 draws: the tail frequencies below are within 5 standard errors of their exact values.
  const n = 200_000;
  const within = (count: number, p: number) => Math.abs(count / n - p) <= 5 * Math.sqrt((p * (1 - p)) / n);

  it('sampleLaplace(b): P[X > t] = ½·e^(−t/b), symmetric, variance 2b²', () => {
    const random = seededUniform(11);
    const xs = Float64Array.from({ length: n }, () => sampleLaplace(random, 0.7));
    for (const t of [0, 0.5, 2]) expect(within(xs.filter((x) => x > t).length, 0.5 * Math.exp(-t / 0.7))).toBe(true);
    expect(within(xs.filter((x) => x < -1).length, 0.5 * Math.exp(-1 / 0.7))).toBe(true);
    expect(xs.reduce((s, x) => s + x * x, 0) / n).toBeCloseTo(2 * 0.49, 1);
  });

  it('sampleGaussian(σ): P[X > σ] = 0.158655, P[X > 2σ] = 0.0227501, variance σ²', () => {
    const random = seededUniform(12);
    const xs = Float64Array.from({ length: n }, () => sampleGaussian(random, 3));
    expect(within(xs.filter((x) => x > 3).length, 0.158655254)).toBe(true);
    expect(within(xs.filter((x) => x < -6).length, 0.022750132)).toBe(true);
    expect(xs.reduce((s, x) => s + x * x, 0) / n).toBeCloseTo(9, 0);
  });
});

function draws(rows: number[][]): Draws {
  const k = rows[0].length;
  return { n: rows.length, k, values: Float64Array.from(rows.flat()) };
}

describe('event search', () => {
  it('on a scalar output, picks the tail that separates the two samples, in the right direction', () => {
    const sel0 = draws(Array.from({ length: 1000 }, (_, i) => [i % 10]));
    const sel1 = draws(Array.from({ length: 1000 }, (_, i) => [(i % 10) + 5]));
    const [forD, forDPrime] = bestCandidates(sel0, sel1, buildFeatures(sel0, sel1), 0, 2);
    expect(forDPrime.heavier).toBe(1);
    expect(forDPrime.score).toBeGreaterThan(4);
    expect(countEvent(sel0, forDPrime.event)).toBe(0);
    expect(countEvent(sel1, forDPrime.event)).toBeGreaterThan(0);
    expect(forD.heavier).toBe(0);
    expect(countEvent(sel1, forD.event)).toBe(0);
    expect(describeOutputEvent(forDPrime.event)).toMatch(/^y (≥|=) \d+$/);
  });

  it('on a discrete output, can isolate one value ({y = v})', () => {
    // D: 0 or 2; D′: 1 (never seen under D) — no threshold isolates it, the equality event does.
    const sel0 = draws(Array.from({ length: 400 }, (_, i) => [i % 2 === 0 ? 0 : 2]));
    const sel1 = draws(Array.from({ length: 400 }, (_, i) => [i % 4 === 0 ? 1 : i % 2 === 0 ? 0 : 2]));
    const [, forDPrime] = bestCandidates(sel0, sel1, buildFeatures(sel0, sel1), 0, 2);
    expect(forDPrime.event.kind).toBe('eq');
    expect(forDPrime.event.threshold).toBe(1);
  });

  it('on a vector output, finds the separating direction', () => {
    const rand = seededUniform(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    // The shift is along (1, −1, 0): each coordinate alone separates less than the projection.
    const sel0 = draws(Array.from({ length: 4000 }, () => [gauss(), gauss(), gauss()]));
    const sel1 = draws(Array.from({ length: 4000 }, () => [gauss() + 2, gauss() - 2, gauss()]));
    const features = buildFeatures(sel0, sel1);
    expect(features.map((f) => f.name.split(' ')[0])).toEqual(['y[0]', 'y[1]', 'y[2]', '⟨y,', '⟨y,', '‖y', '‖y']);
    const [, best] = bestCandidates(sel0, sel1, features, 0, 2);
    expect(best.event.feature.name).toMatch(/^⟨y, w⟩/);
  });

  it('δ is subtracted from the heavier probability: with δ ≥ every probability, no event scores', () => {
    const sel0 = draws(Array.from({ length: 100 }, (_, i) => [i % 2]));
    const sel1 = draws(Array.from({ length: 100 }, () => [1]));
    const scores = bestCandidates(sel0, sel1, buildFeatures(sel0, sel1), 0.999, 2).map((c) => c.score);
    expect(scores).toEqual([-Infinity, -Infinity]);
  });
});
