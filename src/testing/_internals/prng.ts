/**
 * The seeded uniform generator handed to mechanisms under test: mulberry32 (Tommy Ettinger, public
 * domain), 32-bit state, period 2³², values on the grid k/2³² in [0, 1). Fast and reproducible, not
 * cryptographic: it exists so that a failing statistical test can be replayed from its seed.
 */

/** A generator of uniform doubles in [0, 1), determined by `seed` (the batch sampler's mulberry32). */
export { seededUniform as seededRandom } from '../../optimizer/poissonBatches.js';

/**
 * An independent-looking seed for sub-stream `stream` of `seed` (the murmur3 finaliser of a mix of the
 * two), so that the samples of D, of D′, of the search and of each run never share a stream.
 */
export function streamSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((stream + 1) >>> 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A fresh random 32-bit seed (for runs where the caller gave none; it is reported back). */
export function drawSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
