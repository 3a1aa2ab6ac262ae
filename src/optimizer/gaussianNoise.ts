/**
 * Gaussian noise for DP-SGD (ziggurat normals, see `randomness.ts`). Two sources:
 * - `secure` (privkit's default for training): the CSPRNG, and each value the sum of 4 Gaussians of
 *   std σ, divided by 2, as in Opacus' secure mode (against the floating-point attack of Jin, McMurtry,
 *   Rubinstein & Ohrimenko 2022, arXiv 2107.10138, which exploits the low bits of a single sample);
 * - `{ seed }`: xoshiro128** from the seed, one draw per value; for reproducible experiments only.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { Xoshiro128, fillNormals, secureWords } from './randomness.js';

/** The most values one noise tensor may have (4 GiB of float32). */
const MAX_VALUES = 2 ** 30;

/**
 * A tensor of N(0, std²) noise.
 * @param shape - its shape.
 * @param std - standard deviation ≥ 0.
 * @param source - `'secure'` (the CSPRNG, four normals summed per value), `{ seed }` for xoshiro128**
 *   from a seed (an integer, taken modulo 2³²; one draw per value), or `{ key }` for xoshiro128** keyed
 *   by up to four integers (distinct keys, distinct streams: `Xoshiro128.fromKey`).
 * @returns a new float32 tensor.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad std, shape or source.
 * @example
 * ```ts
 * const noise = gaussianNoise([10], 1.1, { seed: 7 });
 * ```
 */
export function gaussianNoise(shape: number[], std: number, source: { seed: number } | { key: readonly number[] } | 'secure'): tf.Tensor {
  if (!(std >= 0 && Number.isFinite(std))) throw new PrivkitError('INVALID_ARGUMENT', `\`std\` must be in [0, ∞); got ${String(std)}.`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`shape\` must be an array of integers ≥ 0; got ${JSON.stringify(shape)}.`);
  }
  const secure = source === 'secure';
  const keyed = !secure && typeof source === 'object' && source !== null && 'key' in source;
  const okKey = keyed && Array.isArray(source.key) && source.key.length >= 1 && source.key.length <= 4 && source.key.every((w) => Number.isSafeInteger(w));
  const okSeed = !secure && !keyed && typeof source === 'object' && source !== null && Number.isSafeInteger((source as { seed: unknown }).seed);
  if (!secure && !okKey && !okSeed) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`source\` must be 'secure', { seed: integer } or { key: 1 to 4 integers }; got ${JSON.stringify(source)}.`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(size <= MAX_VALUES)) throw new PrivkitError('INVALID_ARGUMENT', `\`shape\` [${shape.join(', ')}] has ${size} values; at most ${MAX_VALUES} (2^30) in one noise tensor.`);
  const values = new Float32Array(size);
  const words = secure ? secureWords : keyed ? Xoshiro128.fromKey((source as { key: number[] }).key) : new Xoshiro128((source as { seed: number }).seed);
  fillNormals(values, std, words, secure);
  return tf.tensor(values, shape, 'float32');
}
