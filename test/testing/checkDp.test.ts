/**
 * checkDp and dpProperty: the result and its summary, reproducibility from the seed, the δ path, the
 * search for a bad pair (with shrinking), the fast-check form, and the refusals of mechanisms that
 * would make the test meaningless (NaN, hidden randomness, Promises, changing shapes).
 * Detection and false-alarm rates over many seeds are in checkDpRates.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { checkDp, checkDpSync, dpProperty, neighbouringDatasets, sampleLaplace, type Mechanism } from '../../src/testing/index.js';
import { expectInvalid } from '../_support/errors.js';

const ones = (d: readonly number[]) => d.filter((x) => x === 1).length;
/** A noisy count of ones with Laplace scale b: ε = 1/b. */
const noisyCount = (b: number): Mechanism<number[]> => (d, random) => ones(d) + sampleLaplace(random, b);
const bits = neighbouringDatasets(fc.integer({ min: 0, max: 1 }), { maxLength: 6 });

describe('checkDp', () => {
  it('passes a correct Laplace count and refutes one with half the scale; the result says why', async () => {
    const neighbours: [number[], number[]] = [[1, 0, 1], [1, 0, 1, 1]];
    const good = await checkDp(noisyCount(1), { epsilon: 1, delta: 0 }, { neighbours, samples: 100_000, confidence: 0.95, seed: 1 });
    expect(good).toMatchObject({ passed: true, confidence: 0.95, samples: 100_000, seed: 1, searched: false, neighbours, claim: { epsilon: 1, delta: 0 } });
    expect(good.epsilonLowerBound).toBeLessThanOrEqual(1);
    expect(good.epsilonLowerBound).toBeGreaterThan(0.8); // tail events of the Laplace mechanism reach ε exactly
    expect(good.summary).toMatch(/^No evidence against ε = 1, δ = 0: ε ≥ 0\.\d+ at 95% confidence/);

    const bad = await checkDp(noisyCount(0.5), { epsilon: 1, delta: 0 }, { neighbours, samples: 100_000, confidence: 0.95, seed: 1 });
    expect(bad.passed).toBe(false);
    expect(bad.epsilonLowerBound).toBeGreaterThan(1.8); // the true ε is 2
    expect(bad.epsilonLowerBound).toBeLessThanOrEqual(bad.epsilonEstimate);
    expect(bad.epsilonEstimate).toBeLessThanOrEqual(bad.epsilonUpperBound);
    expect(bad.event).toMatch(/^y (≥|≤) -?\d/);
    const heavy = bad.moreLikelyUnder === 'D′' ? bad.eventProbability.inDPrime : bad.eventProbability.inD;
    const light = bad.moreLikelyUnder === 'D′' ? bad.eventProbability.inD : bad.eventProbability.inDPrime;
    expect(bad.epsilonLowerBound).toBeCloseTo(Math.log(heavy[0] / light[1]), 12);
    expect(bad.summary).toMatch(
      /^The claim ε = 1, δ = 0 is refuted: ε ≥ 1\.\d+ at 95% confidence \(estimate [\d.]+, interval \[[\d.]+, [\d.]+\]\) > 1 on the event E = \{y [≥≤] -?[\d.]+\}, more likely under D′? \(P\[E \| D\] ∈ .*\)\. Neighbours: D = \[1,0,1\], D′ = \[1,0,1,1\]; 100000 samples per dataset, seed 1\.$/,
    );
  });

  it('is reproducible from the seed', async () => {
    const options = { neighbours: [[1], [1, 1]] as [number[], number[]], samples: 2000 };
    const [a, b, c] = await Promise.all([
      checkDp(noisyCount(1), { epsilon: 1 }, { ...options, seed: 9 }),
      checkDp(noisyCount(1), { epsilon: 1 }, { ...options, seed: 9 }),
      checkDp(noisyCount(1), { epsilon: 1 }, { ...options, seed: 10 }),
    ]);
    expect(a).toEqual(b);
    expect(c.epsilonEstimate).not.toBe(a.epsilonEstimate);
    const drawn = checkDpSync(noisyCount(1), { epsilon: 1 }, options);
    expect(Number.isInteger(drawn.seed)).toBe(true);
    expect(drawn.summary).toContain(`seed ${drawn.seed}.`);
  });

  it('δ: a mechanism that publishes the count with probability 0.01 is (0, 0.01)-DP but not (1, 0.001)-DP', () => {
    const leaky: Mechanism<number[]> = (d, random) => (random() < 0.01 ? ones(d) : -1);
    const neighbours: [number[], number[]] = [[1], [1, 1]];
    const ok = checkDpSync(leaky, { epsilon: 0, delta: 0.01 }, { neighbours, samples: 100_000, seed: 2 });
    expect(ok.passed).toBe(true);
    const bad = checkDpSync(leaky, { epsilon: 1, delta: 0.001 }, { neighbours, samples: 100_000, seed: 2 });
    expect(bad.passed).toBe(false);
    expect(bad.event).toMatch(/^y (=|≥) 2$|^y (=|≤) 1$/);
    expect(bad.epsilonUpperBound).toBe(Infinity); // the event never happens under the other dataset
  });

  it('without neighbours, searches for a bad pair and shrinks it: the broken count is refuted on [[], [1]]', () => {
    const bad = checkDpSync(noisyCount(0.5), { epsilon: 1 }, { datasets: bits, samples: 40_000, seed: 3 });
    expect(bad).toMatchObject({ passed: false, searched: true, neighbours: [[], [1]] });
    expect(bad.summary).toContain('Neighbours found by search: D = [], D′ = [1]');
    const good = checkDpSync(noisyCount(1), { epsilon: 1 }, { datasets: bits, samples: 40_000, seed: 3, searchRuns: 10 });
    expect(good).toMatchObject({ passed: true, searched: true });
  });

  it('refuses NaN, hidden randomness, Promises, changing shapes and bad options', () => {
    const neighbours: [number[], number[]] = [[], [1]];
    expectInvalid(() => checkDpSync(() => NaN, { epsilon: 1 }, { neighbours }), /returned NaN on D \(draw 1\)/);
    expectInvalid(() => checkDpSync((d: number[]) => d.length + Math.random(), { epsilon: 1 }, { neighbours, samples: 20 }), /random\(\) must be its only source of randomness/);
    expectInvalid(() => checkDpSync((() => Promise.resolve(1)) as unknown as Mechanism<number[]>, { epsilon: 1 }, { neighbours }), /must be synchronous/);
    expectInvalid(() => checkDpSync((_d: number[], r) => (r() < 0.5 ? [1] : [1, 2]), { epsilon: 1 }, { neighbours, seed: 1 }), /output shape must not change/);
    expectInvalid(() => checkDpSync((d: number[]) => d.map(() => 0).concat([0]), { epsilon: 1 }, { neighbours, samples: 20 }), /1 numbers on D but 2 on D′/);
    expectInvalid(() => checkDpSync(noisyCount(1), { epsilon: -1 }, { neighbours }), /`epsilon` must be in \[0, ∞\]; got -1\./);
    expectInvalid(() => checkDpSync(noisyCount(1), { epsilon: 1, delta: 1 }, { neighbours }), /`delta` must be in \[0, 1\); got 1\./);
    expectInvalid(() => checkDpSync(noisyCount(1), { epsilon: 1 }, { neighbours, samples: 10 }), /`samples` must be an integer ≥ 20; got 10\./);
    expectInvalid(() => checkDpSync(noisyCount(1), { epsilon: 1 }, { neighbours, confidence: 1 }), /`confidence` must be in \(0, 1\); got 1\./);
  });

  it('checkDp rejects (does not throw synchronously) on bad input', async () => {
    await expect(checkDp(noisyCount(1), { epsilon: NaN }, { neighbours: [[], [1]] })).rejects.toBeInstanceOf(PrivkitError);
  });
});

describe('dpProperty', () => {
  it('passes fc.assert for the correct count over 10 pairs', () => {
    fc.assert(dpProperty(noisyCount(1), { epsilon: 1, delta: 0 }, { datasets: bits, samples: 10_000, runs: 10 }), { numRuns: 10, seed: 4 });
  });

  it('fails fc.assert for the broken count; the pair shrinks to [[], [1]] and the cause carries the ε bound, the event and the seed', () => {
    const out = fc.check(dpProperty(noisyCount(0.25), { epsilon: 1, delta: 0 }, { datasets: bits, samples: 10_000, runs: 10 }), { numRuns: 10, seed: 4 });
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0]).toEqual([[], [1]]);
    expect(String(out.errorInstance)).toMatch(/The claim ε = 1, δ = 0 is refuted: ε ≥ [\d.]+ at 99\.5% confidence .* D = \[\], D′ = \[1\]; 10000 samples per dataset, seed \d+\./);
  });

  it('refuses a bad run count', () => {
    expectInvalid(() => dpProperty(noisyCount(1), { epsilon: 1 }, { runs: 0 }), /`runs` must be an integer ≥ 1; got 0\./);
  });
});
