/**
 * The seeded uniform generator handed to mechanisms under test: mulberry32 (Tommy Ettinger, public
 * domain), 32-bit state, period 2³², values on the grid k/2³² in [0, 1). Fast and reproducible, not
 * cryptographic: it exists so that a failing statistical test can be replayed from its seed.
 */

/** A generator of uniform doubles in [0, 1), determined by `seed`. */
export function seededRandom(seed: number): () => number {
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
