/**
 * High-precision reference for the skew-normal cdf, written independently of mia/canary (it imports
 * nothing from there) and by a different method: F(z; α) = Φ(z) − 2T(z, α) with Owen's T function
 * T(h, a) = (1/2π) ∫₀^a exp(−h²(1 + x²)/2)/(1 + x²) dx (Owen 1956, Ann. Math. Statist. 27:1075–1090),
 * in 50-significant-digit decimal arithmetic (mathjs BigNumber = decimal.js). The production code
 * integrates the density in float64 log space; this file subtracts two numbers accurate to ~40
 * digits, so it keeps ≥ 12 wherever the cancellation costs fewer than 28 digits (it throws otherwise).
 *
 * Φ(z) = ½ erfc(−z/√2) from the Taylor series erf(x) = (2/√π) Σ (−1)ⁿ x^{2n+1}/(n!(2n+1)) (|z| ≤ 9);
 * T by tanh-sinh quadrature on [0, |a|] (T(h, −a) = −T(h, a)).
 */
import { all, create } from 'mathjs';
import type { Decimal } from 'decimal.js';

const PRECISION = 50;
const math = create(all, { number: 'BigNumber', precision: PRECISION });
const Big = math.bignumber(0).constructor as unknown as new (value: string | number | Decimal) => Decimal;
const ONE = new Big(1);
const TWO = new Big(2);
const PI = new Big(-1).acos();

/** The exact value of a double as a decimal. */
function exact(x: number): Decimal {
  let m = x;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return new Big(m).div(TWO.pow(e));
}

/** erf(x) by its Taylor series (x ≥ 0, x ≤ 6.5). */
function erf(x: Decimal): Decimal {
  const x2 = x.times(x);
  let power = x; // x^{2n+1}/n!
  let sum = x;
  const tiny = new Big(10).pow(-PRECISION - 5);
  for (let n = 1; n < 2000; n++) {
    power = power.times(x2).div(n).neg();
    const term = power.div(2 * n + 1);
    sum = sum.plus(term);
    if (term.abs().lt(tiny)) break;
  }
  return sum.times(2).div(PI.sqrt());
}

/** Φ(z), |z| ≤ 9. */
function ndtr(z: Decimal): Decimal {
  if (z.abs().gt(9)) throw new Error('ndtr reference: |z| must be ≤ 9');
  return ONE.plus(erf(z.div(TWO.sqrt()))).div(2);
}

/**
 * Owen's T(h, a) by tanh-sinh quadrature on [0, |a|] (Takahasi & Mori 1974): x = |a|/(1 + e^{−2u}),
 * u = (π/2) sinh t, weight |a|·π·cosh t/(e^u + e^{−u})², step halved from 1/8 until two successive
 * sums agree to 1e-40 relative (the integrand is entire, so the error falls double-exponentially).
 */
function owensT(h: Decimal, a: Decimal): Decimal {
  if (a.isZero()) return new Big(0);
  if (a.isNegative()) return owensT(h, a.neg()).neg();
  const h2 = h.times(h).div(2);
  const halfPi = PI.div(2);
  const term = (t: Decimal): Decimal => {
    const et = t.exp();
    const u = halfPi.times(et.minus(ONE.div(et))).div(2);
    const eu = u.exp();
    const emu = ONE.div(eu);
    const x = a.div(ONE.plus(emu.times(emu)));
    const weight = a.times(PI).times(et.plus(ONE.div(et)).div(2)).div(eu.plus(emu).pow(2));
    const onePlus = ONE.plus(x.times(x));
    return weight.times(h2.times(onePlus).neg().exp().div(onePlus));
  };
  const tMax = 4.5; // weights below 1e-90 beyond
  let step = 1 / 8;
  let sum = new Big(0);
  for (let k = -tMax / step; k <= tMax / step; k++) sum = sum.plus(term(new Big(k * step)));
  let estimate = sum.times(step);
  const tolerance = new Big(10).pow(-40);
  for (let level = 0; level < 6; level++) {
    step /= 2;
    for (let k = -tMax / step + 1; k <= tMax / step; k += 2) sum = sum.plus(term(new Big(k * step)));
    const next = sum.times(step);
    if (next.minus(estimate).abs().lte(next.abs().times(tolerance))) return next.div(PI.times(2));
    estimate = next;
  }
  throw new Error('owensT reference: tanh-sinh did not converge');
}

/**
 * F(z; α) of the standard skew-normal, to ≥ 12 significant digits (throws when the subtraction
 * Φ(z) − 2T(z, α) would leave fewer).
 */
export function referenceSkewNormalCdf(z: number, alpha: number): Decimal {
  const zd = exact(z);
  const phi = ndtr(zd);
  const t = owensT(zd, exact(alpha));
  const f = phi.minus(t.times(2));
  const digitsLost = phi.div(f.abs()).log(10).toNumber();
  if (!(digitsLost < PRECISION - 28)) throw new Error(`reference cdf at z = ${z}, α = ${alpha} loses ${digitsLost} digits`);
  return f;
}

/** |x − ref|/|ref| as a double. */
export function relativeError(x: number, ref: Decimal): number {
  return exact(x).minus(ref).abs().div(ref.abs()).toNumber();
}
