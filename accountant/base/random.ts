/**
 * privkit's one small seeded PRNG, for reproducible work that is not privacy-critical: the auditor's
 * splits, shuffles, canaries and attack models, privkit/testing's mechanism draws, the dataset
 * loaders' shuffles. DP batches and DP noise never use it: they take the CSPRNG or the seeded
 * xoshiro128** of the core's `randomness.ts`.
 */

/**
 * A generator of uniform doubles in [0, 1) determined by `seed`: mulberry32 (Tommy Ettinger, public
 * domain), 32-bit state, period 2³², values on the grid k/2³². Fast and reproducible on every
 * platform; not cryptographic.
 * @param seed - any number; folded to 32 bits (`seed >>> 0`).
 * @returns a function returning the next uniform in [0, 1).
 * @example
 * ```ts
 * const random = seededUniform(42);
 * random(); // 0.6011037519201636
 * ```
 */
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
 * An independent-looking 32-bit seed for sub-stream `stream` of `seed`: the murmur3 finaliser
 * (`fmix32`, Appleby's MurmurHash3) of a golden-ratio mix of the two, so that streams derived from
 * one seed (the samples of D, of D′, a search, each run) never share a generator.
 * @param seed - the parent seed (folded to 32 bits).
 * @param stream - the sub-stream's index, an integer ≥ 0.
 * @returns a seed in [0, 2³² − 1].
 * @example
 * ```ts
 * const [onD, onDPrime] = [seededUniform(streamSeed(seed, 0)), seededUniform(streamSeed(seed, 1))];
 * ```
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
