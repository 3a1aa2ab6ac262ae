/**
 * The statistics under checkDp, against independent computations: Clopper–Pearson bounds against a
 * log-space binomial CDF summed term by term; the normal quantile against known values; the seeded
 * generator's streams; and the event search on cases whose best event is known.
 */
import { describe, expect, it } from 'vitest';
import { clopperPearsonLower, clopperPearsonUpper, normalQuantile } from '../../src/testing/_internals/clopperPearson.js';
import { bestCandidates, buildFeatures, countEvent, describeOutputEvent, type Draws } from '../../src/testing/_internals/eventSearch.js';
import { seededRandom, streamSeed } from '../../src/testing/_internals/prng.js';
import { sampleGaussian, sampleLaplace } from '../../src/testing/index.js';

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

  it('normalQuantile matches tabulated values to 1e-8', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.0125)).toBeCloseTo(-2.241402727604947, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
  });
});

describe('seeded generator', () => {
  it('replays from its seed, stays in [0, 1), and sub-streams differ', () => {
    const [a, b] = [seededRandom(7), seededRandom(7)];
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => streamSeed(1, i)));
    expect(seeds.size).toBe(100);
    expect(streamSeed(1, 0)).not.toBe(streamSeed(2, 0));
  });
});

describe('samplers', () => {
  // 200 000 draws: the tail frequencies below are within 5 standard errors of their exact values.
  const n = 200_000;
  const within = (count: number, p: number) => Math.abs(count / n - p) <= 5 * Math.sqrt((p * (1 - p)) / n);

  it('sampleLaplace(b): P[X > t] = ½·e^(−t/b), symmetric, variance 2b²', () => {
    const random = seededRandom(11);
    const xs = Float64Array.from({ length: n }, () => sampleLaplace(random, 0.7));
    for (const t of [0, 0.5, 2]) expect(within(xs.filter((x) => x > t).length, 0.5 * Math.exp(-t / 0.7))).toBe(true);
    expect(within(xs.filter((x) => x < -1).length, 0.5 * Math.exp(-1 / 0.7))).toBe(true);
    expect(xs.reduce((s, x) => s + x * x, 0) / n).toBeCloseTo(2 * 0.49, 1);
  });

  it('sampleGaussian(σ): P[X > σ] = 0.158655, P[X > 2σ] = 0.0227501, variance σ²', () => {
    const random = seededRandom(12);
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
    const rand = seededRandom(3);
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
