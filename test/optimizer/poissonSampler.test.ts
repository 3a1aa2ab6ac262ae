/**
 * PoissonSampler (issue 11 §3, §4): each index joins each batch independently with probability q
 * (exact binomial tests per index, on pairs and on the total), batch sizes have mean qn and variance
 * q(1 − q)n, secure and seeded; a seeded sampler's state restores in O(1) (no replay); a secure one has
 * no state; bad arguments are typed errors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PoissonSampler, poissonBatches, type SamplerRandomness } from '../../src/optimizer/poissonBatches.js';
import { Xoshiro128 } from '../../src/optimizer/randomness.js';
import { expectInvalid } from '../_support/errors.js';
import { binomialConsistent } from './_randomnessStatistics.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Draws m batches; counts per index, for a few adjacent pairs, and the batch sizes. */
function draw(sampler: PoissonSampler, m: number): { perIndex: Float64Array; pairs: Map<number, number>; sizes: Float64Array } {
  const n = sampler.n;
  const perIndex = new Float64Array(n);
  const pairs = new Map<number, number>([[0, 0], [Math.floor(n / 2), 0], [n - 2, 0]]);
  const sizes = new Float64Array(m);
  const member = new Uint8Array(n);
  for (let b = 0; b < m; b++) {
    const batch = sampler.next();
    sizes[b] = batch.length;
    for (let k = 0; k < batch.length; k++) {
      const i = batch[k];
      if (k > 0 && !(i > batch[k - 1])) throw new Error(`batch ${b} is not sorted and distinct at ${k}`);
      if (!(i >= 0 && i < n && Number.isInteger(i))) throw new Error(`batch ${b} holds index ${i}`);
      perIndex[i]++;
      member[i] = 1;
    }
    for (const [i, c] of pairs) if (member[i] === 1 && member[i + 1] === 1) pairs.set(i, c + 1);
    for (let k = 0; k < batch.length; k++) member[batch[k]] = 0;
  }
  return { perIndex, pairs, sizes };
}

/**
 * The checks: every index's count (Bonferroni over the n indices), a few adjacent pairs (q²: joins
 * are independent), the total Σ sizes ~ Binomial(m·n, q) exactly, and the sample variance of the
 * sizes against q(1 − q)n with its standard error √((μ₄ − σ⁴)/m), μ₄ = nq(1−q)(1 + 3(n − 2)q(1 − q)).
 */
function checkPoisson(sampler: PoissonSampler, m: number, alpha: number): void {
  const { n, sampleRate: q } = sampler;
  const { perIndex, pairs, sizes } = draw(sampler, m);
  for (let i = 0; i < n; i++) expect(binomialConsistent(perIndex[i], m, q, alpha / n), `index ${i}: ${perIndex[i]} of ${m}`).toBe(true);
  for (const [i, c] of pairs) expect(binomialConsistent(c, m, q * q, alpha), `pair (${i}, ${i + 1}): ${c} of ${m}`).toBe(true);
  const total = sizes.reduce((a, b) => a + b, 0);
  expect(binomialConsistent(total, m * n, q, alpha), `total ${total} of ${m * n}`).toBe(true);
  const mean = total / m;
  const variance = sizes.reduce((a, s) => a + (s - mean) ** 2, 0) / (m - 1);
  const s2 = n * q * (1 - q);
  const mu4 = s2 * (1 + 3 * (n - 2) * q * (1 - q));
  expect(Math.abs(variance - s2), `variance ${variance}, expected ${s2}`).toBeLessThan(4.9 * Math.sqrt((mu4 - s2 * s2) / m));
}

describe('PoissonSampler: the sampling the accountant assumes', () => {
  for (const [n, q, m] of [
    [200, 0.3, 20_000],
    [1000, 0.01, 20_000],
    [40, 0.9, 20_000],
  ] as const) {
    it(`seeded, n = ${n}, q = ${q}: per-index and pair inclusion, total and size variance (${m} batches, α = 1e-6)`, () => {
      checkPoisson(new PoissonSampler(n, q, { seed: 2024 + n }), m, 1e-6);
    });
    it(`secure, n = ${n}, q = ${q}: the same checks (${m} batches, α = 1e-6)`, () => {
      checkPoisson(new PoissonSampler(n, q, 'secure'), m, 1e-6);
    });
  }

  it('the checks reject a sampler with another rate, or one whose joins are not independent', () => {
    const n = 200;
    const m = 20_000;
    // Another rate: q = 0.31 drawn, 0.3 declared.
    const wrongRate = new PoissonSampler(n, 0.31, { seed: 1 });
    Object.defineProperty(wrongRate, 'sampleRate', { value: 0.3 });
    expect(() => checkPoisson(wrongRate, m, 1e-6)).toThrow();
    // Joins in pairs (2k, 2k + 1 together): right per-index rate, wrong pair rate and variance.
    const inner = new PoissonSampler(n / 2, 0.3, { seed: 2 });
    const paired = Object.assign(Object.create(PoissonSampler.prototype) as PoissonSampler, { n, sampleRate: 0.3 });
    paired.next = () => Int32Array.from(Array.from(inner.next()).flatMap((i) => [2 * i, 2 * i + 1]));
    expect(() => checkPoisson(paired, m, 1e-6)).toThrow();
  });

  it('q = 1 gives every index, every batch, and draws no randomness', () => {
    const s = new PoissonSampler(17, 1, { seed: 5 });
    const before = s.state();
    for (let b = 0; b < 3; b++) expect(Array.from(s.next())).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(s.state()).toEqual(before);
    expect(new PoissonSampler(3, 1, 'secure').next()).toEqual(Int32Array.of(0, 1, 2));
  });

  it('a tiny q gives mostly empty batches, a batch is never out of range; n = 1 works', () => {
    const s = new PoissonSampler(5, 1e-300, { seed: 1 });
    for (let b = 0; b < 100; b++) expect(s.next().length).toBe(0);
    const one = new PoissonSampler(1, 0.5, { seed: 3 });
    const sizes = Array.from({ length: 4000 }, () => one.next().length);
    expect(binomialConsistent(sizes.reduce((a, b) => a + b, 0), 4000, 0.5, 1e-6)).toBe(true);
  });

  it('seeded: the same seed gives the same batches, another seed other batches; secure: two samplers differ', () => {
    const batches = (r: SamplerRandomness) => {
      const s = new PoissonSampler(500, 0.2, r);
      return Array.from({ length: 20 }, () => Array.from(s.next()));
    };
    expect(batches({ seed: 9 })).toEqual(batches({ seed: 9 }));
    expect(batches({ seed: 9 })).not.toEqual(batches({ seed: 10 }));
    expect(batches('secure')).not.toEqual(batches('secure'));
    expect(Array.from(poissonBatches(100, 0.3, 4).next().value)).toEqual(Array.from(poissonBatches(100, 0.3, 4).next().value));
  });
});

describe('PoissonSampler state', () => {
  it('seeded: state() then { state } on a fresh sampler, or restore() on another, gives the identical next batches', () => {
    const a = new PoissonSampler(300, 0.1, { seed: 77 });
    for (let b = 0; b < 1000; b++) a.next();
    const saved = a.state();
    expect(saved).toHaveLength(4);
    const fresh = new PoissonSampler(300, 0.1, { state: saved as number[] });
    const other = new PoissonSampler(300, 0.1, { seed: 1 });
    other.restore(saved as number[]);
    for (let b = 0; b < 200; b++) {
      const want = Array.from(a.next());
      expect(Array.from(fresh.next())).toEqual(want);
      expect(Array.from(other.next())).toEqual(want);
    }
    expect(fresh.state()).toEqual(a.state());
    // state() is a copy: changing it does not move the sampler.
    const copy = a.state() as number[];
    copy[1] ^= 1;
    expect(a.state()).not.toEqual(copy);
  });

  it('restoring needs no replay: a state after 1e6 batches, or any state, restores in O(1)', () => {
    const far = new PoissonSampler(10, 0.1, { seed: 3 });
    const t0 = performance.now();
    for (let b = 0; b < 1_000_000; b++) far.next();
    const drawing = performance.now() - t0;
    const saved = far.state() as number[];
    const t1 = performance.now();
    const resumed = new PoissonSampler(10, 0.1, { state: saved });
    const next = Array.from(resumed.next());
    const restoring = performance.now() - t1;
    expect(next).toEqual(Array.from(far.next()));
    expect(restoring).toBeLessThan(Math.max(5, drawing / 1000));
    // Any four words (not all 0) are a position of the stream, e.g. 2^100 words along: nothing to replay.
    const anywhere = [0xdeadbeef, 0x12345678, 0, 0xffffffff];
    const t2 = performance.now();
    const s = new PoissonSampler(10, 0.1, { state: anywhere });
    s.next();
    expect(performance.now() - t2).toBeLessThan(5);
    // Its words come straight from the generator, whole uniforms only: the state is exact, nothing buffered.
    expect(stateAfterUniforms(anywhere, s)).toEqual(s.state());
  });

  it('secure: state() is null, restore() is INVALID_ARGUMENT, and the words come from the CSPRNG', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const s = new PoissonSampler(100, 0.5, 'secure');
    s.next();
    expect(spy).toHaveBeenCalled();
    expect(s.state()).toBeNull();
    expectInvalid(() => s.restore([1, 2, 3, 4]), /secure sampler has no state/);
    spy.mockClear();
    new PoissonSampler(100, 0.5, { seed: 1 }).next();
    expect(spy).not.toHaveBeenCalled();
  });
});

/** The generator state after the uniforms `s` has drawn since `start` (2 words each), found by stepping. */
function stateAfterUniforms(start: readonly number[], s: PoissonSampler): number[] {
  const g = Xoshiro128.fromState(start);
  const target = (s.state() as number[]).join(',');
  for (let words = 0; words < 1000; words++) {
    if (g.state().join(',') === target) {
      expect(words % 2).toBe(0); // whole uniforms only: the state is exact, nothing buffered
      return g.state();
    }
    g.next();
  }
  throw new Error('the sampler did not draw its words from the generator');
}

describe('PoissonSampler refuses bad arguments with INVALID_ARGUMENT', () => {
  it('n, q, seed, state; poissonBatches at the call, not at the first batch', () => {
    for (const n of [0, -1, 1.5, NaN, Infinity, 2 ** 53, '10', null]) {
      expectInvalid(() => new PoissonSampler(n as number, 0.5, 'secure'), /`n` must be an integer ≥ 1/);
      expectInvalid(() => poissonBatches(n as number, 0.5, 1), /`n` must be an integer ≥ 1/);
    }
    for (const q of [0, -0.1, 1.0000001, NaN, Infinity, '0.5', null]) {
      expectInvalid(() => new PoissonSampler(10, q as number, 'secure'), /`sampleRate` must be in \(0, 1\]/);
      expectInvalid(() => poissonBatches(10, q as number), /`sampleRate` must be in \(0, 1\]/);
    }
    const badRandomness: unknown[] = [
      { seed: 1.5 },
      { seed: NaN },
      { seed: 2 ** 60 },
      { seed: '1' },
      'insecure',
      null,
      undefined,
      {},
      { state: [0, 0, 0, 0] },
      { state: [1, 2, 3] },
      { state: [1, 2, 3, 2 ** 32] },
      { state: [1, 2, 3, -1] },
      { state: [1, 2, 3, 0.5] },
      { state: ['1', 2, 3, 4] },
    ];
    for (const r of badRandomness) expectInvalid(() => new PoissonSampler(10, 0.5, r as SamplerRandomness), /randomness must be/);
    for (const seed of [1.5, NaN, 2 ** 60]) expectInvalid(() => poissonBatches(10, 0.5, seed), /randomness must be/);
    const seeded = new PoissonSampler(10, 0.5, { seed: 1 });
    for (const state of [[0, 0, 0, 0], [1, 2, 3], [1, 2, 3, 4, 5], [NaN, 1, 1, 1], 'abcd', null]) {
      expectInvalid(() => seeded.restore(state as number[]), /four 32-bit words, not all 0/);
    }
  });
});
