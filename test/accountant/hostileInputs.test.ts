/**
 * Hostile numbers for the accountants (issue 11 §6): σ from 1e-300 to the largest double, q down to
 * 5e-324, 2^53 − 1 steps, δ at both ends of (0, 1), targets from 1e-300 to 1e300. First the cases
 * that broke, each against an independent reference (a closed form, a limit, a brute-force sum or
 * quadrature computed here, or mpmath at 60 digits); then a sweep of every hostile value through
 * every library entry point, asserting a number in range (never NaN) or, from a search, a typed
 * UNREACHABLE_TARGET, in time.
 *
 * Lanes: everything here is the PLD accountant's own time, seconds per case at these values. The fast
 * lane (`npm test`) runs a fixed sample: every named case but the seven slowest (σ = 1e-100 for the
 * binomial quantile, T = 1e12 for the CLT, the two 1.5·10^6 compose calls, maxSteps at δ = 0.99 and
 * 1 − 1e-12, the option 'PLD interval 1e-300'; each has a faster sibling in the fast lane), and the
 * sweep without the pairs in {@link REFERENCE_LANE_ONLY}. The reference lane (`npm run
 * test:reference`, PRIVKIT_REFERENCE set) runs everything.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';
import { describe, expect, it } from 'vitest';
import {
  MAX_RDP_ORDER,
  MIN_NOISE_MULTIPLIER,
  PldAccountant,
  PrivkitError,
  RdpAccountant,
  DEFAULT_RDP_ORDERS,
  calibrateNoiseMultiplier,
  dpSgdEpsilon,
  gaussian,
  laplace,
  maxSteps,
  poissonSampled,
  selfComposed,
} from '../../accountant/index.js';
import { logAMinusOneQuadrature } from '../../accountant/_internals/sampledGaussianRdp.js';
import { expectInvalid, privkitErrorOf } from '../_support/errors.js';
import { isFastLane, referenceLaneIt } from '../_support/lanes.js';

/** erf(x) = 1 − erfc(x) (stdlib), for x where that loses nothing that matters here (x ≳ 1e-3). */
const erf = (x: number): number => 1 - erfc(x);
/** Φ(x) by stdlib's erfc. */
const ndtr = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** log P(K ≥ k) for K ~ Binomial(n, p), summed term by term in logs (brute force). */
function logBinomialTail(n: number, p: number, k: number): number {
  const logPmf = (j: number): number => {
    let c = 0;
    for (let i = 0; i < j; i++) c += Math.log(n - i) - Math.log(i + 1);
    return c + j * Math.log(p) + (n - j) * Math.log1p(-p);
  };
  let max = -Infinity;
  const terms: number[] = [];
  for (let j = k; j <= n; j++) {
    const t = logPmf(j);
    terms.push(t);
    if (t > max) max = t;
    if (t < max - 60) break; // the rest is below e^-60 of the largest term
  }
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

describe('RDP at huge σ, tiny q and huge b: the limits, never NaN, never negative', () => {
  it.each([1e10, 1e50, 1e100, 1e150])('σ = %s: RDP(α) → α·q²/(2σ²) (the first term of e^{1/σ²} − 1), at every default order', (sigma) => {
    // Reference: A_α − 1 = C(α,2)·q²·(e^{1/σ²} − 1)·(1 + O(α q/σ²)), so RDP(α) = α q²/(2σ²) to ~1e-20.
    const q = 0.01;
    const rdp = new RdpAccountant().compose(poissonSampled(q, gaussian(sigma))).rdpVector();
    DEFAULT_RDP_ORDERS.forEach((a, i) => {
      const limit = (a * q * q) / (2 * sigma * sigma);
      if (limit < 1e-300) return; // subnormal: checked below
      expect(Math.abs(rdp[i] / limit - 1), `α = ${a}`).toBeLessThan(1e-9);
    });
  });

  it.each([1e155, 1e200, 1e300, Number.MAX_VALUE])('σ = %s (σ² overflows; it gave NaN or hung): RDP rounded up to the least double, ε = 0 at δ = 1e-5', (sigma) => {
    const acc = new RdpAccountant().compose(poissonSampled(0.01, gaussian(sigma)), 1000);
    // α q²/(2σ²) < 1e-305: subnormal or below the least double; an upper bound must not round it to 0.
    for (const r of acc.rdpVector()) {
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(1e-300);
    }
    // Closed form: one step has TV = q·erf(1/(2√2σ)) < 1e-150, so δ ≥ 1e-5 needs ε = 0 exactly.
    expect(acc.getEpsilon(1e-5)).toBe(0);
    // Where one step's TV, q·erf(1/(2√2σ)) ≈ 0.004/σ, exceeds δ = 1e-300, the true ε there is > 0
    // (δ(0) ≥ that TV), so the bound must not be 0; either way it is finite.
    const tiny = acc.getEpsilon(1e-300);
    expect(Number.isFinite(tiny)).toBe(true);
    if (0.004 / sigma > 1e-300) expect(tiny).toBeGreaterThan(0);
  });

  it.each([1e-300, 5e-324])('q = %s: log(A_α − 1) by quadrature equals the q → 0 limit log C(α,2) + 2 log q + log(e^{1/σ²} − 1), fast', (q) => {
    // It gave NaN after exhausting its evaluation budget (every term underflowed), ~3 s per order.
    for (const sigma of [0.5, 1, 4]) {
      for (const a of [1.1, 2.5, 10.9, 63.5]) {
        const limit = Math.log((a * (a - 1)) / 2) + 2 * Math.log(q) + Math.log(Math.expm1(1 / (sigma * sigma)));
        expect(Math.abs(logAMinusOneQuadrature(q, sigma, a) / limit - 1), `σ = ${sigma}, α = ${a}`).toBeLessThan(1e-12);
      }
    }
    const start = performance.now();
    new RdpAccountant().compose(poissonSampled(q, gaussian(0.7)), 10);
    expect(performance.now() - start).toBeLessThan(5000); // all 156 orders; it took minutes
  });

  it('Laplace with large b: RDP matches mpmath (60 digits) to 1e-13 and tends to α/(2b²); it went negative at b = 1e10', () => {
    // mpmath: log(α/(2α−1)·e^{(α−1)/b} + (α−1)/(2α−1)·e^{−α/b})/(α−1) at mp.dps = 60.
    for (const [b, a, reference] of [
      [100, 1.1, 5.4817024054799706e-5],
      [1000, 1.1, 5.4981670241556484e-7],
      [1e4, 2, 9.9996666416691667e-9],
      [1e6, 1.1, 5.4999981666670246e-13],
      [1e10, 10, 4.9999999998333333e-20],
    ]) {
      const rdp = new RdpAccountant({ orders: [a] }).compose(laplace(b)).rdpVector()[0];
      expect(Math.abs(rdp / reference - 1), `b = ${b}, α = ${a}`).toBeLessThan(1e-13);
    }
    for (const b of [1e10, 1e100, 1e300]) {
      const acc = new RdpAccountant().compose(laplace(b), 10);
      for (const r of acc.rdpVector()) expect(r).toBeGreaterThan(0);
      expect(acc.getEpsilon(1e-5)).toBe(0);
    }
  });

  it(`orders above MAX_RDP_ORDER = ${MAX_RDP_ORDER} are INVALID_ARGUMENT (α = 1e300 asked for an array of that length)`, () => {
    expectInvalid(() => new RdpAccountant({ orders: [2, 1e300] }), /`orders\[1\]` must be at most 1000000 .*; got 1e\+300\./);
    expectInvalid(() => new RdpAccountant({ orders: [1e9] }), /`orders\[0\]` must be at most 1000000/);
    expect(new RdpAccountant({ orders: [MAX_RDP_ORDER] }).orders).toEqual([1e6]);
  });
});

describe('PLD at tiny and huge σ', () => {
  it.each(isFastLane() ? [1e-10] : [1e-10, 1e-100])('σ = %s: ε is the (1 − δ)-quantile of K/(2σ²), K ~ Binomial(T, q) (it reported 10.05, an ε far too small)', (sigma) => {
    // Reference: a sampled step leaks 1/(2σ²) ± 1/σ (astronomic), an unsampled one log(1 − q) ≈ −0.01,
    // so the loss is K/(2σ²) up to a relative 1e-9, and ε(δ) = k*/(2σ²) with k* the least k such
    // that P(K > k) ≤ δ (brute-force binomial tail).
    const [q, steps, delta] = [0.01, 1000, 1e-5];
    let k = 0;
    while (logBinomialTail(steps, q, k + 1) > Math.log(delta)) k++;
    const reference = k / (2 * sigma * sigma);
    const eps = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta);
    expect(eps).toBeGreaterThanOrEqual(reference * (1 - 1e-9));
    expect(eps).toBeLessThanOrEqual(reference * (1 + 2e-3)); // the grid is ~1e-3 of the range wide there
    // RDP is an upper bound too.
    expect(new RdpAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta)).toBeGreaterThanOrEqual(reference);
  });

  it('σ = 1e-300 (the loss 1/(2σ²) overflows; it was an INTERNAL error): ε = ∞, and δ(ε) = 1 − (1 − q)^T, the chance of ever being sampled', () => {
    const [q, steps] = [0.01, 1000];
    const acc = new PldAccountant().compose(poissonSampled(q, gaussian(1e-300)), steps);
    expect(acc.getEpsilon(1e-5)).toBe(Infinity);
    const everSampled = -Math.expm1(steps * Math.log1p(-q));
    expect(Math.abs(acc.getDelta(5) / everSampled - 1)).toBeLessThan(1e-9);
  });

  it('the same at the finest grid option (valueDiscretizationInterval 1e-300: range/interval overflowed, and ε came out 0.10)', () => {
    const [q, steps] = [0.01, 10];
    const acc = new PldAccountant({ valueDiscretizationInterval: 1e-300 }).compose(poissonSampled(q, gaussian(1e-300)), steps);
    expect(acc.getEpsilon(1e-5)).toBe(Infinity);
    expect(Math.abs(acc.getDelta(5) / -Math.expm1(steps * Math.log1p(-q)) - 1)).toBeLessThan(1e-9);
  });

  it.each([1e100, 1e154, 1e200, 1e300, Number.MAX_VALUE])('σ = %s (it was "PLD loss range [0, 0] cannot be discretised"): ε = 0, δ(ε) ≤ T·q·erf(1/(2√2σ))', (sigma) => {
    const [q, steps] = [0.01, 1000];
    const acc = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps);
    // Closed form: each step's TV is q·erf(1/(2√2σ)) ≈ q·0.399/σ; composed, at most T times that.
    expect(acc.getEpsilon(1e-5)).toBe(0);
    const tvBound = steps * q * (0.4 / sigma);
    for (const eps of [0, 0.5, 10]) {
      const d = acc.getDelta(eps);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(tvBound);
    }
    expect(new PldAccountant().compose(gaussian(sigma), 3).getEpsilon(1e-9)).toBe(0);
  });

  it('Laplace with b = 1e-300 (it reported ε = 0): ε = 10/b, the pure-DP ε of 10 runs, and tiny-b PLDs never under-report', () => {
    const acc = new PldAccountant().compose(laplace(1e-300), 10);
    const eps = acc.getEpsilon(1e-5);
    expect(eps).toBeGreaterThanOrEqual(1e301 * (1 - 1e-12));
    expect(eps).toBeLessThanOrEqual(1e301 * 1.01);
  });
});

describe('PLD with 10^12 steps and more (Maximum call stack size exceeded)', () => {
  /** Mean, variance and third cumulant of the remove-adjacency loss of one step, by trapezoid quadrature on x. */
  function lossMoments(q: number, sigma: number): { mean: number; variance: number; k3: number } {
    const h = 1e-3;
    let [m1, m2, m3] = [0, 0, 0];
    for (let x = -12 * sigma; x <= 1 + 12 * sigma; x += h) {
      const p = (1 - q) * Math.exp(-(x * x) / (2 * sigma * sigma)) + q * Math.exp(-((x - 1) ** 2) / (2 * sigma * sigma));
      const w = (h * p) / (sigma * Math.sqrt(2 * Math.PI));
      const loss = Math.log1p(q * Math.expm1((2 * x - 1) / (2 * sigma * sigma)));
      m1 += w * loss;
      m2 += w * loss * loss;
      m3 += w * loss ** 3;
    }
    return { mean: m1, variance: m2 - m1 * m1, k3: m3 - 3 * m1 * m2 + 2 * m1 ** 3 };
  }

  /** log Φ̄(x), by stdlib's erfc and erfcx (no underflow). */
  const logUpper = (x: number): number => (x < 5 ? Math.log(0.5 * erfc(x / Math.SQRT2)) : Math.log(0.5 * erfcx(x / Math.SQRT2)) - (x * x) / 2);

  /**
   * ε(δ) of the T-fold sum by the central limit theorem: under P the summed loss L has mean m = Tμ,
   * sd s = √(Tv) and skewness γ = Tκ₃/s³ (Cornish–Fisher: P(L > ε) = Φ̄(w − (w² − 1)γ/6), w = (ε − m)/s),
   * and δ(ε) = P(L > ε) − e^ε·E_P[e^{−L}; L > ε], the second term for Gaussian L being
   * e^{ε − m + s²/2}·Φ̄((ε − m + s²)/s). Solved for δ by bisection.
   */
  function cltEpsilon(q: number, sigma: number, steps: number, delta: number): { eps: number; sd: number } {
    const { mean, variance, k3 } = lossMoments(q, sigma);
    const [m, s] = [steps * mean, Math.sqrt(steps * variance)];
    const skew = (steps * k3) / s ** 3;
    const deltaOf = (eps: number): number => {
      const w = (eps - m) / s;
      return Math.exp(logUpper(w - ((w * w - 1) * skew) / 6)) - Math.exp(eps - m + (s * s) / 2 + logUpper((eps - m + s * s) / s));
    };
    let [lo, hi] = [m, m + 10 * s];
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (deltaOf(mid) > delta) lo = mid;
      else hi = mid;
    }
    return { eps: hi, sd: s };
  }

  it.each(isFastLane() ? [2 ** 24] : [2 ** 24, 1e12])('T = %s (by repeated squaring): ε is the CLT value, within 0.01 sd below and 1e-4 above', (steps) => {
    const [q, sigma, delta] = [0.01, 1, 1e-5];
    const reference = cltEpsilon(q, sigma, steps, delta);
    const start = performance.now();
    const eps = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta);
    expect(performance.now() - start).toBeLessThan(60_000);
    expect(eps).toBeGreaterThanOrEqual(reference.eps - 0.01 * reference.sd);
    expect(eps).toBeLessThanOrEqual(reference.eps * (1 + 1e-4));
    expect(eps).toBeLessThan(new RdpAccountant().compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta));
  });

  referenceLaneIt('two compose calls of 1.5·10^6 runs are one self-composition of 3·10^6 (the leaf is counted once)', () => {
    const event = poissonSampled(0.01, gaussian(1));
    const direct = new PldAccountant().compose(event, 3_000_000).getEpsilon(1e-5);
    expect(new PldAccountant().compose(event, 1_500_000).compose(event, 1_500_000).getEpsilon(1e-5)).toBe(direct);
  });

  it('more than 2^53 − 1 runs of one mechanism is INVALID_ARGUMENT naming the limit, and the state is unchanged', () => {
    const event = poissonSampled(0.01, gaussian(1));
    const acc = new PldAccountant().compose(event, Number.MAX_SAFE_INTEGER);
    expectInvalid(() => acc.compose(event), /at most 2\^53 − 1 = 9007199254740991 runs of one mechanism; poissonSampled\(q=0\.01, gaussian\(σ=1\)\) would run 9007199254740992 times/);
    expect(acc.ledger).toHaveLength(1);
    expectInvalid(() => new PldAccountant().compose(selfComposed(selfComposed(event, 1e9), 1e9)), /would run 1000000000000000000 times/);
    // RDP has no such limit: RDP adds up exactly, 10^18 runs is 10^18 times one run's RDP.
    const nested = new RdpAccountant().compose(selfComposed(selfComposed(event, 1e9), 1e9)).rdpVector();
    const one = new RdpAccountant().compose(event).rdpVector();
    nested.forEach((r, i) => expect(Math.abs(r / (1e18 * one[i]) - 1)).toBeLessThan(1e-15));
  });
});

describe('the total-variation bound: ε = 0 exactly where δ ≥ 1 − Π(1 − TV)', () => {
  it('PLD: ε(δ) = 0 from δ₀ = 1 − (1 − q·erf(1/(2√2σ)))^T on, and > 0 just below it where that bound is exact', () => {
    // At σ = 0.1 a sampled step all but reveals the record (erf(3.54) = 1 − 6e-7), so the composed
    // δ(0) is the chance of ever being sampled, 1 − (1 − q)^T: the bound is exact, and below it ε > 0.
    const [q, sigma, steps] = [0.01, 0.1, 100];
    const delta0 = 1 - (1 - q * erf(1 / (2 * Math.SQRT2 * sigma))) ** steps; // 0.634…
    const acc = new PldAccountant().compose(poissonSampled(q, gaussian(sigma)), steps);
    expect(acc.getEpsilon(delta0 * (1 + 1e-9))).toBe(0);
    expect(acc.getEpsilon(delta0 * 0.99)).toBeGreaterThan(0);
    for (const eps of [0, 0.1, 1]) expect(acc.getDelta(eps)).toBeLessThanOrEqual(delta0 * (1 + 1e-9));
  });

  it('q = 1e-300 at σ = 1e-3 (the record is almost surely never used): ε = 0 at once, without a PLD', () => {
    const start = performance.now();
    expect(new PldAccountant().compose(poissonSampled(1e-300, gaussian(1e-3)), 100).getEpsilon(1e-5)).toBe(0);
    expect(performance.now() - start).toBeLessThan(200); // building that PLD takes seconds
  });
});

describe('calibration and maxSteps at the edges (they hung)', () => {
  it.each([
    ['q = 1e-300', { targetEpsilon: 3, delta: 1e-5, sampleRate: 1e-300, steps: 100 }],
    ['δ = 0.99', { targetEpsilon: 3, delta: 0.99, sampleRate: 0.01, steps: 100 }],
  ])('PLD, %s: every σ gives ε = 0 (δ ≥ 1 − (1 − q)^T), so the answer is the floor MIN_NOISE_MULTIPLIER', (_name, options) => {
    // Reference: whatever σ, a record is used with probability 1 − (1 − q)^T ≤ δ, so ε = 0.
    expect(1 - (1 - options.sampleRate) ** options.steps).toBeLessThanOrEqual(options.delta);
    const sigma = calibrateNoiseMultiplier({ ...options, accountant: 'pld' });
    expect(sigma).toBe(MIN_NOISE_MULTIPLIER);
    expect(dpSgdEpsilon('pld', sigma, options.sampleRate, options.steps, options.delta)).toBe(0);
  });

  it.each([
    ['q = 1e-300', { targetEpsilon: 3, delta: 1e-5, sampleRate: 1e-300, steps: 100 }],
    ['δ = 0.99', { targetEpsilon: 3, delta: 0.99, sampleRate: 0.01, steps: 100 }],
    ['target 1e300', { targetEpsilon: 1e300, delta: 1e-5, sampleRate: 0.01, steps: 100 }],
  ])('RDP, %s: the defining property (σ meets the target, σ·(1 − 1e-3) does not), or the floor', (_name, options) => {
    const sigma = calibrateNoiseMultiplier(options);
    const eps = (s: number): number => dpSgdEpsilon('rdp', s, options.sampleRate, options.steps, options.delta);
    expect(eps(sigma)).toBeLessThanOrEqual(options.targetEpsilon);
    if (sigma > MIN_NOISE_MULTIPLIER) expect(eps(sigma * (1 - 1e-3))).toBeGreaterThan(options.targetEpsilon);
    else expect(sigma).toBe(MIN_NOISE_MULTIPLIER);
  });

  it('an unreachable PLD target at δ below the truncated tails says so in its message and details', () => {
    const error = privkitErrorOf(() => calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-300, sampleRate: 0.01, steps: 100, accountant: 'pld' }));
    expect(error.code).toBe('UNREACHABLE_TARGET');
    expect(error.message).toMatch(/certifies no finite ε at δ = 1e-300/);
    expect(error.details).toMatchObject({ epsilonAtMaxNoise: Infinity });
  });

  it.each(isFastLane() ? [0.5] : [0.5, 0.99, 1 - 1e-12])('maxSteps (PLD) at δ = %s: T meets the target and T + 1 does not', (delta) => {
    const opts = { noiseMultiplier: 1, sampleRate: 0.01, delta, targetEpsilon: 3, accountant: 'pld' as const };
    const steps = maxSteps(opts);
    expect(dpSgdEpsilon('pld', 1, 0.01, steps, delta)).toBeLessThanOrEqual(3);
    expect(dpSgdEpsilon('pld', 1, 0.01, steps + 1, delta)).toBeGreaterThan(3);
  });
});

describe('hostile accountant options: a number or a typed error, in time', () => {
  const step = poissonSampled(0.01, gaussian(1));
  const options: [string, () => number][] = [
    ['RDP orders [1 + 1e-15]', () => new RdpAccountant({ orders: [1 + 1e-15] }).compose(step, 100).getEpsilon(1e-5)],
    ['RDP orders [1e6]', () => new RdpAccountant({ orders: [1e6] }).compose(step, 100).getEpsilon(1e-5)],
    ['RDP orders [1e6 − 0.5]', () => new RdpAccountant({ orders: [1e6 - 0.5] }).compose(step, 100).getEpsilon(1e-5)],
    ['PLD interval 1e-300', () => new PldAccountant({ valueDiscretizationInterval: 1e-300 }).compose(step, 10).getEpsilon(1e-5)],
    ['PLD interval 1', () => new PldAccountant({ valueDiscretizationInterval: 1 }).compose(step, 1000).getEpsilon(1e-5)],
    ['PLD truncation 0', () => new PldAccountant({ tailMassTruncation: 0 }).compose(step, 10_000).getEpsilon(1e-5)],
    ['PLD truncation 1e-3 (δ below it: ε = ∞)', () => new PldAccountant({ tailMassTruncation: 1e-3 }).compose(step, 10_000).getEpsilon(1e-5)],
  ];
  // 'PLD interval 1e-300' (~9 s): reference lane only; the fast lane has that option at σ = 1e-300 above.
  it.each(options.filter(([name]) => !(isFastLane() && name === 'PLD interval 1e-300')))('%s', (_name, call) => {
    const start = performance.now();
    const eps = call();
    expect(performance.now() - start).toBeLessThan(60_000);
    expect(eps >= 0).toBe(true);
  });

  it('a 1 + 1e-15 order certifies nothing (ε = ∞: orders ≤ 1.01 are skipped), and the interval-1 PLD is above the fine one', () => {
    expect(new RdpAccountant({ orders: [1 + 1e-15] }).compose(step, 100).getEpsilon(1e-5)).toBe(Infinity);
    const coarse = new PldAccountant({ valueDiscretizationInterval: 1 }).compose(step, 1000).getEpsilon(1e-5);
    expect(coarse).toBeGreaterThanOrEqual(new PldAccountant().compose(step, 1000).getEpsilon(1e-5));
  });
});

// ---------------------------------------------------------------------------------------------
// The sweep: every hostile value × every entry point.

interface Params {
  readonly sigma: number;
  readonly q: number;
  readonly steps: number;
  readonly delta: number;
  readonly target: number;
  readonly eps: number;
}
const BASE: Params = { sigma: 1, q: 0.01, steps: 100, delta: 1e-5, target: 3, eps: 1 };
const HOSTILE: readonly [keyof Params, number][] = [
  ['sigma', 1e-300], ['sigma', 1e-100], ['sigma', 1e-10], ['sigma', 1e-3], ['sigma', 1e10], ['sigma', 1e100], ['sigma', 1e154], ['sigma', 1e200], ['sigma', 1e300], ['sigma', Number.MAX_VALUE],
  ['q', Number.MIN_VALUE], ['q', 1e-300], ['q', 1e-100], ['q', 1e-20], ['q', 1 - 2 ** -53], ['q', 1],
  ['steps', 1], ['steps', 1e9], ['steps', 1e12], ['steps', Number.MAX_SAFE_INTEGER],
  ['delta', Number.MIN_VALUE], ['delta', 1e-300], ['delta', 1e-100], ['delta', 0.5], ['delta', 0.99], ['delta', 1 - 1e-12], ['delta', 1 - 2 ** -53],
  ['target', 1e-300], ['target', 1e-10], ['target', 1e-3], ['target', 1e3], ['target', 1e300],
  ['eps', 0], ['eps', 1e-300], ['eps', 1e3], ['eps', 1e300], ['eps', Infinity],
];

type Kind = 'epsilon' | 'delta' | 'sigma' | 'steps';
interface EntryPoint {
  readonly name: string;
  readonly reads: readonly (keyof Params)[];
  readonly kind: Kind;
  /** Per-call limit (ms): generous, for a slow shared machine; a hang never meets it. */
  readonly limitMs: number;
  readonly call: (p: Params) => number;
}
const step = (p: Params) => poissonSampled(p.q, gaussian(p.sigma));
/**
 * One composed PLD per (σ, q, steps), shared by the getEpsilon and getDelta entries (composition is
 * deterministic and dominates their cost; the getEpsilon case, first in the table, times it).
 */
const pldCache = new Map<string, PldAccountant>();
const composedPld = (p: Params): PldAccountant => {
  const key = `${p.sigma} ${p.q} ${p.steps}`;
  let acc = pldCache.get(key);
  if (acc === undefined) {
    acc = new PldAccountant().compose(step(p), p.steps);
    pldCache.set(key, acc);
  }
  return acc;
};
const ENTRY_POINTS: readonly EntryPoint[] = [
  { name: 'RdpAccountant.getEpsilon', reads: ['sigma', 'q', 'steps', 'delta'], kind: 'epsilon', limitMs: 20_000, call: (p) => new RdpAccountant().compose(step(p), p.steps).getEpsilon(p.delta) },
  { name: 'RdpAccountant.getDelta', reads: ['sigma', 'q', 'steps', 'eps'], kind: 'delta', limitMs: 20_000, call: (p) => new RdpAccountant().compose(step(p), p.steps).getDelta(p.eps) },
  { name: 'PldAccountant.getEpsilon', reads: ['sigma', 'q', 'steps', 'delta'], kind: 'epsilon', limitMs: 60_000, call: (p) => composedPld(p).getEpsilon(p.delta) },
  { name: 'PldAccountant.getDelta', reads: ['sigma', 'q', 'steps', 'eps'], kind: 'delta', limitMs: 60_000, call: (p) => composedPld(p).getDelta(p.eps) },
  { name: 'calibrateNoiseMultiplier rdp', reads: ['q', 'steps', 'delta', 'target'], kind: 'sigma', limitMs: 60_000, call: (p) => calibrateNoiseMultiplier({ targetEpsilon: p.target, delta: p.delta, sampleRate: p.q, steps: p.steps }) },
  { name: 'calibrateNoiseMultiplier pld', reads: ['q', 'steps', 'delta', 'target'], kind: 'sigma', limitMs: 120_000, call: (p) => calibrateNoiseMultiplier({ targetEpsilon: p.target, delta: p.delta, sampleRate: p.q, steps: p.steps, accountant: 'pld' }) },
  { name: 'maxSteps rdp', reads: ['sigma', 'q', 'delta', 'target'], kind: 'steps', limitMs: 60_000, call: (p) => maxSteps({ noiseMultiplier: p.sigma, sampleRate: p.q, delta: p.delta, targetEpsilon: p.target }) },
  { name: 'maxSteps pld', reads: ['sigma', 'q', 'delta', 'target'], kind: 'steps', limitMs: 120_000, call: (p) => maxSteps({ noiseMultiplier: p.sigma, sampleRate: p.q, delta: p.delta, targetEpsilon: p.target, accountant: 'pld' }) },
];

const ALL_CASES = ENTRY_POINTS.flatMap((entry) =>
  HOSTILE.filter(([key]) => entry.reads.includes(key)).map(([key, value]) => ({ entry, key, value, name: `${entry.name}, ${key} = ${value}`, params: { ...BASE, [key]: value } as Params })),
);

/**
 * The sweep's slowest cases (2–25 s each on a 2-core machine): reference lane only. The first three
 * are the very calls of 'maxSteps (PLD) at δ = …' above. The fast lane still sends every hostile
 * value through the RDP entry points and nearly all through the PLD ones (steps = 1e12 among them).
 */
const REFERENCE_LANE_ONLY = new Set([
  'maxSteps pld, delta = 0.5',
  'maxSteps pld, delta = 0.99',
  'maxSteps pld, delta = 0.999999999999',
  'calibrateNoiseMultiplier pld, target = 1000',
  'maxSteps pld, target = 1000',
  'calibrateNoiseMultiplier pld, delta = 0.5',
  'maxSteps pld, delta = 0.9999999999999999',
  'PldAccountant.getEpsilon, q = 1',
  'maxSteps pld, target = 1e+300',
  'PldAccountant.getDelta, q = 1',
  'PldAccountant.getEpsilon, steps = 1000000000',
  'PldAccountant.getDelta, steps = 1000000000',
  'PldAccountant.getEpsilon, steps = 9007199254740991',
  'PldAccountant.getDelta, steps = 9007199254740991',
  'calibrateNoiseMultiplier pld, target = 1e+300',
  'calibrateNoiseMultiplier pld, steps = 1',
]);
for (const name of REFERENCE_LANE_ONLY) if (!ALL_CASES.some((c) => c.name === name)) throw new Error(`REFERENCE_LANE_ONLY names no case: ${name}`);
const CASES = isFastLane() ? ALL_CASES.filter((c) => !REFERENCE_LANE_ONLY.has(c.name)) : ALL_CASES;


/** Whether `value` is a possible answer of that kind (the defining properties are checked apart). */
function inRange(kind: Kind, value: number): boolean {
  switch (kind) {
    case 'epsilon':
      return value >= 0; // +∞ is a valid answer (σ = 1e-300), NaN is not
    case 'delta':
      return value >= 0 && value <= 1;
    case 'sigma':
      return Number.isFinite(value) && value >= MIN_NOISE_MULTIPLIER;
    case 'steps':
      return Number.isInteger(value) && value >= 1 && value <= 1e9;
  }
}

describe(`sweep: ${HOSTILE.length} hostile values × ${ENTRY_POINTS.length} entry points = ${ALL_CASES.length} cases (${CASES.length} in this lane)`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: a number in range or a typed error, in time', (_name, { entry, params }) => {
    const start = performance.now();
    let outcome: { value: number } | { error: unknown };
    try {
      outcome = { value: entry.call(params) };
    } catch (error) {
      outcome = { error };
    }
    const ms = performance.now() - start;
    expect(ms, 'time (ms)').toBeLessThan(entry.limitMs);
    if ('error' in outcome) {
      // Every value in the table is inside its documented range: an accountant must answer, and a
      // search may only find the target unreachable (before, σ ≥ 1e154 gave "`rdp[9]` … got NaN").
      expect(outcome.error).toBeInstanceOf(PrivkitError);
      expect(entry.kind === 'sigma' || entry.kind === 'steps', (outcome.error as Error).message).toBe(true);
      expect((outcome.error as PrivkitError).code, (outcome.error as Error).message).toBe('UNREACHABLE_TARGET');
      return;
    }
    expect(inRange(entry.kind, outcome.value), `value ${outcome.value}`).toBe(true);
    // The defining property of the searches, checked with the same accountant.
    if (entry.kind === 'sigma') {
      const acc = entry.name.endsWith('pld') ? 'pld' : 'rdp';
      expect(dpSgdEpsilon(acc, outcome.value, params.q, params.steps, params.delta)).toBeLessThanOrEqual(params.target);
    }
    if (entry.kind === 'steps') {
      const acc = entry.name.endsWith('pld') ? 'pld' : 'rdp';
      expect(dpSgdEpsilon(acc, params.sigma, params.q, outcome.value, params.delta)).toBeLessThanOrEqual(params.target);
    }
  });
});
