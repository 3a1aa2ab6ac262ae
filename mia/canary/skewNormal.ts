/**
 * The skew-normal distribution SN(ξ, ω, α) (Azzalini 1985, "A class of distributions which includes
 * the normal ones", Scand. J. Statist. 12:171–178), the model Carlini et al. 2019 ("The Secret Sharer",
 * USENIX Security, §4) fit to the log-perplexities of random canaries to extrapolate exposure beyond
 * what sampling can resolve. Density, cdf in log space, sampling, and the maximum-likelihood fit.
 * Natural logarithms throughout this file.
 */
import { standardCdfSorted, standardLogCdf, standardLogSf, standardMode } from './_internals/skewNormalMath.js';
import {
  evaluate,
  inverseInformation,
  maximise,
  momentTheta,
  sampleSkewness,
  thetaForShape,
  type MleOutcome,
  type Theta,
} from './_internals/skewNormalMle.js';
import { check, logNdtr, logNormalPdf } from '../../accountant/index.js';

/** SN(ξ, ω, α): density (2/ω)·φ(z)·Φ(αz) with z = (x − ξ)/ω. */
export interface SkewNormalParameters {
  /** ξ, any real. */
  readonly location: number;
  /** ω > 0. */
  readonly scale: number;
  /** α, any real; 0 is the normal N(ξ, ω²), α > 0 skews right. */
  readonly shape: number;
}

/** Standard errors of a fit, from the observed information; see {@link fitSkewNormal}. */
export interface SkewNormalStandardErrors {
  readonly location: number;
  readonly scale: number;
  readonly shape: number;
}

/** A fitted skew-normal; see {@link fitSkewNormal}. */
export interface SkewNormalFit extends SkewNormalParameters {
  /** Σ log f(xᵢ) at the estimate (natural log). */
  readonly logLikelihood: number;
  /**
   * Kolmogorov–Smirnov distance sup |F_n − F| between the samples' empirical cdf and the fit. With
   * fitted parameters the usual critical values (≈ 1.36/√n at 5%) are conservative (Lilliefors 1967).
   */
  readonly ksStatistic: number;
  /** n, the number of samples. */
  readonly sampleCount: number;
  /**
   * √diag of the inverse observed information; absent when it is singular or not positive definite
   * (α near 0, where SN's information is singular, or α at `maxShape`).
   */
  readonly standardErrors?: SkewNormalStandardErrors;
  /** The method-of-moments estimate the maximisation started from. */
  readonly methodOfMoments: SkewNormalParameters;
  /** Newton iterations to convergence (`converged` false when the limit of 200 was reached). */
  readonly iterations: number;
  readonly converged: boolean;
  /** α ended at ±`maxShape` with the likelihood still rising: the MLE is (nearly) a half-normal. */
  readonly shapeAtBound: boolean;
}

/** Options of {@link fitSkewNormal}. */
export interface FitSkewNormalOptions {
  /**
   * Bound on |α|. The skew-normal MLE is infinite with positive probability in small samples
   * (Azzalini & Arellano-Valle 2013, J. Statist. Plann. Inference 143:419–433); the bound keeps it finite.
   * @defaultValue 100
   */
  readonly maxShape?: number;
}

/**
 * log f(x) for SN(ξ, ω, α): log 2 − log ω + log φ(z) + log Φ(αz), z = (x − ξ)/ω; log Φ from erfc /
 * the scaled erfcx, so it is finite and exact far in both tails.
 *
 * @param x - a real.
 * @param parameters - ξ, ω > 0, α.
 * @returns the natural log of the density.
 * @throws PrivkitError `INVALID_ARGUMENT` for non-finite parameters or ω ≤ 0.
 * @example
 * ```ts
 * skewNormalLogPdf(0, { location: 0, scale: 1, shape: 0 }); // −½ log 2π ≈ −0.919
 * ```
 */
export function skewNormalLogPdf(x: number, parameters: SkewNormalParameters): number {
  const { location, scale, shape } = checkParameters(parameters);
  const z = (x - location) / scale;
  return Math.LN2 - Math.log(scale) + logNormalPdf(z) + logNdtr(shape * z);
}

/**
 * f(x) for SN(ξ, ω, α).
 *
 * @param x - a real.
 * @param parameters - ξ, ω > 0, α.
 * @returns the density.
 * @throws PrivkitError `INVALID_ARGUMENT` for non-finite parameters or ω ≤ 0.
 * @example
 * ```ts
 * skewNormalPdf(0, { location: 0, scale: 1, shape: 3 }); // 2φ(0)Φ(0) = φ(0) ≈ 0.399
 * ```
 */
export function skewNormalPdf(x: number, parameters: SkewNormalParameters): number {
  return Math.exp(skewNormalLogPdf(x, parameters));
}

/**
 * log F(x) for SN(ξ, ω, α), accurate relative to F itself at any depth of either tail (log F = −1000
 * is fine). F(x) = Φ(z) − 2T(z, α) with Owen's T cancels catastrophically in the lower tail when
 * α > 0, so instead the density is integrated in log space: 20 panels of 16-point Gauss–Legendre over
 * [a, z], where a is where the log-density has fallen 60 nats below its value at min(z, mode) (found by
 * bisection in a bracket that strong concavity of the log-density guarantees, so the neglected mass
 * is < e^{−60} relative). Above the mode, log F = log1p(−∫_z^b f). About 360 density evaluations.
 *
 * @param x - a real (±Infinity allowed).
 * @param parameters - ξ, ω > 0, α.
 * @returns log F(x) ≤ 0 (natural log).
 * @throws PrivkitError `INVALID_ARGUMENT` for non-finite parameters or ω ≤ 0.
 * @example
 * ```ts
 * skewNormalLogCdf(-40, { location: 0, scale: 1, shape: 1 }); // 2·log Φ(−40) ≈ −1609.6 (F = Φ² when α = 1)
 * ```
 */
export function skewNormalLogCdf(x: number, parameters: SkewNormalParameters): number {
  const { location, scale, shape } = checkParameters(parameters);
  check(!Number.isNaN(x), () => '`x` must be a number; got NaN.');
  return standardLogCdf((x - location) / scale, shape, standardMode(shape));
}

/**
 * F(x) for SN(ξ, ω, α); see {@link skewNormalLogCdf} for the method.
 *
 * @param x - a real (±Infinity allowed).
 * @param parameters - ξ, ω > 0, α.
 * @returns F(x) in [0, 1].
 * @throws PrivkitError `INVALID_ARGUMENT` for non-finite parameters or ω ≤ 0.
 * @example
 * ```ts
 * skewNormalCdf(0, { location: 0, scale: 1, shape: 1 }); // ½ − arctan(1)/π = 0.25
 * ```
 */
export function skewNormalCdf(x: number, parameters: SkewNormalParameters): number {
  return Math.exp(skewNormalLogCdf(x, parameters));
}

/**
 * log(1 − F(x)) for SN(ξ, ω, α), accurate deep in the upper tail; same method as {@link skewNormalLogCdf}.
 *
 * @param x - a real (±Infinity allowed).
 * @param parameters - ξ, ω > 0, α.
 * @returns log(1 − F(x)) ≤ 0.
 * @throws PrivkitError `INVALID_ARGUMENT` for non-finite parameters or ω ≤ 0.
 * @example
 * ```ts
 * skewNormalLogSf(0, { location: 0, scale: 1, shape: 0 }); // log ½
 * ```
 */
export function skewNormalLogSf(x: number, parameters: SkewNormalParameters): number {
  const { location, scale, shape } = checkParameters(parameters);
  check(!Number.isNaN(x), () => '`x` must be a number; got NaN.');
  return standardLogSf((x - location) / scale, shape, standardMode(shape));
}

/**
 * Independent draws from SN(ξ, ω, α) by the stochastic representation X = ξ + ω(δ|U₀| + √(1 − δ²)U₁),
 * δ = α/√(1 + α²), U₀, U₁ independent standard normals (Azzalini 1985; Henze 1986, Scand. J.
 * Statist. 13:271–275) from Box–Muller on `random`. Two calls of `random` per draw.
 *
 * @param parameters - ξ, ω > 0, α.
 * @param count - number of draws, a non-negative integer.
 * @param random - uniform doubles in [0, 1), e.g. a seeded generator for reproducibility.
 * @returns `count` draws.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad parameters or count.
 * @example
 * ```ts
 * const xs = sampleSkewNormal({ location: 30, scale: 8, shape: 4 }, 1000, Math.random);
 * ```
 */
export function sampleSkewNormal(parameters: SkewNormalParameters, count: number, random: () => number): Float64Array {
  const { location, scale, shape } = checkParameters(parameters);
  check(Number.isSafeInteger(count) && count >= 0, () => `\`count\` must be a non-negative integer; got ${count}.`);
  const delta = shape / Math.sqrt(1 + shape * shape);
  const rest = Math.sqrt(1 - delta * delta);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = location + scale * (delta * Math.abs(radius * Math.cos(angle)) + rest * radius * Math.sin(angle));
  }
  return out;
}

/**
 * Fits SN(ξ, ω, α) by maximum likelihood. The data are standardised (mean, standard deviation) for
 * conditioning; the method-of-moments estimate (Azzalini 1985; Pewsey 2000) starts a damped Newton
 * ascent with the analytic gradient and Hessian of the log-likelihood in (ξ, log ω, α). Because SN's
 * likelihood is stationary at α = 0 (Azzalini 1985), a start with |α| < 0.5 is complemented by
 * starts at α = ±1.5, and the best maximum is kept.
 *
 * Standard errors are √diag of the inverse observed information −∇²ℓ at the estimate (delta method
 * for ω = e^η: SE(ω) = ω·SE(log ω)), asymptotically valid for α away from 0; near α = 0 the Fisher
 * information is singular and the α error is unreliable (Azzalini & Capitanio 1999, JRSS-B 61:579–602,
 * recommend the centred parametrisation there). The Kolmogorov–Smirnov distance to the fit is
 * reported as a goodness-of-fit check.
 *
 * @param samples - at least 10 finite values, not all equal.
 * @param options - see {@link FitSkewNormalOptions}.
 * @returns the estimate, its log-likelihood, KS distance, standard errors and convergence facts.
 * @throws PrivkitError `INVALID_ARGUMENT` with fewer than 10 samples, a non-finite sample, all samples
 *   equal, or a bad `maxShape`.
 * @example
 * ```ts
 * const fit = fitSkewNormal(sampleSkewNormal({ location: 30, scale: 8, shape: 4 }, 5000, seededUniform(1)));
 * fit.shape; fit.standardErrors?.shape; // ≈ 4 ± 0.3
 * ```
 */
export function fitSkewNormal(samples: ArrayLike<number>, options: FitSkewNormalOptions = {}): SkewNormalFit {
  const n = samples?.length;
  check(typeof n === 'number' && n >= 10, () => `\`samples\` must hold at least 10 values; got ${n}.`);
  const maxShape = options.maxShape ?? 100;
  check(Number.isFinite(maxShape) && maxShape > 0, () => `\`maxShape\` must be a positive number; got ${maxShape}.`);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    check(Number.isFinite(v), () => `\`samples\` must be finite; got ${v} at index ${i}.`);
    mean += v;
  }
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (samples[i] - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  check(sd > 0 && sd > 1e-13 * Math.abs(mean), () => '`samples` must not all be equal.');
  const y = Float64Array.from({ length: n }, (_, i) => (samples[i] - mean) / sd);

  const moment = momentTheta(sampleSkewness(y));
  const starts: Theta[] = [moment];
  if (Math.abs(moment[2]) < 0.5) starts.push(thetaForShape(1.5), thetaForShape(-1.5));
  let best: MleOutcome | undefined;
  for (const start of starts) {
    const outcome = maximise(y, start, maxShape);
    if (best === undefined || outcome.evaluation.logLikelihood > best.evaluation.logLikelihood) best = outcome;
  }
  const { theta, converged, iterations, shapeAtBound } = best!;
  const evaluation = evaluate(y, theta);

  const location = mean + sd * theta[0];
  const scale = sd * Math.exp(theta[1]);
  const shape = theta[2];
  const covariance = shapeAtBound ? undefined : inverseInformation(evaluation.hessian);
  const standardErrors =
    covariance === undefined
      ? undefined
      : { location: sd * Math.sqrt(covariance[0][0]), scale: scale * Math.sqrt(covariance[1][1]), shape: Math.sqrt(covariance[2][2]) };

  const sorted = Float64Array.from(y).sort();
  const mode = standardMode(shape);
  const z = sorted.map((v) => (v - theta[0]) / Math.exp(theta[1]));
  const cdf = standardCdfSorted(z, shape, mode);
  let ks = 0;
  for (let i = 0; i < n; i++) ks = Math.max(ks, (i + 1) / n - cdf[i], cdf[i] - i / n);

  return {
    location,
    scale,
    shape,
    logLikelihood: evaluation.logLikelihood - n * Math.log(sd),
    ksStatistic: ks,
    sampleCount: n,
    ...(standardErrors === undefined ? {} : { standardErrors }),
    methodOfMoments: { location: mean + sd * moment[0], scale: sd * Math.exp(moment[1]), shape: moment[2] },
    iterations,
    converged,
    shapeAtBound,
  };
}

function checkParameters(parameters: SkewNormalParameters): SkewNormalParameters {
  const { location, scale, shape } = parameters ?? ({} as SkewNormalParameters);
  check(
    Number.isFinite(location) && Number.isFinite(scale) && scale > 0 && Number.isFinite(shape),
    () => `skew-normal parameters must be finite with scale > 0; got location ${location}, scale ${scale}, shape ${shape}.`,
  );
  return parameters;
}
