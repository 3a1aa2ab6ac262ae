/**
 * The standard skew-normal SN(0, 1, α) (Azzalini 1985, "A class of distributions which includes the
 * normal ones", Scand. J. Statist. 12:171–178): density g(t) = 2φ(t)Φ(αt), log-density
 * h(t) = log 2 + log φ(t) + log Φ(αt), and its cdf by log-space Gauss–Legendre quadrature.
 *
 * Why quadrature and not Owen's T: F(t) = Φ(t) − 2T(t, α) subtracts two numbers of similar size in
 * the lower tail when α > 0 (F ≪ Φ(t)), so it loses all relative precision once F < 1e-16·Φ(t) —
 * exactly where a memorised canary's exposure is read off. Integrating g itself in log space keeps
 * full relative precision at any depth (log F = −1000 is fine).
 *
 * The integration range is exact up to e^{−E}: h is strictly concave with h″ ≤ −1 (log φ has h″ = −1,
 * log Φ is concave), so for s on the rising side (h′(s) ≥ 0) and t < s,
 * h(t) ≤ h(s) − h′(s)(s − t) − (s − t)²/2; the cut-off a where h(a) = h(s) − E is found by bisection
 * inside the bracket this bound guarantees, and the neglected tail is below e^{−E} relative to the
 * integrand's peak. Symmetrically for the upper tail.
 */
import erfcx from '@stdlib/math-base-special-erfcx';
import { gaussLegendre, logNdtr, logNormalPdf, ndtr } from '../../../accountant/index.js';

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** Nats of decay at which the integration range is cut (e^{−60} ≈ 9e-27). */
const CUT_NATS = 60;
const PANELS = 20;
const RULE = gaussLegendre(16);
const SMALL_RULE = gaussLegendre(8);

/**
 * ζ₁(u) = d/du log Φ(u) = φ(u)/Φ(u), the inverse Mills ratio of the lower tail (Azzalini 1985's ζ₁).
 * For u < −1 it is √(2/π)/erfcx(−u/√2) (φ and Φ share the factor e^{−u²/2}; erfcx from stdlib,
 * `@stdlib/math-base-special-erfcx`), so it stays exact as u → −∞ (≈ −u).
 */
export function zeta1(u: number): number {
  if (u < -1) return SQRT_2_OVER_PI / erfcx(-u * SQRT1_2);
  return Math.exp(logNormalPdf(u)) / ndtr(u);
}

/** ζ₂(u) = d²/du² log Φ(u) = −ζ₁(u)(u + ζ₁(u)), in (−1, 0): log Φ is strictly concave. */
export function zeta2(u: number, z1: number = zeta1(u)): number {
  return -z1 * (u + z1);
}

/** h(t) = log g(t) = log 2 + log φ(t) + log Φ(αt). */
export function logDensity(t: number, alpha: number): number {
  return LN2 + logNormalPdf(t) + logNdtr(alpha * t);
}

/** h′(t) = −t + α ζ₁(αt), strictly decreasing. */
export function logDensitySlope(t: number, alpha: number): number {
  return -t + alpha * zeta1(alpha * t);
}

/** The mode m of SN(0, 1, α), the root of h′ (unique: h is strictly concave); within ~1e-15. */
export function standardMode(alpha: number): number {
  // h′(−1 − 0.8|α|) > 0 > h′(1 + 0.8|α|) because 0 < α ζ₁(αt) < 0.8 α for αt > 0 (ζ₁(0) = √(2/π) ≈ 0.798).
  let lo = -1 - 0.8 * Math.abs(alpha);
  let hi = 1 + 0.8 * Math.abs(alpha);
  for (let k = 0; k < 200 && hi - lo > 1e-15 * (1 + Math.abs(lo) + Math.abs(hi)); k++) {
    const mid = 0.5 * (lo + hi);
    if (logDensitySlope(mid, alpha) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** log ∫ g over [a, b] by `PANELS` panels of 16-point Gauss–Legendre, summed in log space. */
function logIntegral(a: number, b: number, alpha: number): number {
  const width = (b - a) / PANELS;
  const half = 0.5 * width;
  const logHalf = Math.log(half);
  const terms = new Float64Array(PANELS * RULE.nodes.length);
  let max = -Infinity;
  let k = 0;
  for (let p = 0; p < PANELS; p++) {
    const mid = a + (p + 0.5) * width;
    for (let i = 0; i < RULE.nodes.length; i++) {
      const v = RULE.logWeights[i] + logHalf + logDensity(mid + half * RULE.nodes[i], alpha);
      terms[k++] = v;
      if (v > max) max = v;
    }
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(terms[j] - max);
  return max + Math.log(sum);
}

/**
 * The point where h has dropped `CUT_NATS` below h(s), on the side away from the mode: direction −1
 * (lower tail, s ≤ mode) or +1 (upper tail, s ≥ mode).
 */
function cutOff(s: number, alpha: number, direction: -1 | 1): number {
  const target = logDensity(s, alpha) - CUT_NATS;
  const slope = Math.abs(logDensitySlope(s, alpha));
  // Strong concavity: the drop over a distance L is ≥ slope·L + L²/2, so either term alone reaching
  // CUT_NATS brackets the cut-off.
  const reach = Math.min(Math.sqrt(2 * CUT_NATS), slope > 0 ? CUT_NATS / slope : Infinity);
  let inner = 0; // distance from s with h above target
  let outer = reach; // distance with h at or below target
  for (let k = 0; k < 40; k++) {
    const mid = 0.5 * (inner + outer);
    if (logDensity(s + direction * mid, alpha) > target) inner = mid;
    else outer = mid;
  }
  return s + direction * outer;
}

/** log F(z) for SN(0, 1, α); `mode` = standardMode(α). */
export function standardLogCdf(z: number, alpha: number, mode: number): number {
  if (z === -Infinity) return -Infinity;
  if (z === Infinity) return 0;
  if (z <= mode) return logIntegral(cutOff(z, alpha, -1), z, alpha);
  const upper = Math.exp(logIntegral(z, cutOff(z, alpha, 1), alpha));
  return Math.log1p(-Math.min(1, upper));
}

/** log(1 − F(z)) for SN(0, 1, α). */
export function standardLogSf(z: number, alpha: number, mode: number): number {
  if (z === -Infinity) return 0;
  if (z === Infinity) return -Infinity;
  if (z >= mode) return logIntegral(z, cutOff(z, alpha, 1), alpha);
  const lower = Math.exp(logIntegral(cutOff(z, alpha, -1), z, alpha));
  return Math.log1p(-Math.min(1, lower));
}

/**
 * F at each of `sortedZ` (ascending, finite): the first by {@link standardLogCdf}, then each next one
 * by adding ∫ g over the gap (8-point Gauss–Legendre on sub-panels no wider than 0.25/(1 + |α|), the
 * scale on which g changes; a gap wider than 64 sub-panels gets a full quadrature instead). About
 * 8·(n + 4(1 + |α|)·range) density evaluations instead of n full quadratures; the accumulated error
 * stays near 1e-14.
 */
export function standardCdfSorted(sortedZ: ArrayLike<number>, alpha: number, mode: number): Float64Array {
  const n = sortedZ.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let f = Math.exp(standardLogCdf(sortedZ[0], alpha, mode));
  out[0] = f;
  const maxWidth = 0.25 / (1 + Math.abs(alpha));
  for (let i = 1; i < n; i++) {
    const a = sortedZ[i - 1];
    const b = sortedZ[i];
    const panels = Math.max(1, Math.ceil((b - a) / maxWidth));
    if (panels > 64) {
      f = Math.exp(standardLogCdf(b, alpha, mode)); // a wide gap: one full quadrature is cheaper
    } else if (b > a) {
      const width = (b - a) / panels;
      const half = 0.5 * width;
      let sum = 0;
      for (let p = 0; p < panels; p++) {
        const mid = a + (p + 0.5) * width;
        for (let j = 0; j < SMALL_RULE.nodes.length; j++) sum += SMALL_RULE.weights[j] * Math.exp(logDensity(mid + half * SMALL_RULE.nodes[j], alpha));
      }
      f += half * sum;
    }
    out[i] = Math.min(1, f);
  }
  return out;
}
