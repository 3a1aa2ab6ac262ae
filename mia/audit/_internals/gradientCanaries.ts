import * as tf from '@tensorflow/tfjs';
import { createAccountant, gaussian, poissonSampled } from '../../../accountant/index.js';
import type { PrivateTraining } from '../../../src/makePrivate.js';
import { poissonBatches, seededUniform } from '../../../src/optimizer/poissonBatches.js';

/**
 * White-box DP-SGD training with m gradient-space ("Dirac") canaries (Nasr et al. 2023, "Tight
 * Auditing of Differentially Private Machine Learning", §4; Steinke, Nasr & Jagielski 2023, §6): canary
 * c is a fictitious example whose clipped gradient is C·e_{j_c}, a Dirac of norm exactly C on its own
 * coordinate j_c of the largest weight tensor — the worst case an example can contribute. Each included
 * canary joins each step's Poisson batch with probability q, exactly as a real example would; the
 * step is the private step (clipped sum of the real batch + the sampled canaries, Gaussian noise σC,
 * division by the expected batch size). The auditor sees every noisy sum (white box) and scores
 * canary c by Σ_steps of the noisy sum at j_c. ε is accounted for the composition of the steps
 * taken (the same Poisson-subsampled Gaussian events `fit` composes).
 * @returns the scores (higher = included) and the accountant's ε at `delta`.
 */
export function trainWithGradientCanaries(
  priv: PrivateTraining,
  x: tf.Tensor,
  y: tf.Tensor,
  included: Uint8Array,
  options: { epochs: number; delta: number; seed: number; accountant: 'rdp' | 'pld'; onEpoch?: (epoch: number, logs: { loss: number; epsilon: number }) => void },
): { scores: Float64Array; epsilon: number } {
  const dp = priv.dpOptimizer;
  const model = dp.options.model;
  const C = dp.sensitivity;
  const q = priv.sampleRate;
  const n = x.shape[0];
  const m = included.length;
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const target = weights.reduce((best, w, i) => (w.size > weights[best].size ? i : best), 0);
  if (weights[target].size < m) throw new Error(`gradient canaries need ${m} coordinates; the largest weight has ${weights[target].size}.`);
  const u = seededUniform(((options.seed >>> 0) ^ 0x27d4eb2d) >>> 0);
  // Coordinates where the real data push least (Nasr et al. 2023 choose quiet coordinates so the
  // canary is not drowned by real gradients): the m smallest |Σ clipped gradient| on a probe batch,
  // ties broken at random. Choosing them is the auditor's move before training; inclusion stays an
  // independent fair coin per canary, so the one-run bound remains valid.
  const size = weights[target].size;
  const probeIdx = tf.tensor1d(Int32Array.from({ length: Math.min(n, 512) }, (_, i) => i), 'int32');
  const px = tf.gather(x, probeIdx);
  const py = tf.gather(y, probeIdx);
  const probe = dp.clipAndAccumulate(px, py);
  tf.dispose([px, py]);
  const magnitude = tf.tidy(() => tf.abs(tf.reshape(probe.grads[target], [-1])).dataSync());
  tf.dispose([probeIdx, ...probe.grads, probe.perExampleNorms, probe.clipFactors, probe.losses]);
  if (probe.perLayerNorms !== undefined) probe.perLayerNorms.dispose();
  const order = Array.from({ length: size }, (_, j) => j).map((j) => ({ j, key: magnitude[j], tie: u() }));
  order.sort((a, b) => a.key - b.key || a.tie - b.tie);
  const coords = Int32Array.from(order.slice(0, m), (o) => o.j);
  const steps = Math.ceil(options.epochs / q);
  const perEpoch = Math.round(1 / q);
  const scores = new Float64Array(m);
  const batches = poissonBatches(n, q, options.seed);
  const coordTensor = tf.tensor1d(coords, 'int32');
  let lossSum = 0;
  let count = 0;
  for (let s = 0; s < steps; s++) {
    const idx = batches.next().value as Int32Array;
    const canaryMask = new Float32Array(size);
    for (let c = 0; c < m; c++) if (included[c] === 1 && u() < q) canaryMask[coords[c]] = C;
    dp.setStepCount(s);
    const idxT = tf.tensor1d(idx, 'int32');
    const xb = tf.gather(x, idxT);
    const yb = tf.gather(y, idxT);
    const clipped = dp.clipAndAccumulate(xb, yb);
    lossSum += idx.length > 0 ? tf.tidy(() => tf.sum(clipped.losses).dataSync()[0]) : 0;
    count += idx.length;
    const withCanaries = tf.tidy(() => clipped.grads.map((g, i) => (i === target ? tf.add(g, tf.reshape(tf.tensor1d(canaryMask), g.shape)) : tf.clone(g))));
    const noisy = dp.addNoise(withCanaries);
    const seen = tf.tidy(() => tf.gather(tf.reshape(noisy[target], [-1]), coordTensor).dataSync());
    for (let c = 0; c < m; c++) scores[c] += seen[c];
    const scaled = dp.scaleGradients(noisy);
    const named: tf.NamedTensorMap = {};
    weights.forEach((v, i) => (named[v.name] = scaled[i]));
    (priv.options.optimizer as tf.Optimizer).applyGradients(named);
    tf.dispose([idxT, xb, yb, ...clipped.grads, clipped.perExampleNorms, clipped.clipFactors, clipped.losses, ...withCanaries, ...noisy, ...scaled]);
    if (clipped.perLayerNorms !== undefined) clipped.perLayerNorms.dispose();
    if ((s + 1) % perEpoch === 0 || s + 1 === steps) {
      options.onEpoch?.(Math.floor(s / perEpoch), { loss: count > 0 ? lossSum / count : 0, epsilon: NaN });
      lossSum = 0;
      count = 0;
    }
  }
  coordTensor.dispose();
  const epsilon = createAccountant(options.accountant).compose(poissonSampled(q, gaussian(priv.noiseMultiplier)), steps).getEpsilon(options.delta);
  return { scores, epsilon };
}
