import { formatNumber } from './format.js';
import type { Sampling } from './resolveSampling.js';

/**
 * q and T for people, with their origin for the batch form, e.g. "q = 0.01, steps = 10000" or
 * "q = 256/60000 = 0.0042667, steps = 14063 from 60 epochs".
 * @param sampling - validated sampling.
 * @returns the phrase (no trailing punctuation).
 * @example
 * ```ts
 * describeSampling({ sampleRate: 0.01, steps: 10000, batch: null }); // "q = 0.01, steps = 10000"
 * ```
 */
export function describeSampling(sampling: Sampling): string {
  const { sampleRate, steps, batch } = sampling;
  if (batch === null) return `q = ${formatNumber(sampleRate)}, steps = ${steps}`;
  const epochs = `${formatNumber(batch.epochs)} epoch${batch.epochs === 1 ? '' : 's'}`;
  return `q = ${batch.batchSize}/${batch.datasetSize} = ${formatNumber(sampleRate)}, steps = ${steps} from ${epochs}`;
}
