/**
 * The randomness of DP-SGD: uniformly random 32-bit words from one of two sources, and uniforms and
 * standard normals built from them.
 * - `secure`: the platform CSPRNG (`crypto.getRandomValues`, in browsers and Node ≥ 19). The default of
 *   privkit's training: nobody can regenerate the noise or the batches.
 * - seeded: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators",
 *   ACM TOMS 47(4)), state seeded by SplitMix32 from a 32-bit seed; reproducible experiments only.
 *   Its whole state is four words, so a checkpoint stores the state and resumes in O(1).
 * Normals use the ziggurat of Doornik (2005, "An Improved Ziggurat Method to Generate Normal Random
 * Samples", 128 blocks, R = 3.442619855899, V = 9.91256303526217e-3) with the value drawn from a 53-bit
 * uniform and the block index from separate bits (the defect of the original Marsaglia–Tsang
 * generator, which took both from one word, is avoided).
 */

import { PrivkitError } from '../../accountant/index.js';

/** A source of independent, uniformly distributed 32-bit words. */
export interface RandomWords {
  /** Fills `out` with random words. */
  fill(out: Uint32Array): void;
}

/** Which kind of randomness a training run uses. */
export type Randomness = 'secure' | 'seeded';

/** The CSPRNG as a word source (at most 64 KiB per `getRandomValues` call, as Web Crypto requires). */
export const secureWords: RandomWords = Object.freeze({
  fill(out: Uint32Array): void {
    for (let off = 0; off < out.length; off += 16384) crypto.getRandomValues(out.subarray(off, Math.min(out.length, off + 16384)));
  },
});

/** SplitMix32 step (the seeding recommended for xoshiro's state; Steele, Lea & Flood 2014). */
function splitMix32(state: Uint32Array): number {
  state[0] = (state[0] + 0x9e3779b9) >>> 0;
  let z = state[0];
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128**: a seeded word source whose state is four 32-bit words. */
export class Xoshiro128 implements RandomWords {
  private readonly s: Uint32Array;

  /** @param seed - any 32-bit integer (taken modulo 2³²). */
  constructor(seed: number) {
    const sm = Uint32Array.of(seed >>> 0);
    this.s = Uint32Array.of(splitMix32(sm), splitMix32(sm), splitMix32(sm), splitMix32(sm));
  }

  /**
   * A generator keyed by up to four 32-bit words (e.g. a seed, a step and a tensor index), through a
   * bijection of the 128 bits: distinct keys give distinct states — no two streams coincide, unlike
   * seeds folded into 32 bits — and nearby keys give unrelated ones.
   * @param key - one to four integers (taken modulo 2³²).
   * @returns the generator.
   */
  static fromKey(key: readonly number[]): Xoshiro128 {
    const constants = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];
    const h = Uint32Array.from({ length: 4 }, (_, k) => ((key[k] ?? 0) ^ constants[k]) >>> 0);
    // MurmurHash3_x86_128's finalisation: cross-add, fmix32 each word, cross-add. Each part is a
    // bijection of the 128 bits (the cross-adds are triangular mod 2³²), so distinct keys give distinct
    // states, and every state word depends on every key word (xoshiro's first output reads one word).
    const crossAdd = (): void => {
      h[0] += h[1] + h[2] + h[3];
      h[1] += h[0];
      h[2] += h[0];
      h[3] += h[0];
    };
    crossAdd();
    for (let k = 0; k < 4; k++) {
      let w = h[k];
      w = Math.imul(w ^ (w >>> 16), 0x85ebca6b);
      w = Math.imul(w ^ (w >>> 13), 0xc2b2ae35);
      h[k] = (w ^ (w >>> 16)) >>> 0;
    }
    crossAdd();
    if (h.every((w) => w === 0)) h[0] = 1; // xoshiro's one forbidden state
    const g = new Xoshiro128(0);
    g.s.set(h);
    return g;
  }

  /**
   * A generator at a saved state.
   * @param state - four 32-bit words, not all 0 (as returned by {@link Xoshiro128.state}).
   * @returns the generator.
   */
  static fromState(state: readonly number[]): Xoshiro128 {
    const g = new Xoshiro128(0);
    g.setState(state);
    return g;
  }

  /**
   * Moves the generator to a saved state.
   * @param state - four 32-bit words, not all 0.
   * @throws PrivkitError `INVALID_ARGUMENT` for anything else (all 0 is xoshiro's one fixed point).
   */
  setState(state: readonly number[]): void {
    if (!isGeneratorState(state)) {
      throw new PrivkitError('INVALID_ARGUMENT', `a xoshiro128** state is four 32-bit words, not all 0; got ${describeValue(state)}.`);
    }
    this.s.set(state);
  }

  /** The state: four words; {@link Xoshiro128.fromState} continues from it. */
  state(): number[] {
    return Array.from(this.s);
  }

  /** The next word. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  fill(out: Uint32Array): void {
    // next(), inlined on local copies of the state (the hot loop of seeded noise).
    const s = this.s;
    let s0 = s[0] | 0;
    let s1 = s[1] | 0;
    let s2 = s[2] | 0;
    let s3 = s[3] | 0;
    for (let i = 0; i < out.length; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = r;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}

/**
 * Whether `state` is a valid xoshiro128** state: four integers in [0, 2³²), not all 0.
 * @param state - any value (e.g. parsed from a checkpoint).
 * @returns true for a valid state.
 */
export function isGeneratorState(state: unknown): state is number[] {
  return (
    Array.isArray(state) &&
    state.length === 4 &&
    state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
    state.some((w) => w !== 0)
  );
}

/**
 * A short description of an untrusted value for an error message (JSON, cut at 80 characters).
 * @internal
 */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const TWO_M52 = 1 / 4503599627370496;
const TWO_P52 = 4503599627370496;

/**
 * Buffered uniforms from a word source: `uniform()` is (k + ½)·2⁻⁵² for a uniformly random 52-bit k,
 * computed exactly (k + ½ needs 53 bits), so it lies strictly inside (0, 1) and `log(u)` and
 * `log(1 − u)` are finite. (With 53 random bits, (k + ½)·2⁻⁵³ is not representable above ½ and rounds
 * to 1 at the top.)
 */
export class UniformStream {
  private readonly buf: Uint32Array;
  private pos: number;

  /**
   * @param words - the source.
   * @param buffer - words fetched at a time. @defaultValue 4096
   */
  constructor(
    private readonly words: RandomWords,
    buffer = 4096,
  ) {
    this.buf = new Uint32Array(buffer);
    this.pos = buffer;
  }

  /** The next random word. */
  word(): number {
    if (this.pos === this.buf.length) {
      this.words.fill(this.buf);
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }

  /** A uniform double in (0, 1), never 0 or 1 (two words). */
  uniform(): number {
    const a = this.word() >>> 6;
    const b = this.word() >>> 6;
    return (a * 67108864 + b + 0.5) * TWO_M52;
  }
}

// Doornik's ZIGNOR tables (128 blocks of equal area V).
const ZIG_C = 128;
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_X = new Float64Array(ZIG_C + 1);
const ZIG_RATIO = new Float64Array(ZIG_C);
{
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f; // the bottom block: V / f(R)
  ZIG_X[1] = ZIG_R;
  ZIG_X[ZIG_C] = 0;
  for (let i = 2; i < ZIG_C; i++) {
    ZIG_X[i] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIG_X[i] * ZIG_X[i]);
  }
  for (let i = 0; i < ZIG_C; i++) ZIG_RATIO[i] = ZIG_X[i + 1] / ZIG_X[i];
}

/** The normal tail beyond R (Marsaglia 1964), on the side given. */
function normalTail(u: UniformStream, negative: boolean): number {
  let x: number;
  let y: number;
  do {
    x = Math.log(u.uniform()) / ZIG_R;
    y = Math.log(u.uniform());
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

/** The ziggurat's slow branches for a first draw (v, block i) outside its block's rectangle. */
function zigguratSlow(v: number, i: number, u: UniformStream): number {
  if (i === 0) return normalTail(u, v < 0);
  const x = v * ZIG_X[i];
  const f0 = Math.exp(-0.5 * (ZIG_X[i] * ZIG_X[i] - x * x));
  const f1 = Math.exp(-0.5 * (ZIG_X[i + 1] * ZIG_X[i + 1] - x * x));
  if (f1 + u.uniform() * (f0 - f1) < 1) return x; // in the wedge under the density
  return standardNormal(u); // rejected: a fresh draw
}

/**
 * v = 2U − 1 for U = (k + ½)·2⁻⁵³, k the 53-bit number of a's top 27 and b's top 26 bits, computed
 * exactly as (k − 2⁵² + ½)·2⁻⁵²: v ∈ (−1, 1), and complementing k negates v exactly.
 */
function signedUniform(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6) - TWO_P52 + 0.5) * TWO_M52;
}

/**
 * One standard normal by the ziggurat: v = 2U − 1 from a 53-bit uniform U (two words), the block from
 * 7 further bits of the same two words (bits the uniform does not use, so v and the block are
 * independent).
 * @param u - the uniform stream.
 * @returns a draw of N(0, 1).
 */
export function standardNormal(u: UniformStream): number {
  const a = u.word();
  const b = u.word();
  const v = signedUniform(a, b);
  const i = ((a & 31) << 2) | (b & 3);
  if (Math.abs(v) < ZIG_RATIO[i]) return v * ZIG_X[i]; // inside the block's rectangle (~99% of draws)
  return zigguratSlow(v, i, u);
}

/**
 * Fills `out` with N(0, std²) draws; with `sumOfFour`, each value is (n₁ + n₂ + n₃ + n₄)·std/2 (again
 * N(0, std²)), summed in double precision and rounded once, the floating-point-attack mitigation of
 * Opacus' secure mode (Jin, McMurtry, Rubinstein & Ohrimenko 2022, arXiv 2107.10138). Each draw is
 * {@link standardNormal}'s, with the two words of its first try taken in bulk from `words` (the hot
 * loop, inlined) and the rare slow branches from a stream on the same source.
 * @param out - the array to fill.
 * @param std - standard deviation ≥ 0.
 * @param words - the word source (one stream: the result is a function of its words).
 * @param sumOfFour - sum four draws per value.
 */
export function fillNormals(out: Float32Array | Float64Array, std: number, words: RandomWords, sumOfFour: boolean): void {
  const u = new UniformStream(words);
  const per = sumOfFour ? 4 : 1;
  const scale = sumOfFour ? std / 2 : std;
  const chunk = 2048;
  const buf = new Uint32Array(2 * per * chunk);
  const X = ZIG_X;
  const ratio = ZIG_RATIO;
  for (let off = 0; off < out.length; off += chunk) {
    const m = Math.min(chunk, out.length - off);
    const w = m === chunk ? buf : buf.subarray(0, 2 * per * m);
    words.fill(w);
    let p = 0;
    for (let k = 0; k < m; k++) {
      let acc = 0;
      for (let j = 0; j < per; j++, p += 2) {
        const a = w[p];
        const b = w[p + 1];
        const v = ((a >>> 5) * 67108864 + (b >>> 6) - TWO_P52 + 0.5) * TWO_M52; // signedUniform(a, b), inlined
        const i = ((a & 31) << 2) | (b & 3);
        acc += Math.abs(v) < ratio[i] ? v * X[i] : zigguratSlow(v, i, u);
      }
      out[off + k] = acc * scale;
    }
  }
}
