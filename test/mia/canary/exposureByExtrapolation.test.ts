import { describe, expect, it } from 'vitest';
import {
  exposureAll,
  exposureByExtrapolation,
  extrapolateExposure,
  fillCanary,
  parseCanaryFormat,
  sampleSkewNormal,
  skewNormalLogCdf,
  type SkewNormalParameters,
} from '../../../mia/canary/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';
import { hashCharModel, tableScorer } from './_mockScorers.js';

/**
 * A population that is exactly skew-normal: the n quantiles F⁻¹((i + ½)/n), by inverting log F tabulated
 * on a fine grid (linear interpolation of log F), assigned to candidates in a seeded random order.
 */
function skewNormalPopulation(parameters: SkewNormalParameters, n: number, seed: number): Float64Array {
  const grid = 8001;
  const lo = parameters.location - 3 * parameters.scale;
  const hi = parameters.location + 7 * parameters.scale;
  const xs = Float64Array.from({ length: grid }, (_, j) => lo + ((hi - lo) * j) / (grid - 1));
  const logF = xs.map((x) => skewNormalLogCdf(x, parameters));
  const sorted = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const target = Math.log((i + 0.5) / n);
    while (j < grid - 2 && logF[j + 1] < target) j++;
    sorted[i] = xs[j] + ((xs[j + 1] - xs[j]) * (target - logF[j])) / (logF[j + 1] - logF[j]);
  }
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [sorted[i], sorted[k]] = [sorted[k], sorted[i]];
  }
  return sorted;
}

describe('exposureByExtrapolation', () => {
  // 10⁶ candidates whose log-perplexities are exactly skew-normal (quantiles, shuffled): enumeration and
  // extrapolation then measure the same thing, up to the fit's sampling error.
  const format = parseCanaryFormat('my pin is {d6}');
  const truth = { location: 40, scale: 6, shape: 3 };
  const values = skewNormalPopulation(truth, 1_000_000, 99);
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const scorer = tableScorer(format, values);

  it('is close to exact interpolation over all of R (ranks 1000, 100, 10)', async () => {
    // Seed-to-seed standard deviation of the extrapolated exposure with 20 000 samples, measured:
    // ≈ 0.19, 0.29 and 0.40 bits at ranks 1000, 100 and 10 (no bias); the tolerances are 2.5 of them.
    for (const [rank, tolerance] of [[1000, 0.5], [100, 0.75], [10, 1]] as const) {
      const secret = fillCanary(format, order[rank - 1]);
      const exact = await exposureAll(format, scorer, secret, { batchSize: 10_000 });
      expect(exact.rank).toBe(rank);
      const extrapolated = await exposureByExtrapolation(format, scorer, secret, { samples: 20_000, seed: 1 });
      expect(extrapolated.targetLogPerplexity).toBe(values[order[rank - 1]]);
      expect(extrapolated.sampleCount).toBe(20_000);
      expect(extrapolated.ksStatistic).toBeLessThan(1.36 / Math.sqrt(20_000));
      expect(extrapolated.log2SpaceSize).toBe(format.log2SpaceSize);
      expect(Math.abs(extrapolated.exposure - exact.exposure), `rank ${rank}: ${extrapolated.exposure} vs ${exact.exposure}`).toBeLessThan(tolerance);
    }
  });

  it('is reproducible for a seed and scores samples + 1 texts', async () => {
    const secret = fillCanary(format, order[500]);
    const before = scorer.texts;
    const a = await exposureByExtrapolation(format, scorer, secret, { samples: 2000, seed: 7, batchSize: 300 });
    expect(scorer.texts - before).toBe(2001);
    expect(a.evaluations).toBe(2001);
    const b = await exposureByExtrapolation(format, scorer, secret, { samples: 2000, seed: 7 });
    expect(b.exposure).toBe(a.exposure);
    const c = await exposureByExtrapolation(format, scorer, secret, { samples: 2000, seed: 8 });
    expect(c.exposure).not.toBe(a.exposure);
  });

  it('gives the same exposure through the chain rule (SlotScorer) as through logPerplexity', async () => {
    const small = parseCanaryFormat('k{d3}.');
    const model = hashCharModel('0123456789k.');
    const viaSlots = await exposureByExtrapolation(small, model, 'k042.', { samples: 300, useSlotScorer: true });
    const viaTexts = await exposureByExtrapolation(small, model, 'k042.', { samples: 300 });
    expect(viaSlots.method).toBe('slotTree');
    expect(viaTexts.method).toBe('candidateScorer');
    // The two differ only by the constant −log₂ Pr("k"), which the fit's location absorbs.
    expect(viaSlots.exposure).toBeCloseTo(viaTexts.exposure, 6);
    expect(viaTexts.targetLogPerplexity - viaSlots.targetLogPerplexity).toBeCloseTo((await model.logPerplexity(['k']))[0], 9);
  });

  it('refuses a secret of another format and bad options', async () => {
    await expect(exposureByExtrapolation(format, scorer, 'my pin is 12')).rejects.toThrow(/does not match/);
    await expect(exposureByExtrapolation(format, scorer, fillCanary(format, 1), { samples: 5 })).rejects.toThrow(/`samples` must be at least 10; got 5/);
    await expect(exposureByExtrapolation(format, scorer, fillCanary(format, 1), { seed: 0.5 })).rejects.toThrow(/`seed` must be an integer/);
  });
});

describe('extrapolateExposure', () => {
  const samples = sampleSkewNormal({ location: 50, scale: 5, shape: 2 }, 5000, mulberry32(4));

  it('reaches 40+ bits without underflow, consistent with the fitted log-cdf', () => {
    for (const target of [30, 25, 15, 0]) {
      const r = extrapolateExposure(target, samples);
      expect(Number.isFinite(r.exposure)).toBe(true);
      expect(r.exposure).toBeCloseTo(-skewNormalLogCdf(target, r.fit) / Math.LN2, 10);
    }
    expect(extrapolateExposure(15, samples).exposure).toBeGreaterThan(40);
    expect(extrapolateExposure(0, samples).exposure).toBeGreaterThan(extrapolateExposure(15, samples).exposure);
  });

  it('is near 1 bit at the median and near 0 above all samples', () => {
    const sorted = Float64Array.from(samples).sort();
    expect(extrapolateExposure(sorted[2500], samples).exposure).toBeCloseTo(1, 1);
    expect(extrapolateExposure(sorted[4999] + 10, samples).exposure).toBeLessThan(1e-6);
  });

  it('refuses a non-finite target', () => {
    expectInvalid(() => extrapolateExposure(Infinity, samples), /`targetLogPerplexity` must be finite; got Infinity/);
  });
});
