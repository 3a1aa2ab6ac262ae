/**
 * Noise samplers driven by a `random()` uniform on [0, 1), for writing mechanisms that `checkDp` can
 * replay from a seed. For tests only: they inherit the generator's 32-bit grid and are not hardened
 * against floating-point attacks (Mironov 2012); use privkit's `gaussianNoise` with `'secure'` in production.
 */

/**
 * One draw of Laplace(0, b) by inversion: −b·sign(u)·ln(1 − 2|u|), u = random() − ½.
 * @param random - uniform on [0, 1).
 * @param scale - b ≥ 0.
 * @returns the draw (−∞ on the single grid point u = −½).
 * @example
 * ```ts
 * const noisyCount = (d: number[], random: () => number) => d.length + sampleLaplace(random, 1 / epsilon);
 * ```
 */
export function sampleLaplace(random: () => number, scale: number): number {
  const u = random() - 0.5;
  return (u < 0 ? scale : -scale) * Math.log1p(-2 * Math.abs(u));
}

/**
 * One draw of N(0, std²) by the Box–Muller transform (one of the pair; two `random()` calls).
 * @param random - uniform on [0, 1).
 * @param std - standard deviation ≥ 0.
 * @returns the draw.
 * @example
 * ```ts
 * const noisySum = (d: number[], random: () => number) => clippedSum(d) + sampleGaussian(random, sigma);
 * ```
 */
export function sampleGaussian(random: () => number, std: number): number {
  const u = 1 - random(); // (0, 1]: log stays finite
  const v = random();
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
