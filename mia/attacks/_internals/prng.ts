/**
 * Seeded uniform PRNG for the attack models' initialisation and subsampling (mulberry32, public domain;
 * Tommy Ettinger). Deterministic across platforms: only 32-bit integer operations. Not for anything
 * security-related.
 */

/** A generator of uniform doubles in [0, 1), determined by `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
