/**
 * Log-space arithmetic in float64, shared by privkit's packages: sums and differences of
 * exponentials that never overflow, underflow or cancel (Mächler 2012, "Accurately Computing
 * log(1 − exp(−|a|))", CRAN Rmpfr vignette; the max-shifted log-sum-exp of e.g. Blanchard, Higham &
 * Higham 2021, "Accurately computing the log-sum-exp and softmax functions", IMA J. Numer. Anal. 41(4)).
 */

/**
 * log(e^a + e^b), exact for infinite arguments: max(a, b) + log1p(e^{−|a − b|}).
 * @param a - a log-value (−∞ allowed).
 * @param b - a log-value (−∞ allowed).
 * @returns log(e^a + e^b).
 * @example
 * ```ts
 * logAddExp(Math.log(2), Math.log(3)); // Math.log(5)
 * ```
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * log(e^a − e^b) for a ≥ b: a + log(1 − e^{b − a}) by {@link log1mExp}.
 * @param a - the larger log-value.
 * @param b - the smaller log-value (−∞ allowed).
 * @returns log(e^a − e^b); −∞ when a = b, NaN when b > a.
 * @example
 * ```ts
 * logSubExp(Math.log(5), Math.log(3)); // Math.log(2)
 * ```
 */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) return NaN;
  if (a === b) return -Infinity;
  return a + log1mExp(b - a);
}

/**
 * log(1 − e^x) for x ≤ 0 (Mächler 2012: the expm1 branch near 0, the log1p branch beyond −ln 2).
 * @param x - a log-probability, ≤ 0.
 * @returns log(1 − e^x); −∞ at 0, NaN for x > 0.
 * @example
 * ```ts
 * log1mExp(-1e-20); // log(1e-20) ≈ −46.05, where Math.log(1 - Math.exp(-1e-20)) is −∞
 * ```
 */
export function log1mExp(x: number): number {
  if (x > 0) return NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * log(e^x − 1) for x > 0, accurate for small x (expm1) and large x (x + log(1 − e^{−x})).
 * @param x - a positive number.
 * @returns log(e^x − 1); −∞ at 0, NaN below.
 * @example
 * ```ts
 * logExpm1(1000); // 1000 (Math.log(Math.expm1(1000)) is ∞)
 * ```
 */
export function logExpm1(x: number): number {
  if (x <= 0) return x === 0 ? -Infinity : NaN;
  return x > 36 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/**
 * log(1 + e^x) (the softplus) without overflow: x + log1p(e^{−x}) for x > 0.
 * @param x - any real number.
 * @returns log(1 + e^x).
 * @example
 * ```ts
 * log1pExp(800); // 800 (Math.log1p(Math.exp(800)) is ∞)
 * ```
 */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * log Σ_{start ≤ i < end} e^{values[i]}, shifted by the maximum so that no exponential overflows
 * (Blanchard, Higham & Higham 2021, Algorithm 1).
 * @param values - log-values (−∞ allowed).
 * @param start - first index summed. @defaultValue 0
 * @param end - one past the last index summed. @defaultValue values.length
 * @returns the log of the sum; −∞ for an empty range, +∞ when a term is +∞.
 * @example
 * ```ts
 * logSumExp([1000, 1000]); // 1000 + Math.LN2
 * logSumExp(logits, row * k, (row + 1) * k); // one row of a flat [n, k] matrix
 * ```
 */
export function logSumExp(values: ArrayLike<number>, start = 0, end: number = values.length): number {
  const m = maxOf(values, start, end);
  if (m === -Infinity || m === Infinity) return m;
  return m + Math.log(shiftedSum(values, start, end, m));
}

/**
 * log((1/count) Σ_{j < count} e^{values[j]}), the log of a mean of exponentials, max-shifted like
 * {@link logSumExp}.
 * @param values - log-values (−∞ allowed).
 * @param count - how many leading entries are averaged, ≥ 1. @defaultValue values.length
 * @returns the log of the mean.
 * @example
 * ```ts
 * logMeanExp([Math.log(1), Math.log(3)]); // Math.log(2)
 * ```
 */
export function logMeanExp(values: ArrayLike<number>, count: number = values.length): number {
  const m = maxOf(values, 0, count);
  if (m === -Infinity || m === Infinity) return m;
  return m + Math.log(shiftedSum(values, 0, count, m) / count);
}

function maxOf(values: ArrayLike<number>, start: number, end: number): number {
  let m = -Infinity;
  for (let i = start; i < end; i++) if (values[i] > m) m = values[i];
  return m;
}

function shiftedSum(values: ArrayLike<number>, start: number, end: number, m: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(values[i] - m);
  return s;
}
