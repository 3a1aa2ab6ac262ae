/**
 * Poisson sampling of batches, the sampling the privacy accountants assume (Abadi et al. 2016 §3.1;
 * Mironov, Talwar & Zhang 2019): each of the n examples joins each batch independently with
 * probability q, so batch sizes vary and may be 0. Shuffled fixed-size batches do not give the
 * accounted guarantee (TF-Privacy #483, Opacus #80).
 */
import { PrivkitError } from '../../accountant/index.js';

/** A small seedable PRNG (mulberry32): deterministic batches for a given seed. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An endless sequence of Poisson-sampled batches of example indices.
 * Uses geometric skips (the gap to the next included index is Geometric(q)), O(q·n) per batch.
 * @param n - number of examples, an integer ≥ 1.
 * @param sampleRate - q in (0, 1].
 * @param seed - PRNG seed; the same seed gives the same batches.
 * @returns a generator of Int32Array index lists, sorted, possibly empty.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad n or q.
 * @example
 * ```ts
 * const batches = poissonBatches(60000, 256 / 60000, 1);
 * const first = batches.next().value; // ~256 indices
 * ```
 */
export function* poissonBatches(n: number, sampleRate: number, seed: number): Generator<Int32Array, never> {
  if (!Number.isInteger(n) || n < 1) throw new PrivkitError('INVALID_ARGUMENT', `\`n\` must be an integer ≥ 1; got ${n}.`);
  if (!(sampleRate > 0 && sampleRate <= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`sampleRate\` must be in (0, 1]; got ${sampleRate}.`);
  }
  const uniform = seededUniform(seed);
  const logKeep = Math.log1p(-sampleRate);
  for (;;) {
    if (sampleRate === 1) {
      yield Int32Array.from({ length: n }, (_, i) => i);
      continue;
    }
    const picked: number[] = [];
    // Index of the next included example: skip ~ Geometric(q) ⇒ floor(log U / log(1 − q)).
    let i = Math.floor(Math.log(1 - uniform()) / logKeep);
    while (i < n) {
      picked.push(i);
      i += 1 + Math.floor(Math.log(1 - uniform()) / logKeep);
    }
    yield Int32Array.from(picked);
  }
}
