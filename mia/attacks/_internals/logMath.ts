/**
 * Row-wise log-space arithmetic on logits, and the normal tail the offline LiRA test needs, in float64.
 *
 * A row is `numClasses` logits starting at `offset` in a flat view (`views[v][i * numClasses + c]`).
 * Every log-sum-exp is shifted by the row's maximum so that no exponential overflows, and the LiRA
 * statistic never forms 1 − p_y (which cancels catastrophically when p_y → 1).
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Σ_c exp(z[offset + c]) over c < k, max-shifted. */
export function rowLogSumExp(z: ArrayLike<number>, offset: number, k: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (z[offset + c] > m) m = z[offset + c];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(z[offset + c] - m);
  return m + Math.log(s);
}

/** log softmax(z)_y = z_y − log Σ_c exp z_c. */
export function rowLogSoftmax(z: ArrayLike<number>, offset: number, k: number, y: number): number {
  return z[offset + y] - rowLogSumExp(z, offset, k);
}

/**
 * φ = log p_y − log Σ_{c≠y} p_c = z_y − log Σ_{c≠y} exp z_c (the softmax normaliser cancels).
 * Shifted by the maximum over c ≠ y, so it is exact when p_y → 1 (no 1 − p_y is formed).
 */
export function rowLiraStatistic(z: ArrayLike<number>, offset: number, k: number, y: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (c !== y && z[offset + c] > m) m = z[offset + c];
  let s = 0;
  for (let c = 0; c < k; c++) if (c !== y) s += Math.exp(z[offset + c] - m);
  return z[offset + y] - (m + Math.log(s));
}

export { logAddExp } from '../../../accountant/_internals/logMath.js';

/** log((1/count) Σ_j exp(values[j])) over the first `count` entries, max-shifted. */
export function logMeanExp(values: ArrayLike<number>, count: number): number {
  let m = -Infinity;
  for (let j = 0; j < count; j++) if (values[j] > m) m = values[j];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < count; j++) s += Math.exp(values[j] - m);
  return m + Math.log(s / count);
}

/** log N(x; μ, σ²) = −½((x − μ)/σ)² − log σ − ½ log 2π. */
export function logNormalPdf(x: number, mu: number, sigma: number): number {
  const t = (x - mu) / sigma;
  return -0.5 * t * t - Math.log(sigma) - HALF_LOG_2PI;
}

/**
 * −log(1 − Φ(t)) = −log Q(t), Φ the standard normal CDF, accurate for all real t:
 * t < 0: Q = 1 − Φ(t) with Φ(t) = ½ erfc(−t/√2) small and exact, so −log1p(−Φ(t));
 * 0 ≤ t/√2 ≤ 1: −log(½ erfc(t/√2)) directly;
 * t/√2 > 1: erfc(x) = erfcx(x)·e^{−x²} with the scaled erfcx, so Q never underflows.
 */
export function negLogNormalSf(t: number): number {
  if (t < 0) return -Math.log1p(-0.5 * erfc(-t * SQRT1_2));
  const x = t * SQRT1_2;
  if (x <= 1) return LN2 - Math.log(erfc(x));
  return x * x + LN2 - Math.log(erfcx(x));
}
