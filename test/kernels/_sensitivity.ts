/**
 * Cases for the loss/target shape contract (issue 11 §1): a small random body (privkit/testing's
 * `modelSpecs`) under a head (one-unit regression, sigmoid, softmax, logits), a loss (a named one, a
 * `fromLogits`-style custom one, or a custom one wrapped so that it returns the wrong shape or mixes
 * examples) and a target of some shape. Whether the case must be REFUSED is decided here, from how the
 * case was built — never from what privkit answers — so that a regression that accepts a broken case
 * fails the property.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { perExampleLoss, type LossSpec } from '../../src/kernels/perExampleLoss.js';
import { buildModel, modelSpecs, type ModelSpec } from '../../src/testing/modelSpecs.js';
import type { ClippedGradients } from '../../src/kernels/clippedGradients.js';
import { bruteForce, layerOfWeight, type BruteForce, type BruteForceOptions } from './_bruteForce.js';

type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Target shapes. K is the head's unit count. `real`: N(0, 2²) values; `binary`: 0/1; `onehot`: one-hot
 * rows; `ids`: int32 class ids; `idsF`: the same ids as float32 (what a CSV gives).
 */
export type TargetForm =
  | 'real[B]'
  | 'real[B,1]'
  | 'real[B,K]'
  | 'real[B,K+1]'
  | 'binary[B]'
  | 'binary[B,1]'
  | 'binary[B,K]'
  | 'binary[B,K+1]'
  | 'onehot[B,K]'
  | 'onehot[B,K+1]'
  | 'ids[B]'
  | 'ids[B,1]'
  | 'idsF[B]';

/** A head and a loss that is right for it, with the target shapes it is defined for. */
export interface Base {
  readonly name: string;
  readonly activation: 'linear' | 'sigmoid' | 'softmax';
  /** One unit, or K ≥ 2 units. */
  readonly units: 'one' | 'many';
  readonly loss: LossSpec;
  /** Targets the loss is defined for (accepted; a [B] target of a one-unit head is expanded to [B, 1]). */
  readonly forms: readonly TargetForm[];
  /** Targets that do not fit a NAMED loss (must be refused); none for custom losses, which define their own. */
  readonly badForms: readonly TargetForm[];
  /** Is the head's output a logit (any real), so that shifting the predictions keeps the loss defined? */
  readonly logits: boolean;
}

const logSoftmaxXent: Loss = (yt, z) => tf.neg(tf.sum(tf.mul(yt, tf.logSoftmax(z)), -1));
const sparseLogSoftmaxXent: Loss = (ids, z) => tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(tf.reshape(ids, [-1]), 'int32'), z.shape[1] as number), tf.logSoftmax(z)), -1));
/** Sigmoid cross-entropy from logits, the stable form max(z, 0) − z·y + log(1 + e^−|z|) (TF's sigmoid_cross_entropy_with_logits). */
const sigmoidXentLogits: Loss = (y, z) => tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))), -1);
/** MSE written the way users write it, `mean((ŷ − y)², −1)`: with a [B] target against [B, 1] it would broadcast to [B, B] and still return [B]. */
const customMse: Loss = (y, p) => tf.mean(tf.square(tf.sub(p, y)), -1);
/** Binary cross-entropy without clipping the probabilities (finite for any sigmoid output in (0, 1)). */
const unclippedBce: Loss = (y, p) => tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))), -1));

/** The heads and losses of the property. */
export const BASES: readonly Base[] = [
  { name: 'linear(1) + meanSquaredError', activation: 'linear', units: 'one', loss: 'meanSquaredError', forms: ['real[B]', 'real[B,1]'], badForms: ['real[B,K+1]'], logits: true },
  { name: 'linear(K) + meanSquaredError', activation: 'linear', units: 'many', loss: 'meanSquaredError', forms: ['real[B,K]'], badForms: ['real[B]', 'real[B,1]', 'real[B,K+1]'], logits: true },
  { name: 'sigmoid(1) + binaryCrossentropy', activation: 'sigmoid', units: 'one', loss: 'binaryCrossentropy', forms: ['binary[B]', 'binary[B,1]'], badForms: ['binary[B,K+1]'], logits: false },
  { name: 'sigmoid(K) + binaryCrossentropy', activation: 'sigmoid', units: 'many', loss: 'binaryCrossentropy', forms: ['binary[B,K]'], badForms: ['binary[B]', 'binary[B,1]'], logits: false },
  { name: 'softmax(K) + categoricalCrossentropy', activation: 'softmax', units: 'many', loss: 'categoricalCrossentropy', forms: ['onehot[B,K]'], badForms: ['ids[B]', 'ids[B,1]', 'onehot[B,K+1]'], logits: false },
  { name: 'softmax(K) + sparseCategoricalCrossentropy', activation: 'softmax', units: 'many', loss: 'sparseCategoricalCrossentropy', forms: ['ids[B]', 'ids[B,1]', 'idsF[B]'], badForms: ['onehot[B,K]'], logits: false },
  { name: 'logits(K) + custom softmax cross-entropy', activation: 'linear', units: 'many', loss: logSoftmaxXent, forms: ['onehot[B,K]'], badForms: [], logits: true },
  { name: 'logits(K) + custom sparse softmax cross-entropy', activation: 'linear', units: 'many', loss: sparseLogSoftmaxXent, forms: ['ids[B]'], badForms: [], logits: true },
  { name: 'logits(1) + custom sigmoid cross-entropy', activation: 'linear', units: 'one', loss: sigmoidXentLogits, forms: ['binary[B]', 'binary[B,1]'], badForms: [], logits: true },
  { name: 'linear(1) + custom mean((ŷ − y)², −1)', activation: 'linear', units: 'one', loss: customMse, forms: ['real[B]', 'real[B,1]'], badForms: [], logits: true },
  { name: 'sigmoid(1) + custom unclipped binary cross-entropy', activation: 'sigmoid', units: 'one', loss: unclippedBce, forms: ['binary[B]', 'binary[B,1]'], badForms: [], logits: false },
];

/**
 * How the base loss is wrapped. `none` keeps it; the others break the contract: `scalarMean` returns
 * the batch mean (shape []), `keepDims` [B, 1], `pairwise` [B, B] (each pair's mean), `subtractMean`
 * returns [B] but subtracts the batch mean of the losses, `centrePredictions` returns [B] but centres the
 * predictions by their batch mean first (logit heads only, where any shift keeps the loss defined).
 */
export type Wrapper = 'none' | 'scalarMean' | 'keepDims' | 'pairwise' | 'subtractMean' | 'centrePredictions';

export const BROKEN_WRAPPERS: readonly Wrapper[] = ['scalarMean', 'keepDims', 'pairwise', 'subtractMean', 'centrePredictions'];

function wrap(loss: LossSpec, wrapper: Wrapper): LossSpec {
  if (wrapper === 'none') return loss;
  const f = perExampleLoss(loss);
  switch (wrapper) {
    case 'scalarMean':
      return (yt, yp) => tf.mean(f(yt, yp));
    case 'keepDims':
      return (yt, yp) => tf.expandDims(f(yt, yp), 1);
    case 'pairwise':
      return (yt, yp) => {
        const l = f(yt, yp);
        return tf.div(tf.add(tf.expandDims(l, 1), tf.expandDims(l, 0)), 2);
      };
    case 'subtractMean':
      return (yt, yp) => {
        const l = f(yt, yp);
        return tf.sub(l, tf.mean(l));
      };
    case 'centrePredictions':
      return (yt, yp) => f(yt, tf.sub(yp, tf.mean(yp, 0, true)));
  }
}

/** One drawn case, as plain values (fast-check shrinks them). */
export interface LossCase {
  readonly body: ModelSpec;
  readonly base: number;
  readonly wrapper: Wrapper;
  /** Picks the target form among the base's forms (and, one time in three for an unwrapped named loss, its bad forms). */
  readonly formPick: number;
  readonly batch: number;
  readonly clipping: 'flat' | 'per-layer';
  /** Per-layer: one bound per clipped layer (true) or one C split as C/√L (false). */
  readonly perLayerArray: boolean;
  readonly maxGradNorm: number;
  readonly layerBounds: readonly number[];
  readonly seed: number;
}

/**
 * Random cases: bodies of 0–1 hidden layers (MLP or CNN), batches of 1–6, C log-uniform in [0.02, 20]
 * (per-layer bounds in [0.01, 10]), flat or per-layer clipping; three losses in five unwrapped.
 */
export function lossCases(): fc.Arbitrary<LossCase> {
  return fc.record({
    // Seeds ≥ 1: tfjs' normal and truncated-normal generators take seed 0 as "no seed" (`seed ? seed :
    // Math.random()` in tfjs-core's rand_util), and buildModel seeds its first layer with spec.seed.
    body: modelSpecs({ maxHiddenLayers: 1, maxUnits: 4, maxClasses: 4 }).map((s) => ({ ...s, seed: s.seed + 1 })),
    base: fc.constantFrom(...BASES.map((_, i) => i)),
    wrapper: fc.oneof({ arbitrary: fc.constant<Wrapper>('none'), weight: 3 }, { arbitrary: fc.constantFrom(...BROKEN_WRAPPERS), weight: 2 }),
    formPick: fc.nat({ max: 1000 }),
    batch: fc.integer({ min: 1, max: 6 }),
    clipping: fc.constantFrom<'flat' | 'per-layer'>('flat', 'per-layer'),
    perLayerArray: fc.boolean(),
    // log-uniform: C from 0.02 (nearly every example clipped) to 20 (most not)
    maxGradNorm: fc.double({ min: Math.log(0.02), max: Math.log(20), noNaN: true }).map(Math.exp),
    layerBounds: fc.array(fc.double({ min: Math.log(0.01), max: Math.log(10), noNaN: true }).map(Math.exp), { minLength: 4, maxLength: 4 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  });
}

/** A case made concrete: tensors the caller disposes with {@link disposeBuilt}. */
export interface BuiltCase {
  readonly label: string;
  readonly base: Base;
  readonly wrapper: Wrapper;
  readonly form: TargetForm;
  readonly model: tf.Sequential;
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /** The target in the shape the loss is defined for ([B] of a one-unit head as [B, 1]), for the brute force. */
  readonly yCanonical: tf.Tensor;
  readonly loss: LossSpec;
  /** What clippedGradients gets as `maxGradNorm` (a number, or per-layer bounds). */
  readonly maxGradNorm: number | readonly number[];
  /** The same, as the brute force takes it (per-layer: always one bound per layer). */
  readonly bruteForceNorm: number | readonly number[];
  /** L2 sensitivity: C (flat), √(Σ C_l²) (per-layer). */
  readonly bound: number;
  readonly clipping: 'flat' | 'per-layer';
  /** Must the contract refuse this case? Derived from its construction. */
  readonly mustRefuse: boolean;
  /** Why (for messages and counts). */
  readonly why: string;
}

/** The target form a case uses, and whether it is one the loss is defined for. */
export function formOf(c: LossCase): { form: TargetForm; fits: boolean } {
  const base = BASES[c.base];
  // An unwrapped named loss gets a target that does not fit it one time in three.
  const bad = c.wrapper === 'none' && base.badForms.length > 0 && c.formPick % 3 === 2;
  const pool = bad ? base.badForms : base.forms;
  const form = pool[Math.floor(c.formPick / 3) % pool.length];
  return { form, fits: !bad };
}

/** Can this wrapper be applied to this base? (`centrePredictions` needs logits.) */
export function applicable(c: LossCase): boolean {
  return c.wrapper !== 'centrePredictions' || BASES[c.base].logits;
}

function target(form: TargetForm, batch: number, k: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const ids = tf.randomUniformInt([batch], 0, k, seed + 3);
    const binary = (shape: number[]) => tf.cast(tf.randomUniformInt(shape, 0, 2, seed + 5), 'float32');
    switch (form) {
      case 'real[B]':
        return tf.randomNormal([batch], 0, 2, 'float32', seed + 7);
      case 'real[B,1]':
        return tf.randomNormal([batch, 1], 0, 2, 'float32', seed + 7);
      case 'real[B,K]':
        return tf.randomNormal([batch, k], 0, 2, 'float32', seed + 7);
      case 'real[B,K+1]':
        return tf.randomNormal([batch, k + 1], 0, 2, 'float32', seed + 7);
      case 'binary[B]':
        return binary([batch]);
      case 'binary[B,1]':
        return binary([batch, 1]);
      case 'binary[B,K]':
        return binary([batch, k]);
      case 'binary[B,K+1]':
        return binary([batch, k + 1]);
      case 'onehot[B,K]':
        return tf.oneHot(ids, k).toFloat();
      case 'onehot[B,K+1]':
        return tf.oneHot(ids, k + 1).toFloat();
      case 'ids[B]':
        return ids;
      case 'ids[B,1]':
        return tf.reshape(ids, [batch, 1]);
      case 'idsF[B]':
        return tf.cast(ids, 'float32');
    }
  });
}

/**
 * Builds a case: the body of `modelSpecs` with its softmax head replaced by the base's head, inputs
 * N(0, 3²), the target, and the verdict.
 */
export function buildCase(c: LossCase): BuiltCase {
  const base = BASES[c.base];
  const { form, fits } = formOf(c);
  const k = base.units === 'one' ? 1 : c.body.numClasses;
  const model = buildModel(c.body);
  const oldHead = model.layers[model.layers.length - 1];
  model.pop();
  oldHead.dispose();
  model.add(
    tf.layers.dense({
      units: k,
      activation: base.activation,
      kernelInitializer: tf.initializers.glorotNormal({ seed: c.seed + 17 }),
      biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 19, stddev: 0.3 }),
      ...(model.layers.length === 0 ? { inputShape: [...c.body.inputShape] } : {}),
    }),
  );
  const x = tf.randomNormal([c.batch, ...c.body.inputShape], 0, 3, 'float32', c.seed);
  const y = target(form, c.batch, k, c.seed);
  const yCanonical = k === 1 && y.shape.length === 1 ? tf.reshape(y, [c.batch, 1]) : tf.clone(y);
  const layers = Math.max(...layerOfWeight(model)) + 1;
  let maxGradNorm: number | readonly number[] = c.maxGradNorm;
  let bruteForceNorm: number | readonly number[] = c.maxGradNorm;
  let bound = c.maxGradNorm;
  if (c.clipping === 'per-layer') {
    const bounds = c.perLayerArray ? c.layerBounds.slice(0, layers) : new Array<number>(layers).fill(c.maxGradNorm / Math.sqrt(layers));
    if (c.perLayerArray) maxGradNorm = bounds;
    bruteForceNorm = bounds;
    bound = c.perLayerArray ? Math.sqrt(bounds.reduce((s, b) => s + b * b, 0)) : c.maxGradNorm;
  }
  const mustRefuse = c.wrapper !== 'none' || !fits;
  const why = c.wrapper !== 'none' ? `loss wrapped: ${c.wrapper}` : !fits ? `target ${form} does not fit '${String(base.loss)}'` : 'fits';
  return {
    label: `${base.name}, wrapper ${c.wrapper}, target ${form} (K = ${k}, B = ${c.batch}), ${c.clipping}`,
    base,
    wrapper: c.wrapper,
    form,
    model,
    x,
    y,
    yCanonical,
    loss: wrap(base.loss, c.wrapper),
    maxGradNorm,
    bruteForceNorm,
    bound,
    clipping: c.clipping,
    mustRefuse,
    why,
  };
}

/** Disposes a built case's model and tensors. */
export function disposeBuilt(b: BuiltCase): void {
  tf.dispose([b.x, b.y, b.yCanonical]);
  b.model.dispose();
}

/**
 * A clipping pass against the brute force, each quantity on the scale that bounds its float32 error:
 * - each example's norm ‖∇θ L_i‖ to `tol` relative (and its flat clip factor likewise);
 * - a layer's part ‖∇_l L_i‖ to `tol` × the example's whole norm: the ghost form ⟨UUᵀ, GGᵀ⟩ rounds on
 *   the scale of its larger terms, so a layer with a tiny share of the gradient (or LayerNormalization
 *   over one feature, whose input gradient is 0 exactly) is only known to ~1e-7 of the whole;
 * - each entry of the clipped sum to `tol` × Σ_i ‖clip(∇θ L_i)‖, the sum of its terms' sizes (clipped
 *   gradients of a constant-output model can cancel to ~0, so the sum's own size is no yardstick).
 * (`_bruteForce`'s `expectAgreement` takes each quantity relative to itself, which such models fail at
 * the 1e-4 level with nothing wrong in the clipping.)
 * @returns nothing; fails the test on a difference.
 */
export function expectSameAsBruteForce(out: ClippedGradients, ref: BruteForce, context: string, tol = 1e-4): void {
  const norms = out.perExampleNorms.dataSync();
  expect(norms.length, context).toBe(ref.norms.length);
  ref.norms.forEach((n, i) => expect(Math.abs(norms[i] - n), `‖∇θ L_${i}‖ = ${norms[i]}, brute force ${n}: ${context}`).toBeLessThanOrEqual(tol * Math.max(n, 1e-6)));
  if (out.perLayerNorms !== undefined) {
    const got = out.perLayerNorms.arraySync();
    ref.layerNorms.forEach((row, i) =>
      row.forEach((n, l) => expect(Math.abs(got[i][l] - n), `‖∇_${l} L_${i}‖ = ${got[i][l]}, brute force ${n}: ${context}`).toBeLessThanOrEqual(tol * Math.max(ref.norms[i], 1e-6))),
    );
  } else {
    const factors = out.clipFactors.dataSync();
    (ref.factors as number[]).forEach((c, i) => expect(Math.abs(factors[i] - c), `c_${i}: ${context}`).toBeLessThanOrEqual(tol * c));
  }
  expect(out.grads.length, context).toBe(ref.sums.length);
  const contribution = (i: number): number =>
    out.perLayerNorms === undefined
      ? (ref.factors as number[])[i] * ref.norms[i]
      : Math.sqrt(ref.layerNorms[i].reduce((s, n, l) => s + ((ref.factors as number[][])[i][l] * n) ** 2, 0));
  const scale = Math.max(1e-6, ref.norms.reduce((s, _n, i) => s + contribution(i), 0));
  out.grads.forEach((g, j) => {
    const v = g.dataSync();
    let worst = 0;
    ref.sums[j].forEach((r, k) => (worst = Math.max(worst, Math.abs(v[k] - r))));
    expect(worst, `clipped sum of weight ${j}: ${context}`).toBeLessThanOrEqual(tol * scale);
  });
}

/**
 * ‖S(B) − S(B ∖ {i})‖₂ for every example i, S the pre-noise clipped sum `clip` returns (S of an empty
 * batch is 0). The caller compares each with the sensitivity.
 */
export function leaveOneOutChanges(clip: (x: tf.Tensor, y: tf.Tensor) => ClippedGradients, x: tf.Tensor, y: tf.Tensor): number[] {
  const dispose = (c: ClippedGradients): void =>
    tf.dispose([c.perExampleNorms, c.clipFactors, c.losses, ...c.grads, ...(c.perLayerNorms === undefined ? [] : [c.perLayerNorms])]);
  const flat = (c: ClippedGradients): Float64Array => {
    const parts = c.grads.map((g) => g.dataSync());
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    dispose(c);
    return out;
  };
  const full = flat(clip(x, y));
  const batch = x.shape[0];
  const changes: number[] = [];
  for (let i = 0; i < batch; i++) {
    let rest: Float64Array = new Float64Array(full.length);
    if (batch > 1) {
      const keep = tf.tensor1d([...Array(batch).keys()].filter((j) => j !== i), 'int32');
      const xs = tf.gather(x, keep);
      const ys = tf.gather(y, keep);
      try {
        rest = flat(clip(xs, ys));
      } finally {
        tf.dispose([keep, xs, ys]);
      }
    }
    changes.push(Math.sqrt(full.reduce((s, v, k) => s + (v - rest[k]) ** 2, 0)));
  }
  return changes;
}

/** `_bruteForce`'s `bruteForce` inside a tidy (it leaves variableGrads' `value`, one tensor per example). */
export function bruteForceNoLeak(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: BruteForceOptions): BruteForce {
  let ref: BruteForce | null = null;
  tf.tidy(() => {
    ref = bruteForce(model, x, y, options);
  });
  return ref as unknown as BruteForce;
}
