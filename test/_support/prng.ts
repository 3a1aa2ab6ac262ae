/**
 * Small deterministic PRNG for reproducible test grids (mulberry32, public domain; Tommy Ettinger).
 * Not for anything security-related.
 */
import { seededUniform } from '../../accountant/index.js';

/** A generator of uniform doubles in [0, 1), determined by `seed`: privkit's one seeded PRNG. */
export const mulberry32 = seededUniform;

/** Log-uniform draw in [lo, hi] (lo > 0). */
export function logUniform(rand: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo)));
}

/** Uniform pick from a non-empty list. */
export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.min(items.length - 1, Math.floor(rand() * items.length))];
}
