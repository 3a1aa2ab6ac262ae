/**
 * Noise samplers driven by a `random()` uniform on [0, 1), for writing mechanisms that `checkDp` can
 * replay from a seed. For tests only: they inherit the generator's 32-bit grid and are not hardened
 * against floating-point attacks (Mironov 2012); use privkit's `gaussianNoise` with `'secure'` in production.
 */
import { invalid, show } from '../../accountant/index.js';

/** Throws unless `scale` is a finite number ≥ 0. */
function checkScale(name: string, scale: unknown): void {
  if (typeof scale !== 'number' || !(scale >= 0) || scale === Infinity) invalid(`\`${name}\` must be a finite number ≥ 0; got ${show(scale)}.`);
}

/** One uniform draw, checked: `random` must be a function returning numbers in [0, 1). */
function uniform(random: () => number): number {
  const u = random();
  if (typeof u !== 'number' || !(u >= 0 && u < 1)) invalid(`\`random()\` must return a number in [0, 1); got ${show(u)}.`);
  return u;
}

function checkRandom(random: unknown): void {
  if (typeof random !== 'function') invalid(`\`random\` must be a function returning uniform numbers in [0, 1); got ${show(random)}.`);
}

/**
 * One draw of Laplace(0, b) by inversion: −b·sign(u)·ln(1 − 2|u|), u = random() − ½.
 * @param random - uniform on [0, 1).
 * @param scale - b, a finite number ≥ 0.
 * @returns the draw (−∞ on the single grid point u = −½).
 * @throws PrivkitError `INVALID_ARGUMENT` for a `random` that is not a function or returns a value
 *   outside [0, 1), or a bad `scale`.
 * @example
 * ```ts
 * const noisyCount = (d: number[], random: () => number) => d.length + sampleLaplace(random, 1 / epsilon);
 * ```
 */
export function sampleLaplace(random: () => number, scale: number): number {
  checkRandom(random);
  checkScale('scale', scale);
  const u = uniform(random) - 0.5;
  if (scale === 0) return 0; // not 0·∞ = NaN on the grid point u = −½
  return (u < 0 ? scale : -scale) * Math.log1p(-2 * Math.abs(u));
}

/**
 * One draw of N(0, std²) by the Box–Muller transform (one of the pair; two `random()` calls).
 * @param random - uniform on [0, 1).
 * @param std - standard deviation, a finite number ≥ 0.
 * @returns the draw.
 * @throws PrivkitError `INVALID_ARGUMENT` for a `random` that is not a function or returns a value
 *   outside [0, 1), or a bad `std`.
 * @example
 * ```ts
 * const noisySum = (d: number[], random: () => number) => clippedSum(d) + sampleGaussian(random, sigma);
 * ```
 */
export function sampleGaussian(random: () => number, std: number): number {
  checkRandom(random);
  checkScale('std', std);
  const u = 1 - uniform(random); // (0, 1]: log stays finite
  const v = uniform(random);
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
