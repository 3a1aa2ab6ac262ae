/**
 * Maximum likelihood for SN(ξ, ω, α) on standardised data (mean 0, variance 1), in the direct
 * parameters θ = (ξ, η = log ω, α), by damped Newton (Levenberg–Marquardt shift of the Hessian,
 * backtracking line search) from the method-of-moments estimate. Derivatives are analytic: with
 * z = (y − ξ)/ω, u = αz, ζ₁ = φ(u)/Φ(u) and ζ₂ = −ζ₁(u + ζ₁),
 *
 *   ℓ    = Σ [log 2 − η − ½ log 2π − z²/2 + log Φ(u)]
 *   ℓ_ξ  = Σ (z − αζ₁)/ω          ℓ_η = Σ (z² − αzζ₁ − 1)        ℓ_α = Σ zζ₁
 *   ℓ_ξξ = Σ A/ω²                 ℓ_ξη = Σ (Az − z + αζ₁)/ω      ℓ_ηη = Σ (Az² − z² + αζ₁z)
 *   ℓ_ξα = −Σ B/ω                 ℓ_ηα = −Σ zB                   ℓ_αα = Σ z²ζ₂
 *
 * with A = α²ζ₂ − 1 and B = ζ₁ + uζ₂ (Azzalini 1985; Azzalini & Capitanio 1999, JRSS-B 61:579–602, for the
 * score). The same Hessian at the optimum is the observed information.
 */
import { logNdtr } from '../../../accountant/index.js';
import { zeta1, zeta2 } from './skewNormalMath.js';

const LOG_NORMALISER = Math.LN2 - 0.5 * Math.log(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** Largest sample skewness used for the moment start (SN's skewness is below ≈ 0.9953). */
const MAX_MOMENT_SKEWNESS = 0.99;

/** θ = [ξ, η, α]. */
export type Theta = [number, number, number];

/** Log-likelihood, gradient and Hessian (row-major 3×3) at θ. */
export interface Evaluation {
  readonly logLikelihood: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
}

/** Log-likelihood at θ, without derivatives. */
export function logLikelihood(y: ArrayLike<number>, theta: Theta): number {
  const [xi, eta, alpha] = theta;
  const inv = Math.exp(-eta);
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    const z = (y[i] - xi) * inv;
    ll += -0.5 * z * z + logNdtr(alpha * z);
  }
  return ll + y.length * (LOG_NORMALISER - eta);
}

/** Log-likelihood with analytic gradient and Hessian at θ. */
export function evaluate(y: ArrayLike<number>, theta: Theta): Evaluation {
  const [xi, eta, alpha] = theta;
  const inv = Math.exp(-eta);
  let ll = 0;
  let gXi = 0, gEta = 0, gAlpha = 0;
  let hXiXi = 0, hXiEta = 0, hEtaEta = 0, hXiAlpha = 0, hEtaAlpha = 0, hAlphaAlpha = 0;
  for (let i = 0; i < y.length; i++) {
    const z = (y[i] - xi) * inv;
    const u = alpha * z;
    const z1 = zeta1(u);
    const z2 = zeta2(u, z1);
    ll += -0.5 * z * z + logNdtr(u);
    const dz = z - alpha * z1; // −∂ℓ/∂z
    gXi += dz;
    gEta += z * dz - 1;
    gAlpha += z * z1;
    const a = alpha * alpha * z2 - 1;
    const b = z1 + u * z2;
    hXiXi += a;
    hXiEta += a * z - dz;
    hEtaEta += a * z * z - z * dz;
    hXiAlpha -= b;
    hEtaAlpha -= z * b;
    hAlphaAlpha += z * z * z2;
  }
  ll += y.length * (LOG_NORMALISER - eta);
  const gradient = Float64Array.of(gXi * inv, gEta, gAlpha);
  const hessian = Float64Array.of(
    hXiXi * inv * inv, hXiEta * inv, hXiAlpha * inv,
    hXiEta * inv, hEtaEta, hEtaAlpha,
    hXiAlpha * inv, hEtaAlpha, hAlphaAlpha,
  );
  return { logLikelihood: ll, gradient, hessian };
}

/** Sample skewness (moment estimator, divisor n) of standardised data. */
export function sampleSkewness(y: ArrayLike<number>): number {
  let m3 = 0;
  for (let i = 0; i < y.length; i++) m3 += y[i] * y[i] * y[i];
  return m3 / y.length;
}

/**
 * Method-of-moments θ for standardised data with skewness γ (Azzalini 1985; Pewsey 2000, J. Appl.
 * Statist. 27:859–870): with b = √(2/π), γ = ((4 − π)/2)·(bδ)³/(1 − b²δ²)^{3/2}, so
 * bδ = r/√(1 + r²) with r = (2|γ|/(4 − π))^{1/3}; then α = δ/√(1 − δ²), ω = 1/√(1 − b²δ²) and
 * ξ = −ωbδ. |γ| is capped at 0.99, below the family's maximum ≈ 0.9953.
 */
export function momentTheta(skewness: number): Theta {
  const g = Math.max(-MAX_MOMENT_SKEWNESS, Math.min(MAX_MOMENT_SKEWNESS, skewness));
  const r = Math.cbrt((2 * Math.abs(g)) / (4 - Math.PI));
  const delta = (Math.sign(g) * r) / (SQRT_2_OVER_PI * Math.sqrt(1 + r * r));
  return thetaForShape(delta / Math.sqrt(1 - delta * delta));
}

/** θ with shape α and the mean 0 and variance 1 of standardised data. */
export function thetaForShape(alpha: number): Theta {
  const delta = alpha / Math.sqrt(1 + alpha * alpha);
  const omega = 1 / Math.sqrt(1 - (2 / Math.PI) * delta * delta);
  return [-omega * SQRT_2_OVER_PI * delta, Math.log(omega), alpha];
}

/** Outcome of {@link maximise}. */
export interface MleOutcome {
  readonly theta: Theta;
  readonly evaluation: Evaluation;
  readonly converged: boolean;
  readonly iterations: number;
  /** α ended at ±maxShape (the likelihood still increasing outward). */
  readonly shapeAtBound: boolean;
}

/** Damped Newton ascent of ℓ from `start`, α kept in [−maxShape, maxShape]. */
export function maximise(y: ArrayLike<number>, start: Theta, maxShape: number): MleOutcome {
  const n = y.length;
  let theta: Theta = [start[0], start[1], clamp(start[2], maxShape)];
  let evaluation = evaluate(y, theta);
  let lambda = 0;
  let converged = false;
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    // α pinned at the bound with the gradient pushing outward: optimise ξ and η only.
    const pinned = Math.abs(theta[2]) >= maxShape && Math.sign(evaluation.gradient[2]) === Math.sign(theta[2]);
    const g = Float64Array.from(evaluation.gradient);
    if (pinned) g[2] = 0;
    if (Math.max(Math.abs(g[0]), Math.abs(g[1]), Math.abs(g[2])) <= 1e-9 * n) {
      converged = true;
      break;
    }
    let accepted = false;
    while (!accepted && lambda < 1e12) {
      const step = solveShifted(evaluation.hessian, g, lambda, pinned);
      if (step === undefined) {
        lambda = Math.max(1e-6, lambda * 10);
        continue;
      }
      for (let t = 1; t > 1e-12; t /= 2) {
        const candidate: Theta = [theta[0] + t * step[0], theta[1] + t * step[1], clamp(theta[2] + t * step[2], maxShape)];
        const ll = logLikelihood(y, candidate);
        if (ll > evaluation.logLikelihood) {
          theta = candidate;
          accepted = true;
          break;
        }
        if (ll === evaluation.logLikelihood && t * Math.max(Math.abs(step[0]), Math.abs(step[1]), Math.abs(step[2])) < 1e-14) break;
      }
      if (!accepted) lambda = Math.max(1e-6, lambda * 10);
    }
    if (!accepted) {
      converged = true; // no ascent direction left at float precision
      break;
    }
    lambda = lambda <= 1e-6 ? 0 : lambda / 10;
    evaluation = evaluate(y, theta);
  }
  const shapeAtBound =
    Math.abs(theta[2]) >= maxShape && Math.sign(evaluation.gradient[2]) === Math.sign(theta[2]);
  return { theta, evaluation, converged, iterations, shapeAtBound };
}

/** d solving (−H + λI)d = g by Cholesky; undefined when −H + λI is not positive definite. */
function solveShifted(hessian: Float64Array, g: Float64Array, lambda: number, pinned: boolean): number[] | undefined {
  const size = pinned ? 2 : 3;
  const m: number[][] = [];
  for (let i = 0; i < size; i++) {
    m.push([]);
    for (let j = 0; j < size; j++) m[i].push(-hessian[3 * i + j] + (i === j ? lambda * Math.max(1, Math.abs(hessian[4 * i])) : 0));
  }
  const x = choleskySolve(m, Array.from(g).slice(0, size));
  if (x === undefined) return undefined;
  return pinned ? [x[0], x[1], 0] : x;
}

/** Solves M x = b for symmetric positive-definite M; undefined when M is not. */
export function choleskySolve(m: number[][], b: number[]): number[] | undefined {
  const n = m.length;
  const l: number[][] = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** (−H)⁻¹ as rows, or undefined when −H is not positive definite. */
export function inverseInformation(hessian: Float64Array): number[][] | undefined {
  const info = [0, 1, 2].map((i) => [0, 1, 2].map((j) => -hessian[3 * i + j]));
  const columns: number[][] = [];
  for (let j = 0; j < 3; j++) {
    const x = choleskySolve(info, [0, 1, 2].map((i) => (i === j ? 1 : 0)));
    if (x === undefined) return undefined;
    columns.push(x);
  }
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => columns[j][i]));
}

function clamp(alpha: number, maxShape: number): number {
  return Math.max(-maxShape, Math.min(maxShape, alpha));
}
