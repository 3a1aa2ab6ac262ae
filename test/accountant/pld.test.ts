/**
 * PldAccountant: exactness of one step, upper-bound property after composition, tightness against
 * dp_accounting's published values, and agreement with closed forms.
 *
 * Independent references used here:
 * - the exact single-step privacy profile δ(ε) of dp_accounting's test suite (fixture vectors);
 * - the closed form of a composed Gaussian: T runs of N(0, σ²) are one run with σ/√T, and
 *   δ(ε) = Φ(−εs + 1/(2s)) − e^ε·Φ(−εs − 1/(2s)), s = σ/√T (Balle & Wang 2018, Thm 8);
 * - an optimistic (round-down) discretisation on a 2× finer grid, a lower bound on the true ε;
 * - dp_accounting's PLD values (interval 1e-4) from TF-Privacy's and the tables.
 *
 * Lanes: the fast lane (`npm test`) leaves two of the slowest checks (seconds of PLD work each) to
 * the reference lane (`npm run test:reference`): the grid-point check at q = 0.2, σ = 0.5 (the other
 * three settings run) and 'ε far beyond e^709'.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../fixtures/accountant_library_vectors.json' with { type: 'json' };
import {
  PldAccountant,
  PrivkitError,
  RdpAccountant,
  composed,
  gaussian,
  laplace,
  logNdtr,
  nonPrivate,
  noOp,
  poissonSampled,
  selfComposed,
} from '../../accountant/index.js';
import {
  coarsen,
  compose,
  deltaForEpsilon,
  discretizeProfile,
  epsilonForDelta,
  selfCompose,
} from '../../accountant/_internals/pld/discretePld.js';
import {
  laplaceProfile,
  profileDelta,
  sampledGaussianAdd,
  sampledGaussianRemove,
} from '../../accountant/_internals/pld/lossProfiles.js';
import { isFastLane, referenceLaneIt } from '../_support/lanes.js';
import { optimisticPld } from '../_support/optimisticPld.js';

interface Vector {
  test: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}
const all = (vectors as { vectors: Vector[] }).vectors;

/** Inverts a decreasing δ(ε) by bisection to 1e-13. */
function invert(deltaOf: (eps: number) => number, delta: number, hi = 400): number {
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (deltaOf(mid) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

function gaussianCompositionDelta(sigma: number, steps: number, eps: number): number {
  const s = sigma / Math.sqrt(steps);
  // In logs: e^ε overflows for the large ε of the extreme cases.
  const a = logNdtr(-eps * s + 1 / (2 * s));
  const b = eps + logNdtr(-eps * s - 1 / (2 * s));
  return a > b ? Math.exp(a) * -Math.expm1(b - a) : 0;
}

describe('exact single-step privacy profiles (dp_accounting privacy_loss_mechanism_test)', () => {
  const cases = all.filter(
    (v) => v.test.startsWith('privacy_loss_mechanism_test.test_gaussian_get_delta_for_epsilon') && v.inputs.adjacency_type !== 'REPLACE',
  );
  it.each(cases.map((v, i) => [i, v] as const))('vector %i', (_i, v) => {
    const sd = v.inputs.standard_deviation as number;
    const sens = v.inputs.sensitivity as number;
    const q = v.inputs.sampling_prob as number;
    const profile = v.inputs.adjacency_type === 'ADD' ? sampledGaussianAdd(q, sd / sens) : sampledGaussianRemove(q, sd / sens);
    const epsilons = (v.inputs.epsilons ?? [v.inputs.epsilon]) as number[];
    const expected = (v.expected.deltas ?? [v.expected.delta]) as number[];
    epsilons.forEach((eps, k) => expect(profileDelta(profile, eps)).toBeCloseTo(expected[k], 7));
  });
});

describe('connect-the-dots discretisation', () => {
  const settings: [number, number][] = [
    [0.001, 0.8],
    [0.05, 1.5],
    [0.2, 0.5],
    [1, 2],
  ];
  it.each(isFastLane() ? settings.filter(([q, sigma]) => !(q === 0.2 && sigma === 0.5)) : settings)('matches δ exactly at every grid point and is a probability distribution (q=%f, σ=%f)', (q, sigma) => {
    for (const profile of [sampledGaussianRemove(q, sigma), sampledGaussianAdd(q, sigma)]) {
      const pld = discretizeProfile(profile, 1e-4);
      let total = pld.infinityMass;
      for (const m of pld.masses) {
        expect(m).toBeGreaterThanOrEqual(0);
        total += m;
      }
      expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      for (let k = 0; k < pld.masses.length; k += 313) {
        const eps = (pld.offset + k) * pld.interval;
        if (eps < 0) continue;
        const exact = profileDelta(profile, eps);
        expect(Math.abs(deltaForEpsilon(pld, eps) - exact)).toBeLessThanOrEqual(1e-12 * exact + 1e-300);
      }
    }
  });

  it('one step: ε(δ) is an upper bound within one grid step of the exact inverse', () => {
    for (const [q, sigma] of settings) {
      for (const profile of [sampledGaussianRemove(q, sigma), sampledGaussianAdd(q, sigma)]) {
        const pld = discretizeProfile(profile, 1e-4);
        for (const delta of [1e-3, 1e-6, 1e-9]) {
          const exact = invert((e) => profileDelta(profile, e), delta);
          const ours = epsilonForDelta(pld, delta);
          expect(ours).toBeGreaterThanOrEqual(exact - 1e-12);
          expect(ours - exact).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it('Laplace: δ(ε) = 1 − e^{(ε − 1/b)/2} on [0, 1/b), ε(δ→0) → 1/b', () => {
    const b = 0.5;
    const pld = discretizeProfile(laplaceProfile(b), 1e-4);
    for (const eps of [0, 0.5, 1, 1.9]) expect(deltaForEpsilon(pld, eps)).toBeCloseTo(1 - Math.exp((eps - 1 / b) / 2), 10);
    expect(deltaForEpsilon(pld, 2)).toBe(0);
    const acc = new PldAccountant().compose(laplace(b), 3);
    expect(acc.getEpsilon(1e-12)).toBeLessThanOrEqual(3 / b + 1e-9);
    expect(acc.getEpsilon(1e-12)).toBeGreaterThan(3 / b - 0.01);
  });
});

describe('composition', () => {
  it('self-composition by FFT power equals repeated linear convolution', () => {
    const base = discretizeProfile(sampledGaussianRemove(0.01, 0.8), 1e-3);
    let direct = base;
    for (let t = 2; t <= 20; t++) direct = compose(direct, base, 0);
    const tail = 1e-15;
    const power = selfCompose(base, 20, tail);
    // The power form drops at most `tail` into m_∞; beyond that only FFT round-off, ≈ 2^-52·log2(size)
    // of total mass per FFT composition (19 of them on the direct path).
    const roundOff = 19 * 2 ** -52 * Math.log2(2 * direct.masses.length);
    for (let eps = 0; eps < 8; eps += 0.25) {
      expect(Math.abs(deltaForEpsilon(power, eps) - deltaForEpsilon(direct, eps))).toBeLessThanOrEqual(tail + roundOff);
    }
  });

  it('T Gaussians: upper bound on the closed form, within 2e-4 absolute (Balle & Wang 2018)', () => {
    for (const [sigma, steps, delta] of [
      [1, 1, 1e-5],
      [2, 100, 1e-6],
      [5, 1000, 1e-8],
      [0.8, 10, 1e-3],
      [20, 50, 1e-5],
    ]) {
      const exact = invert((e) => gaussianCompositionDelta(sigma, steps, e), delta);
      const ours = new PldAccountant().compose(gaussian(sigma), steps).getEpsilon(delta);
      // FFT round-off is ~1e-16 per mass; 1e-7 relative covers it and nothing else.
      expect(ours).toBeGreaterThanOrEqual(exact * (1 - 1e-7));
      expect(ours - exact).toBeLessThan(2e-4);
    }
  });

  it.each([
    [0.001, 0.8, 100, 1e-6],
    [0.01, 1.0, 1000, 1e-5],
    [0.2, 0.5, 3, 0.15594],
    [0.05, 2.0, 200, 1e-6],
  ])('subsampled Gaussian q=%f σ=%f T=%i: never below an optimistic PLD on a finer grid', (q, sigma, steps, delta) => {
    const ours = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta);
    let lower = 0;
    for (const profile of [sampledGaussianRemove(q, sigma), sampledGaussianAdd(q, sigma)]) {
      const composedOpt = selfCompose(optimisticPld(profile, 5e-5), steps, 1e-15);
      // selfCompose adds the truncated tail to m_∞; an optimistic bound must not count it.
      lower = Math.max(lower, epsilonForDelta({ ...composedOpt, infinityMass: 0 }, delta * (1 + 1e-9)));
    }
    expect(ours).toBeGreaterThanOrEqual(lower);
    // Rounding down moves each of the T losses by < 5e-5 and ours overstates each by < 1e-4 (it is
    // tighter than rounding up), so the two bracket the true ε within T·1.5e-4.
    expect(ours - lower).toBeLessThanOrEqual(steps * 1.5e-4);
  });
});

describe("published values (dp_accounting PLD, interval 1e-4)", () => {
  it.each([
    // The table.
    [256 / 60000, 1.1, 14063, 1e-5, 2.382],
    [0.01, 1.0, 10000, 1e-5, 6.188],
  ])('q=%f σ=%f T=%i δ=%f → ε ≈ %f (1%%), and 5–15%% below RDP', (q, sigma, steps, delta, expected) => {
    const event = poissonSampled(q, gaussian(sigma));
    const pld = new PldAccountant().compose(event, steps).getEpsilon(delta);
    const rdp = new RdpAccountant().compose(event, steps).getEpsilon(delta);
    expect(Math.abs(pld - expected) / expected).toBeLessThan(0.01);
    expect(1 - pld / rdp).toBeGreaterThan(0.05);
    expect(1 - pld / rdp).toBeLessThan(0.15);
  });

  const tfp = all.filter((v) => v.test.startsWith('compute_dp_sgd_privacy_test.test_compute_dp_sgd_example_privacy') && v.test.endsWith('_pld'));
  it.each(tfp.map((v) => [v.test.split('.').pop() as string, v] as const))('TF-Privacy %s', (_name, v) => {
    const sigma = v.inputs.effective_sigma as number;
    const count = v.inputs.count as number;
    const q = v.inputs.poisson_subsampling_probability as number | null;
    const event = q === null ? gaussian(sigma) : poissonSampled(q, gaussian(sigma));
    const eps = new PldAccountant().compose(event, count).getEpsilon(v.inputs.example_delta as number);
    expect(Math.abs(eps - (v.expected.epsilon as number)) / (v.expected.epsilon as number)).toBeLessThan(0.01);
  });

  it('dp_accounting pld_privacy_accountant_test: Gaussian(√3) three times ≡ μ = 1 GDP; PoissonSampled(0.2, Gaussian(0.5)) three times', () => {
    const g = new PldAccountant().compose(gaussian(Math.sqrt(3)), 1).compose(gaussian(Math.sqrt(3)), 2);
    expect(g.getDelta(1)).toBeCloseTo(0.126936, 3);
    expect(g.getEpsilon(0.126936)).toBeCloseTo(1, 3);
    const s = new PldAccountant().compose(poissonSampled(0.2, gaussian(0.5)), 1).compose(poissonSampled(0.2, gaussian(0.5)), 2);
    expect(s.getDelta(1)).toBeCloseTo(0.15594, 3);
    expect(s.getEpsilon(0.15594)).toBeCloseTo(1, 3);
  });

  it("Opacus PRV values are upper estimates (PRV's eps_upper carries its error budget): ours ≤ them", () => {
    const prv = all.filter((v) => v.test.startsWith('tests/prv_accountant.py') && (v.inputs.steps as number) <= 1000);
    expect(prv.length).toBeGreaterThan(5);
    for (const v of prv) {
      const { sigma, q, steps, delta } = v.inputs as { sigma: number; q: number; steps: number; delta: number };
      const ours = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta);
      expect(ours).toBeLessThanOrEqual((v.expected.epsilon as number) + 1e-9);
    }
  });
});

describe('extreme settings', () => {
  referenceLaneIt('ε far beyond e^709 (σ_total = 0.5/√1e5): still an upper bound on the closed form, within the coarsened grid', () => {
    const [sigma, steps, delta] = [0.5, 100_000, 1e-8];
    const acc = new PldAccountant().compose(poissonSampled(1, gaussian(sigma)), steps);
    const exact = invert((e) => gaussianCompositionDelta(sigma, steps, e), delta, 1e6);
    const ours = acc.getEpsilon(delta);
    expect(ours).toBeGreaterThanOrEqual(exact * (1 - 1e-7));
    // 4e9 points at Δ = 1e-4 are coarsened to Δ·2^10; the bound is within a few coarse steps.
    expect(ours - exact).toBeLessThan(4 * 1e-4 * 1024);
  });

  it('Gaussians of different σ compose in closed form: σ^-2 adds', () => {
    const two = new PldAccountant().compose(gaussian(1)).compose(gaussian(2), 3).getEpsilon(1e-6);
    const one = new PldAccountant().compose(gaussian(1 / Math.sqrt(1 + 3 / 4))).getEpsilon(1e-6);
    expect(two).toBe(one);
    const exact = invert((e) => gaussianCompositionDelta(1 / Math.sqrt(1 + 3 / 4), 1, e), 1e-6);
    expect(two).toBeGreaterThanOrEqual(exact - 1e-12);
    expect(two - exact).toBeLessThan(1e-4);
  });

  it('coarsening rounds losses up: δ never decreases, mass is preserved', () => {
    const fine = discretizeProfile(sampledGaussianRemove(0.05, 0.9), 1e-4);
    for (const factor of [2, 8, 64]) {
      const coarse = coarsen(fine, factor);
      let total = coarse.infinityMass;
      for (const m of coarse.masses) total += m;
      expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      for (let eps = 0; eps < 6; eps += 0.1) expect(deltaForEpsilon(coarse, eps)).toBeGreaterThanOrEqual(deltaForEpsilon(fine, eps) - 1e-15);
    }
  });

  it('large sampling rate and many steps stays finite and below RDP', () => {
    const e = poissonSampled(0.5, gaussian(0.5));
    const pld = new PldAccountant().compose(e, 20_000).getEpsilon(1e-8);
    const rdp = new RdpAccountant().compose(e, 20_000).getEpsilon(1e-8);
    expect(Number.isFinite(pld)).toBe(true);
    expect(pld).toBeLessThan(rdp);
    expect(pld).toBeGreaterThan(0.8 * rdp);
  });
});

describe('accountant behaviour', () => {
  it('supports the same events as RDP; poissonSampled of Laplace is UNSUPPORTED_EVENT naming it, state unchanged', () => {
    const acc = new PldAccountant().compose(gaussian(2));
    const before = acc.getEpsilon(1e-5);
    const bad = composed([gaussian(1), poissonSampled(0.1, laplace(1))]);
    expect(acc.supports(bad)).toBe(false);
    expect(() => acc.compose(bad)).toThrowError(/poissonSampled\(q=0\.1, laplace\(b=1\)\)/);
    try {
      acc.compose(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(PrivkitError);
      expect((e as PrivkitError).code).toBe('UNSUPPORTED_EVENT');
    }
    expect(acc.ledger).toHaveLength(1);
    expect(acc.getEpsilon(1e-5)).toBe(before);
  });

  it('noOp costs nothing, nonPrivate is infinite, sampling rate 0 costs nothing', () => {
    expect(new PldAccountant().compose(noOp(), 5).getEpsilon(1e-5)).toBe(0);
    expect(new PldAccountant().compose(poissonSampled(0, gaussian(0.1)), 5).getEpsilon(1e-5)).toBe(0);
    expect(new PldAccountant().compose(nonPrivate()).getEpsilon(1e-5)).toBe(Infinity);
    expect(new PldAccountant().compose(nonPrivate()).getDelta(10)).toBe(1);
  });

  it('compose(e, n) ≡ selfComposed(e, n) ≡ composed([e × n]) and the JSON state restores exactly', () => {
    const e = poissonSampled(0.05, gaussian(1.3));
    const a = new PldAccountant().compose(e, 6).getEpsilon(1e-6);
    const b = new PldAccountant().compose(selfComposed(e, 6)).getEpsilon(1e-6);
    const c = new PldAccountant().compose(composed([e, e, e, e, e, e])).getEpsilon(1e-6);
    expect(b).toBe(a);
    expect(c).toBe(a);
    const acc = new PldAccountant({ valueDiscretizationInterval: 2e-4 }).compose(e, 4).compose(gaussian(5), 2);
    const restored = PldAccountant.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    expect(restored.valueDiscretizationInterval).toBe(2e-4);
    expect(restored.getEpsilon(1e-6)).toBe(acc.getEpsilon(1e-6));
    expect(restored.ledger).toEqual(acc.ledger);
  });

  it('rejects bad options and arguments with INVALID_ARGUMENT naming the field', () => {
    expect(() => new PldAccountant({ valueDiscretizationInterval: 0 })).toThrowError(/`valueDiscretizationInterval` must be in \(0, 1\]; got 0/);
    expect(() => new PldAccountant().getEpsilon(0)).toThrowError(/`delta` must be in \(0, 1\); got 0/);
    expect(() => new PldAccountant().getDelta(-1)).toThrowError(/`epsilon` must be in \[0, ∞\); got -1/);
    expect(() => new PldAccountant().compose(gaussian(1), 1.5)).toThrowError(/`count` must be an integer ≥ 0; got 1.5/);
  });
});
