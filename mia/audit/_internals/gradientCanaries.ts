import * as tf from '@tensorflow/tfjs';
import { PrivkitError, type FitHistory, type PrivateTraining } from '../../../src/index.js';
import { seededUniform } from '../../../accountant/index.js';

/** Options of {@link trainWithGradientCanaries}. */
export interface GradientCanaryTrainingOptions {
  /** Epochs of `fit` (⌈epochs/q⌉ steps). */
  readonly epochs: number;
  /** δ of the ε `fit` reports each epoch. */
  readonly delta: number;
  /** Seeds the auditor's own generator: the choice among quiet coordinates and the canaries' batches. */
  readonly seed: number;
  /** `fit`'s per-epoch callback (loss and the accountant's ε). */
  readonly onEpoch?: (epoch: number, logs: { loss: number; epsilon: number }) => void;
}

/** What {@link trainWithGradientCanaries} measured. */
export interface GradientCanaryTraining {
  /** One score per canary: Σ over steps of the noisy sum at the canary's coordinate (higher = IN). */
  readonly scores: Float64Array;
  /** `fit`'s history. */
  readonly history: FitHistory;
}

/**
 * White-box DP-SGD training with m gradient-space ("Dirac") canaries (Nasr et al. 2023, "Tight
 * Auditing of Differentially Private Machine Learning", §4; Steinke, Nasr & Jagielski 2023, §6): canary
 * c is a fictitious example whose clipped gradient is C·e_{j_c}, a Dirac of norm exactly C (the
 * optimizer's sensitivity) on its own coordinate j_c of the largest weight tensor — the worst case an
 * example can contribute.
 *
 * The training is the user's: `priv.fit(x, y)`, i.e. the real `DpOptimizer.step` with its Poisson
 * sampler, noise, finiteness check, epoch boundaries, `onStep` listeners and accountant. The canaries
 * enter through the optimizer's stage hooks: the `clippedSum` hook adds C·e_{j_c} for each included
 * canary that joins this step — each independently with probability q, from the auditor's own seeded
 * generator, exactly as a Poisson-sampled example would — and the `noisySum` hook reads the noisy sum
 * (what DP releases) at the canary coordinates; canary c's score is the sum over steps.
 *
 * The canaries are extra examples beside the N rows of `x`, and `fit` divides the noisy sum by q·N
 * (`priv`'s `datasetSize` must be N), while the expected number of examples per step is q·(N + included
 * canaries): a constant learning-rate factor, fixed before training, applied after the noise — it
 * changes no privacy. The accounting (q, σ, steps) is exactly the user's.
 *
 * Quiet coordinates: Nasr et al. choose coordinates the real data push least, so the canary is not
 * drowned by real gradients — the m smallest |Σ clipped gradient| of the largest weight on a probe batch
 * (the first 512 rows), ties broken at random. That is the auditor's move before training; inclusion
 * stays an independent fair coin per canary, so the one-run bound remains valid.
 *
 * @param priv - a fresh run over `x` (its hooks are removed again before this returns).
 * @param included - 1 for each canary in the run, 0 otherwise.
 * @returns the scores and `fit`'s history.
 * @throws PrivkitError `INVALID_ARGUMENT` when the largest weight has fewer coordinates than canaries;
 *   whatever `fit` throws (a non-finite gradient, …), with the hooks removed.
 */
export async function trainWithGradientCanaries(
  priv: PrivateTraining,
  x: tf.Tensor,
  y: tf.Tensor,
  included: Uint8Array,
  options: GradientCanaryTrainingOptions,
): Promise<GradientCanaryTraining> {
  const dp = priv.dpOptimizer;
  const model = dp.options.model;
  const C = dp.sensitivity;
  const q = priv.sampleRate;
  const n = x.shape[0];
  const m = included.length;
  const sizes = model.trainableWeights.map((w) => w.read().size);
  const target = sizes.reduce((best, s, i) => (s > sizes[best] ? i : best), 0);
  const size = sizes[target];
  if (size < m) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`canaries\` must be at most ${size} for gradient canaries (the coordinates of the model's largest weight, ${model.trainableWeights[target].name}); got ${m}.`);
  }
  const u = seededUniform(((options.seed >>> 0) ^ 0x27d4eb2d) >>> 0);
  // Not inside a tidy: clipAndAccumulate keeps its losses past tidies (tf.keep), so they are disposed here.
  const probeIdx = tf.range(0, Math.min(n, 512), 1, 'int32');
  const px = tf.gather(x, probeIdx);
  const py = tf.gather(y, probeIdx);
  let magnitude: Float32Array | Int32Array | Uint8Array;
  try {
    const probe = dp.clipAndAccumulate(px, py);
    magnitude = tf.tidy(() => tf.abs(tf.reshape(probe.grads[target], [-1])).dataSync());
    tf.dispose([...probe.grads, probe.perExampleNorms, probe.clipFactors, probe.losses]);
    if (probe.perLayerNorms !== undefined) probe.perLayerNorms.dispose();
  } finally {
    tf.dispose([probeIdx, px, py]);
  }
  const order = Array.from({ length: size }, (_, j) => ({ j, key: magnitude[j], tie: u() }));
  order.sort((a, b) => a.key - b.key || a.tie - b.tie);
  const coordinates = Int32Array.from(order.slice(0, m), (o) => o.j);
  const scores = new Float64Array(m);
  const coordTensor = tf.tensor1d(coordinates, 'int32');
  const remove = dp.addHooks({
    clippedSum: (sum) => {
      let dirac: Float32Array | null = null;
      for (let c = 0; c < m; c++) {
        if (included[c] === 1 && u() < q) (dirac ??= new Float32Array(size))[coordinates[c]] += C;
      }
      if (dirac === null) return; // no canary in this step: the step is exactly the user's
      const values = dirac;
      return sum.map((g, i) => (i === target ? tf.tensor(values, g.shape, 'float32') : tf.zerosLike(g)));
    },
    noisySum: (noisy) => {
      const seen = tf.tidy(() => tf.gather(tf.reshape(noisy[target], [-1]), coordTensor).dataSync());
      for (let c = 0; c < m; c++) scores[c] += seen[c];
    },
  });
  try {
    const history = await priv.fit(x, y, {
      epochs: options.epochs,
      delta: options.delta,
      ...(options.onEpoch === undefined ? {} : { callbacks: { onEpochEnd: options.onEpoch } }),
    });
    return { scores, history };
  } finally {
    remove();
    coordTensor.dispose();
  }
}
