/**
 * Gauss–Legendre quadrature on [−1, 1]: nodes and weights computed by Newton's method on the
 * Legendre polynomial P_n (three-term recurrence (k)P_k = (2k − 1)x·P_{k−1} − (k − 1)P_{k−2}), with
 * the classical start cos(π(i − ¼)/(n + ½)) and weights 2/((1 − x²)·P_n′(x)²) (Abramowitz & Stegun
 * 25.4.29; Press et al., Numerical Recipes, §4.6 `gauleg`). Exact for polynomials of degree ≤ 2n − 1.
 */

import { check, show } from './check.js';

/** The most nodes {@link gaussLegendre} builds (its Newton iteration is O(n²); privkit uses 8 and 16). */
const MAX_NODES = 10_000;

/** A quadrature rule on [−1, 1]: ∫ f ≈ Σ_i weights[i]·f(nodes[i]). */
export interface QuadratureRule {
  /** The nodes, increasing, symmetric about 0. */
  readonly nodes: Float64Array;
  /** The weights (positive, summing to 2). */
  readonly weights: Float64Array;
  /** log of each weight, for log-space sums. */
  readonly logWeights: Float64Array;
}

/** P_n′(x) by the recurrence, with P_n(x): P_n′(x) = n(x·P_n(x) − P_{n−1}(x))/(x² − 1). */
function legendre(n: number, x: number): { value: number; derivative: number } {
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return { value: p1, derivative: (n * (x * p1 - p0)) / (x * x - 1) };
}

/**
 * The n-point Gauss–Legendre rule on [−1, 1].
 * @param n - the number of nodes, an integer in [1, 10 000].
 * @throws PrivkitError `INVALID_ARGUMENT` for any other `n`.
 * @returns the rule; to integrate over [a, b], map x ↦ (a + b)/2 + (b − a)x/2 and scale the weights by (b − a)/2.
 * @example
 * ```ts
 * const { nodes, weights } = gaussLegendre(5);
 * nodes.reduce((s, x, i) => s + weights[i] * x ** 8, 0); // 2/9, exactly (degree 8 ≤ 2·5 − 1)
 * ```
 */
export function gaussLegendre(n: number): QuadratureRule {
  check(Number.isSafeInteger(n) && n >= 1 && n <= MAX_NODES, () => `\`n\` must be an integer in [1, ${MAX_NODES}]; got ${show(n)}.`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const { value, derivative } = legendre(n, x);
      const dx = value / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const dp = legendre(n, x).derivative; // at the converged node, for the weight
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights, logWeights: weights.map(Math.log) };
}
