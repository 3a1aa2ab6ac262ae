/**
 * Noise calibration: the smallest noise multiplier σ that keeps a DP-SGD run within a target ε.
 * ε is non-increasing in σ for the Poisson-subsampled Gaussian (both accountants), so a bracketing
 * search in log σ finds it; the answer is the upper end of a bracket of relative width < `tolerance`.
 */
import { PrivkitError } from './PrivkitError.js';
import { gaussian, poissonSampled } from './DpEvent.js';
import { createAccountant, type AccountantSpec } from './createAccountant.js';
import { requireInRange, requireInteger } from './base/check.js';
import { illinoisSearch, memoize } from './base/rootFinding.js';

/** Options of {@link calibrateNoiseMultiplier}. */
export interface CalibrateNoiseOptions {
  /** Target ε > 0. */
  readonly targetEpsilon: number;
  /** δ in (0, 1). */
  readonly delta: number;
  /** Poisson sampling rate q in (0, 1]. */
  readonly sampleRate: number;
  /** Number of DP-SGD steps, an integer ≥ 1. */
  readonly steps: number;
  /** Accountant. @defaultValue 'rdp' */
  readonly accountant?: AccountantSpec;
  /** Relative precision of σ. @defaultValue 1e-3 */
  readonly tolerance?: number;
  /** Largest σ searched; a target that needs more is unreachable. @defaultValue 1e4 */
  readonly maxNoiseMultiplier?: number;
}

/**
 * The smallest σ searched. Where it already meets the target (a loose target, δ near 1, or a tiny
 * sampling rate), it is what {@link calibrateNoiseMultiplier} returns.
 */
export const MIN_NOISE_MULTIPLIER = 1e-3;

/** ε of `steps` Poisson-sampled Gaussian steps. */
export function dpSgdEpsilon(
  accountant: AccountantSpec,
  noiseMultiplier: number,
  sampleRate: number,
  steps: number,
  delta: number,
): number {
  return createAccountant(accountant).compose(poissonSampled(sampleRate, gaussian(noiseMultiplier)), steps).getEpsilon(delta);
}

/**
 * The smallest σ (to relative `tolerance`) such that `steps` steps of the Poisson-subsampled
 * Gaussian at `sampleRate` are (targetEpsilon, delta)-DP: ε(σ) ≤ target and ε(σ·(1 − tolerance)) > target.
 * @param options - see {@link CalibrateNoiseOptions}.
 * @returns σ ≥ {@link MIN_NOISE_MULTIPLIER}: exactly that floor when the floor already meets the target.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad options; `UNREACHABLE_TARGET` when even
 *   `maxNoiseMultiplier` gives ε above the target (e.g. a target below what the RDP orders can certify).
 * @example
 * ```ts
 * calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-5, sampleRate: 256 / 60000, steps: 14063 }); // ≈ 1.014
 * ```
 */
export function calibrateNoiseMultiplier(options: CalibrateNoiseOptions): number {
  const target = requireInRange('targetEpsilon', options.targetEpsilon, { min: 0, max: Infinity, minOpen: true, maxOpen: true });
  const delta = requireInRange('delta', options.delta, { min: 0, max: 1, minOpen: true, maxOpen: true });
  const q = requireInRange('sampleRate', options.sampleRate, { min: 0, max: 1, minOpen: true });
  const steps = requireInteger('steps', options.steps, 1);
  const tol = requireInRange('tolerance', options.tolerance ?? 1e-3, { min: 1e-9, max: 0.5 });
  const maxSigma = requireInRange('maxNoiseMultiplier', options.maxNoiseMultiplier ?? 1e4, { min: 1e-3, max: Infinity, maxOpen: true });
  const spec = options.accountant ?? 'rdp';
  const eps = memoize((sigma: number): number => dpSgdEpsilon(spec, sigma, q, steps, delta)); // the bracketing and the refinement share evaluations

  // PLD ε ≤ RDP ε, so the (cheap) RDP answer brackets the PLD one from above.
  let hi = spec === 'rdp' || typeof spec === 'function' ? 1 : calibrateNoiseMultiplier({ ...options, accountant: 'rdp', tolerance: 0.01 });
  let lo: number;
  if (eps(hi) <= target) {
    // Down by a factor that squares at each step (0.7, 0.49, 0.24, …: the PLD σ is typically 3–8%
    // below the RDP σ, so its first step is 0.9), to the floor in a handful of evaluations even where
    // ε is 0 for every σ (δ near 1, q = 1e-300), where the old 0.7 steps took dozens of slow ones.
    let factor = spec === 'pld' ? 0.9 : 0.7;
    if (hi <= MIN_NOISE_MULTIPLIER) return hi; // the RDP start is already the floor
    for (;;) {
      lo = Math.max(hi * factor, MIN_NOISE_MULTIPLIER);
      if (eps(lo) > target) break;
      if (lo === MIN_NOISE_MULTIPLIER) return lo; // the floor meets the target: σ is not searched below it
      hi = lo;
      factor *= factor;
    }
  } else {
    do {
      lo = hi;
      hi = Math.min(lo * 2, Number.MAX_VALUE); // σ stays finite even with maxNoiseMultiplier near the largest double
      if (lo >= maxSigma) {
        // An infinite ε at the largest σ: δ is below what the accountant certifies at all (the PLD
        // accountant's truncated tail mass, for instance), not a matter of noise.
        const why = Number.isFinite(eps(lo)) ? '' : `; the accountant certifies no finite ε at δ = ${delta} for any σ tried`;
        throw new PrivkitError(
          'UNREACHABLE_TARGET',
          `\`targetEpsilon\` ${target} cannot be reached with noiseMultiplier ≤ ${maxSigma} (δ = ${delta}, sampleRate = ${q}, steps = ${steps})${why}.`,
          { targetEpsilon: target, delta, sampleRate: q, steps, epsilonAtMaxNoise: eps(lo) },
        );
      }
    } while (eps(hi) > target);
  }
  // Invariant: ε(lo) > target ≥ ε(hi). Illinois (modified regula falsi) on log ε vs log σ, where ε is
  // close to a power law; each probe keeps ≥ margin from the ends, so once the root is pinned to within
  // the margin the next probe lands on its other side and the bracket closes below the tolerance.
  const logExcess = (sigma: number): number => Math.log(eps(sigma) / target);
  const width = Math.log1p(0.9 * tol);
  const bracket = illinoisSearch({
    f: (x) => logExcess(Math.exp(x)),
    lo: Math.log(lo),
    hi: Math.log(hi),
    fLo: logExcess(lo),
    fHi: logExcess(hi),
    width,
    margin: 0.45 * width,
  });
  return Math.exp(bracket.hi);
}
