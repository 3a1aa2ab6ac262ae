/**
 * The randomness of DP-SGD (issue 11 §4): xoshiro128** against the reference algorithm, SplitMix32
 * seeding, generator state round trips, uniforms strictly inside (0, 1), the ziggurat's normals
 * (moments, Kolmogorov–Smirnov, tail frequencies against erfc) from the seeded and the secure source,
 * the sum-of-four path, the CSPRNG's use (a spy), and makePrivate's secure default.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { makePrivate } from '../../src/makePrivate.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import { gaussianNoise } from '../../src/optimizer/gaussianNoise.js';
import { UniformStream, Xoshiro128, fillNormals, secureWords, standardNormal, type RandomWords } from '../../src/optimizer/randomness.js';
import { expectInvalid } from '../_support/errors.js';
import {
  binomialConsistent,
  binomialLowerTail,
  binomialUpperTail,
  ksCritical,
  ksStatistic,
  moments,
  normalCdf,
  normalMomentErrors,
  normalTwoSidedTail,
} from './_randomnessStatistics.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** xoshiro128** written from the paper's C code (prng.di.unimi.it/xoshiro128starstar.c) in BigInt arithmetic. */
function referenceXoshiro(state: readonly number[]): { next(): number; state(): number[] } {
  const M = 0xffffffffn;
  const s = state.map((w) => BigInt(w));
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  return {
    next(): number {
      const result = (rotl((s[1] * 5n) & M, 7n) * 9n) & M;
      const t = (s[1] << 9n) & M;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = rotl(s[3], 11n);
      return Number(result);
    },
    state: () => s.map(Number),
  };
}

/** SplitMix32 as documented in randomness.ts (state += 0x9e3779b9, murmur3's fmix32), in BigInt arithmetic. */
function referenceSplitMixState(seed: number): number[] {
  const M = 0xffffffffn;
  let x = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9n) & M;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    out.push(Number(z ^ (z >> 16n)));
  }
  return out;
}

/** A word source that returns `first` and then xoshiro128** words of seed 1 (a fresh stream per call). */
function stubWords(first: readonly number[]): RandomWords {
  return {
    fill(out: Uint32Array): void {
      new Xoshiro128(1).fill(out);
      out.set(first.slice(0, out.length));
    },
  };
}

describe('xoshiro128** (the seeded word source)', () => {
  it('matches the reference algorithm: published C-reference outputs, and an independent BigInt implementation over 20,000 words', () => {
    // Test data generated with the C reference implementation, published in edorfaus/xoshiro-6502
    // (test-rom/testdata.asm, VerifyValuesXoshiro128 / VerifyStatesXoshiro128): seed state, then each
    // output of xoshiro128** and the state after it.
    const seedState = [0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0];
    const outputs = [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70];
    const states = [
      [0x72410269, 0xef382c52, 0x2e43bec7, 0x62432f20],
      [0xff3a011b, 0xb33a90fc, 0x2c5a18ae, 0xd81b946b],
      [0x941b058c, 0x605a8949, 0xa641e1b5, 0x0824bb59],
      [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343],
    ];
    const g = Xoshiro128.fromState(seedState);
    outputs.forEach((o, k) => {
      expect(g.next()).toBe(o);
      expect(g.state()).toEqual(states[k]);
    });

    // next() and the inlined fill() (in chunks of several sizes) against BigInt arithmetic.
    for (const start of [seedState, [1, 2, 3, 4], [0xffffffff, 0, 0, 0], new Xoshiro128(99).state()]) {
      const ref = referenceXoshiro(start);
      const viaNext = Xoshiro128.fromState(start);
      const viaFill = Xoshiro128.fromState(start);
      const want = Array.from({ length: 20_000 }, () => ref.next());
      const got: number[] = [];
      for (const size of [1, 7, 4096, 15_896]) {
        const buf = new Uint32Array(size);
        viaFill.fill(buf);
        got.push(...buf);
      }
      expect(got).toEqual(want);
      expect(Array.from({ length: 20_000 }, () => viaNext.next())).toEqual(want);
      expect(viaFill.state()).toEqual(ref.state());
      expect(viaNext.state()).toEqual(ref.state());
    }
  });

  it('is seeded by SplitMix32 as documented: deterministic, seeds taken modulo 2^32, distinct seeds give distinct states', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, 0x80000000, 0xffffffff]) {
      expect(new Xoshiro128(seed).state()).toEqual(referenceSplitMixState(seed));
      expect(new Xoshiro128(seed).state()).toEqual(new Xoshiro128(seed).state());
    }
    expect(new Xoshiro128(2 ** 32 + 5).state()).toEqual(new Xoshiro128(5).state());
    const seen = new Set(Array.from({ length: 2000 }, (_, s) => new Xoshiro128(s).state().join(',')));
    expect(seen.size).toBe(2000);
  });

  it('state(), fromState() and setState() continue the same stream', () => {
    const g = new Xoshiro128(7);
    g.fill(new Uint32Array(1001));
    const saved = g.state();
    const rest = new Uint32Array(500);
    g.fill(rest);
    const resumed = new Uint32Array(500);
    Xoshiro128.fromState(saved).fill(resumed);
    expect(Array.from(resumed)).toEqual(Array.from(rest));
    const other = new Xoshiro128(8);
    other.setState(saved);
    expect(Array.from({ length: 500 }, () => other.next())).toEqual(Array.from(rest));
    // state() is a copy: changing it does not move the generator.
    const copy = g.state();
    copy[0] ^= 1;
    expect(g.state()).not.toEqual(copy);
  });

  it('refuses a state that is not four 32-bit words, not all 0, with INVALID_ARGUMENT', () => {
    const bad: unknown[] = [[0, 0, 0, 0], [1, 2, 3], [1, 2, 3, 4, 5], [1.5, 2, 3, 4], [-1, 2, 3, 4], [2 ** 32, 2, 3, 4], [NaN, 1, 1, 1], ['1', 2, 3, 4], null, 'abcd'];
    for (const state of bad) {
      expectInvalid(() => Xoshiro128.fromState(state as number[]), /four 32-bit words/);
      expectInvalid(() => new Xoshiro128(1).setState(state as number[]), /four 32-bit words/);
    }
  });
});

describe('UniformStream', () => {
  it('uniforms lie strictly inside (0, 1) even for the extreme words, and are uniform (KS at α = 1e-6, 2^20 draws)', () => {
    for (const word of [0, 0xffffffff, 0x80000000, 0x7fffffff]) {
      const u = new UniformStream({ fill: (out) => void out.fill(word) }, 16).uniform();
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
      expect(Math.log(u)).toBeLessThan(0);
      expect(Math.log1p(-u)).toBeLessThan(0);
    }
    const stream = new UniformStream(new Xoshiro128(3));
    const n = 2 ** 20;
    const values = Float64Array.from({ length: n }, () => stream.uniform());
    expect(ksStatistic(values, (x) => x)).toBeLessThan(ksCritical(n, 1e-6));
  });
});

/** All the distribution checks of one source: moments, KS, two-sided tail frequencies (exact binomial). */
function checkNormal(values: Float64Array, std: number, alpha: number): void {
  const n = values.length;
  const m = moments(values);
  const se = normalMomentErrors(n, std);
  const z = 4.9; // two-sided normal level ≈ 1e-6 per check
  expect(Math.abs(m.mean)).toBeLessThan(z * se.mean);
  expect(Math.abs(m.variance - std * std)).toBeLessThan(z * se.variance);
  expect(Math.abs(m.skewness)).toBeLessThan(z * se.skewness);
  expect(Math.abs(m.kurtosis)).toBeLessThan(z * se.kurtosis);
  // Tails, each side and both: P(|Z| > t) = erfc(t/√2), by the exact binomial test. 3.442619855899 is
  // the ziggurat's R, where its tail algorithm takes over.
  for (const t of [2, 3, 3.442619855899, 4, 4.5]) {
    let upper = 0;
    let lower = 0;
    for (let i = 0; i < n; i++) {
      if (values[i] > t * std) upper++;
      else if (values[i] < -t * std) lower++;
    }
    const p = normalTwoSidedTail(t);
    expect(binomialConsistent(upper + lower, n, p, alpha), `P(|Z| > ${t}): ${upper + lower} of ${n}, expected ${n * p}`).toBe(true);
    expect(binomialConsistent(upper, n, p / 2, alpha), `P(Z > ${t}): ${upper} of ${n}`).toBe(true);
    expect(binomialConsistent(lower, n, p / 2, alpha), `P(Z < −${t}): ${lower} of ${n}`).toBe(true);
  }
  expect(ksStatistic(values, (x) => normalCdf(x / std))).toBeLessThan(ksCritical(n, alpha));
}

describe('ziggurat normals (Doornik 2005)', () => {
  const n = 2 ** 21;

  it('the statistics helpers are right: binomial tails, erfc tails, KS critical value', () => {
    // P(X ≥ 8) for Binomial(10, ½) = (45 + 10 + 1)/1024; P(X ≤ 2) the same by symmetry.
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialLowerTail(2, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialLowerTail(0, 3, 0.2)).toBeCloseTo(0.8 ** 3, 12);
    expect(normalTwoSidedTail(1.959963984540054)).toBeCloseTo(0.05, 12);
    // The asymptotic Kolmogorov critical value at α = 0.05 is 1.3581 (Smirnov's table).
    expect(ksCritical(1, 0.05)).toBeCloseTo(1.3581, 3);
    // And the checks reject what they must: a variance 10% off, or a shifted mean.
    const g = new Xoshiro128(5);
    const v = new Float64Array(n / 4);
    fillNormals(v, 1.1, g, false);
    expect(() => checkNormal(v, 1, 1e-6)).toThrow();
    fillNormals(v, 1, g, false);
    expect(() => checkNormal(v.map((x) => x + 0.01), 1, 1e-6)).toThrow();
  });

  it(`seeded (xoshiro128**, one draw per value): mean, variance, skewness, kurtosis, KS, tails at 2, 3, R, 4, 4.5 (${n} draws, α = 1e-6)`, () => {
    const values = new Float64Array(n);
    fillNormals(values, 1, new Xoshiro128(20240611), false);
    checkNormal(values, 1, 1e-6);
  });

  it(`secure (CSPRNG, one draw per value): the same checks (${n} draws, α = 1e-6)`, () => {
    const values = new Float64Array(n);
    fillNormals(values, 1, secureWords, false);
    checkNormal(values, 1, 1e-6);
  });

  it(`secure sum of four (Opacus' secure mode): N(0, std²) exactly — not 4·std², not std²/2 (${n} draws, α = 1e-6)`, () => {
    const std = 1.7;
    const values = new Float64Array(n);
    fillNormals(values, std, secureWords, true);
    checkNormal(values, std, 1e-6);
    // The wrong scales fail the same checks.
    expect(() => checkNormal(values, 2 * std, 1e-6)).toThrow();
    expect(() => checkNormal(values, std / Math.SQRT2, 1e-6)).toThrow();
  });

  it(`gaussianNoise (float32), secure and seeded: the same checks (${n / 4} draws each, α = 1e-6)`, () => {
    for (const source of ['secure', { seed: 12345 }] as const) {
      const t = gaussianNoise([n / 4], 0.9, source);
      checkNormal(Float64Array.from(t.dataSync()), 0.9, 1e-6);
      t.dispose();
    }
  });

  it('is exactly symmetric: complementing the 53 value bits of a draw (same block) negates it', () => {
    const g = new Xoshiro128(77);
    let negated = 0;
    const trials = 20_000;
    for (let k = 0; k < trials; k++) {
      const a = g.next();
      const b = g.next();
      const z = standardNormal(new UniformStream(stubWords([a, b]), 32));
      const zc = standardNormal(new UniformStream(stubWords([(a ^ 0xffffffe0) >>> 0, (b ^ 0xffffffc0) >>> 0]), 32));
      // A first try in a rectangle, a wedge point or a tail point is negated exactly; a rejected
      // wedge point redraws from the (identical) words that follow, so both give the same draw.
      if (zc === -z) negated++;
      else expect(zc, `words ${a}, ${b}`).toBe(z);
    }
    expect(negated).toBeGreaterThan(0.97 * trials);
  });
});

describe('secure words (the CSPRNG)', () => {
  it('come from crypto.getRandomValues, at most 64 KiB per call, covering the array exactly once', () => {
    const calls: { offset: number; bytes: number }[] = [];
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      const view = array as unknown as Uint32Array;
      calls.push({ offset: view.byteOffset / 4, bytes: view.byteLength });
      for (let j = 0; j < view.length; j++) view[j] = view.byteOffset / 4 + j + 1;
      return array;
    });
    const out = new Uint32Array(100_000);
    secureWords.fill(out);
    expect(calls.length).toBe(Math.ceil((100_000 * 4) / 65536));
    for (const c of calls) expect(c.bytes).toBeLessThanOrEqual(65536);
    expect(out.every((w, i) => w === i + 1)).toBe(true);
  });

  it('two secure draws differ (words, noise)', () => {
    const a = new Uint32Array(8);
    const b = new Uint32Array(8);
    secureWords.fill(a);
    secureWords.fill(b);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    const [x, y] = [gaussianNoise([64], 1, 'secure'), gaussianNoise([64], 1, 'secure')];
    expect(Array.from(x.dataSync())).not.toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y]);
  });

  it("secure gaussianNoise takes every word from the CSPRNG and sums four normals per value", () => {
    const stream = new Xoshiro128(5);
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      stream.fill(array as unknown as Uint32Array);
      return array;
    });
    const t = gaussianNoise([3000], 0.8, 'secure');
    expect(spy).toHaveBeenCalled();
    const sumOfFour = new Float32Array(3000);
    fillNormals(sumOfFour, 0.8, new Xoshiro128(5), true);
    const single = new Float32Array(3000);
    fillNormals(single, 0.8, new Xoshiro128(5), false);
    expect(Array.from(t.dataSync())).toEqual(Array.from(sumOfFour));
    expect(Array.from(t.dataSync())).not.toEqual(Array.from(single));
    t.dispose();
  });

  it('seeded noise never touches the CSPRNG and is a function of the seed only', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const [a, b, c] = [gaussianNoise([500], 1, { seed: 3 }), gaussianNoise([500], 1, { seed: 3 }), gaussianNoise([500], 1, { seed: 4 })];
    expect(spy).not.toHaveBeenCalled();
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('gaussianNoise refuses a bad std, shape or source with INVALID_ARGUMENT', () => {
    expectInvalid(() => gaussianNoise([2], -1, 'secure'), /`std`/);
    expectInvalid(() => gaussianNoise([2], NaN, 'secure'), /`std`/);
    expectInvalid(() => gaussianNoise([2], Infinity, { seed: 1 }), /`std`/);
    expectInvalid(() => gaussianNoise([2.5], 1, 'secure'), /`shape`/);
    expectInvalid(() => gaussianNoise([-1], 1, 'secure'), /`shape`/);
    for (const source of [{ seed: 1.5 }, { seed: NaN }, { seed: 2 ** 60 }, 'insecure', null, {}]) {
      expectInvalid(() => gaussianNoise([2], 1, source as 'secure'), /`source`/);
    }
  });
});

describe('makePrivate randomness', () => {
  function mlp(): tf.Sequential {
    return tf.sequential({
      layers: [
        tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
        tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
  }
  const data = () => ({ x: tf.randomNormal([60, 4], 0, 1, 'float32', 3), y: tf.oneHot(tf.tensor1d(Array.from({ length: 60 }, (_, i) => i % 2), 'int32'), 2) });
  const settings = { loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.2, datasetSize: 60 };

  async function trainedWeights(seed?: number): Promise<{ weights: number[][]; priv: ReturnType<typeof makePrivate> }> {
    const model = mlp();
    const priv = makePrivate({ ...settings, model, optimizer: tf.train.sgd(0.5), ...(seed === undefined ? {} : { seed }) });
    const { x, y } = data();
    await priv.fit(x, y, { epochs: 1, delta: 1e-5 });
    tf.dispose([x, y]);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { weights, priv };
  }

  it('without a seed: secure (no noise seed, no sampler state), the CSPRNG is used, and two runs from the same weights differ', async () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const a = await trainedWeights();
    expect(spy).toHaveBeenCalled();
    const b = await trainedWeights();
    expect(a.priv.randomness).toBe('secure');
    expect(a.priv.dpOptimizer.noiseSeed).toBeNull();
    expect(a.priv.sampler.state()).toBeNull();
    expect(a.weights).not.toEqual(b.weights);
  });

  it('with a seed: seeded, no CSPRNG use, identical weights for identical seeds, different for different seeds', async () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const a = await trainedWeights(11);
    const b = await trainedWeights(11);
    const c = await trainedWeights(12);
    expect(spy).not.toHaveBeenCalled();
    expect(a.priv.randomness).toBe('seeded');
    expect(a.priv.dpOptimizer.noiseSeed).toBe(11);
    expect(a.priv.sampler.state()).toHaveLength(4);
    expect(a.weights).toEqual(b.weights);
    expect(a.weights).not.toEqual(c.weights);
  });

  it('`secureNoise` (gone: secure is the default) is INVALID_ARGUMENT, in makePrivate and DpOptimizer', () => {
    const model = mlp();
    for (const secureNoise of [true, false]) {
      expect(() => makePrivate({ ...settings, model, optimizer: tf.train.sgd(0.1), secureNoise } as never)).toThrowError(PrivkitError);
      expectInvalid(() => makePrivate({ ...settings, model, optimizer: tf.train.sgd(0.1), secureNoise } as never), /secureNoise/);
      expectInvalid(
        () => new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 10, secureNoise } as never),
        /secureNoise/,
      );
    }
    model.dispose();
  });
});
