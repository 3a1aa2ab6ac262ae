/**
 * Gaussian noise for DP-SGD. Two sources:
 * - the tfjs RNG (seedable, fast), the default;
 * - `secure`: a CSPRNG (`crypto.getRandomValues`, in browsers and Node ≥ 19) through the Box–Muller
 *   transform on 53-bit uniforms, and each value the sum of 4 Gaussians of std σ, divided by 2, as in
 *   Opacus' secure mode (against the floating-point attack of Jin, McMurtry, Rubinstein & Ohrimenko
 *   2022, arXiv 2107.10138, which exploits the low bits of a single sample).
 */
import * as tf from '@tensorflow/tfjs';

/** A uniform double in (0, 1) from 53 CSPRNG bits. */
function secureUniforms(n: number): Float64Array {
  const words = new Uint32Array(2 * n);
  for (let off = 0; off < words.length; off += 16384) {
    crypto.getRandomValues(words.subarray(off, Math.min(words.length, off + 16384))); // 64 KiB per call at most
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6) + 0.5) / 9007199254740992;
  return out;
}

/** n standard-normal samples from the CSPRNG (Box–Muller). */
function secureStandardNormals(n: number): Float64Array {
  const u = secureUniforms(n + (n % 2));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u[i]));
    const theta = 2 * Math.PI * u[i + 1];
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/**
 * A tensor of N(0, std²) noise.
 * @param shape - its shape.
 * @param std - standard deviation ≥ 0.
 * @param source - `{ seed }` for the seeded tfjs RNG, or `'secure'`.
 * @returns a new float32 tensor.
 * @example
 * ```ts
 * const noise = gaussianNoise([10], 1.1, { seed: 7 });
 * ```
 */
export function gaussianNoise(shape: number[], std: number, source: { seed: number } | 'secure'): tf.Tensor {
  if (source !== 'secure') return tf.randomNormal(shape, 0, std, 'float32', source.seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const draws = [secureStandardNormals(size), secureStandardNormals(size), secureStandardNormals(size), secureStandardNormals(size)];
  for (let i = 0; i < size; i++) values[i] = (std * (draws[0][i] + draws[1][i] + draws[2][i] + draws[3][i])) / 2;
  return tf.tensor(values, shape, 'float32');
}
