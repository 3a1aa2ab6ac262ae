import { PrivkitError } from '../../accountant/index.js';
import { formatNumber } from './format.js';
import { UsageError } from './UsageError.js';

/** The values of the training flags a diverged run names. */
export interface DivergedValues {
  readonly learningRate: number;
  readonly maxGradNorm: number;
  /** σ in use (as given, or calibrated); absent when not known (calibrated inside the library). */
  readonly noiseMultiplier?: number;
}

/**
 * A training failure because a value stopped being finite (DpOptimizer refuses a step whose
 * gradient is NaN or infinite: in float32 that follows from a learning rate, clipping norm or noise
 * too large for the weights, or from features too large) as a {@link UsageError} that names the
 * flags involved and their values; any other error unchanged.
 * @param error - what training threw.
 * @param flags - the run's values.
 * @returns the error to report.
 * @example
 * ```ts
 * try { await priv.fit(x, y, options); } catch (e) { throw divergedError(e, { learningRate, maxGradNorm, noiseMultiplier }); }
 * ```
 */
export function divergedError(error: unknown, flags: DivergedValues): unknown {
  if (!(error instanceof PrivkitError) || !/\b(NaN|infinite|non-finite)\b/i.test(error.message)) return error;
  const cause = error.message.replace(/\s*\.$/, '');
  return new UsageError(
    `training diverged (${cause}): lower --learning-rate (${formatNumber(flags.learningRate)}), --max-grad-norm (${formatNumber(flags.maxGradNorm)}) ` +
      `or --noise-multiplier (${flags.noiseMultiplier === undefined ? 'calibrated' : formatNumber(flags.noiseMultiplier)}), or check that the features of the data are of moderate size`,
    '--learning-rate',
  );
}
