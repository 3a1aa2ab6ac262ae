/**
 * buildCharModel: [B, T, context] windows in, next-character probabilities [B, T, V] out, built only
 * from layers privkit can clip; DP-SGD accepts it and its per-example norms and clipped sums agree
 * with a brute-force per-example loop; it also trains by a plain tfjs loop; the fast training forward
 * (chainForward) equals `model.apply` in value and gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../src/backend/useBackend.js';
import { makePrivate } from '../../../../src/makePrivate.js';
import { clippedGradients } from '../../../../src/kernels/clippedGradients.js';
import { registeredRule } from '../../../../src/kernels/layerRules.js';
import { buildCharModel, charModelShape } from '../../../../mia/canary/lm/charModel.js';
import { charSequenceLoss } from '../../../../mia/canary/lm/charSequenceLoss.js';
import { chainForward } from '../../../../mia/canary/lm/_internals/chainForward.js';
import { expectInvalid } from '../../../_support/errors.js';
import { bruteForce, disposeClipped, expectAgreement } from '../../../kernels/_bruteForce.js';

const V = 9;
const SIZES = { vocabSize: V, context: 5, sequenceLength: 4, embedding: 3, filters: 6, layers: 2 } as const;

beforeAll(async () => {
  await useBackend('wasm');
});

/** Random windows [b, T, context] and targets [b, T] (some padding targets). */
function batch(b: number, seed: number): { x: tf.Tensor3D; y: tf.Tensor2D } {
  const x = tf.randomUniformInt([b, SIZES.sequenceLength, SIZES.context], 0, V, seed).toFloat() as tf.Tensor3D;
  const y = tf.randomUniformInt([b, SIZES.sequenceLength], 0, V, seed + 1).toFloat() as tf.Tensor2D;
  return { x, y };
}

describe('buildCharModel', () => {
  it('maps windows [B, T, context] to next-character distributions [B, T, V]', () => {
    // Arrange
    const model = buildCharModel(SIZES);
    const { x, y } = batch(3, 1);
    // Act
    const p = model.predict(x) as tf.Tensor;
    // Assert
    expect(p.shape).toEqual([3, 4, V]);
    const sums = tf.sum(p, -1).dataSync();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(charModelShape(model)).toEqual({ sequenceLength: 4, context: 5 });
    model.dispose();
    tf.dispose([x, y, p]);
  });

  it('has only layers with a per-example gradient rule, or no weights', () => {
    const model = buildCharModel(SIZES);
    for (const layer of model.layers) {
      if (layer.trainableWeights.length > 0) expect(registeredRule(layer.getClassName()), layer.getClassName()).toBeDefined();
    }
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Embedding', 'Reshape', 'Dense', 'LayerNormalization', 'Dense', 'LayerNormalization', 'Dense', 'Activation',
    ]);
    model.dispose();
  });

  it('is accepted by makePrivate: a DP-SGD step runs (no UNSUPPORTED_LAYER) and moves the weights', () => {
    // Arrange
    const model = buildCharModel(SIZES);
    const { x, y } = batch(6, 2);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const priv = makePrivate({ model, optimizer: tf.train.adam(0.01), loss: charSequenceLoss, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.5, datasetSize: 12, seed: 3 });
    // Act
    const result = priv.step(x, y);
    // Assert
    expect(Number.isFinite(result.loss)).toBe(true);
    const after = model.getWeights().map((w) => w.dataSync());
    expect(after.every((w, i) => w.some((v, k) => v !== before[i][k]))).toBe(true);
    expect(priv.getEpsilon(1e-5)).toBeGreaterThan(0);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('per-example norms and clipped sums agree with a brute-force per-example loop', () => {
    // Arrange
    const model = buildCharModel({ ...SIZES, seed: 4 });
    const { x, y } = batch(4, 5);
    // Act
    const out = clippedGradients(model, x, y, { loss: charSequenceLoss, maxGradNorm: 0.5 });
    const ref = bruteForce(model, x, y, { loss: charSequenceLoss, maxGradNorm: 0.5 });
    // Assert
    expectAgreement(out, ref, model, 1e-3);
    disposeClipped(out);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('trains by a plain tfjs optimizer loop', () => {
    // Arrange: one batch, fit it
    const model = buildCharModel({ ...SIZES, seed: 6 });
    const { x, y } = batch(8, 7);
    const optimizer = tf.train.adam(0.05);
    const loss = (): tf.Scalar => tf.mean(charSequenceLoss(y, model.apply(x, { training: true }) as tf.Tensor));
    const first = tf.tidy(() => loss().dataSync()[0]);
    // Act
    for (let s = 0; s < 30; s++) optimizer.minimize(loss, true)?.dispose();
    // Assert
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(0.7 * first);
    model.dispose();
    tf.dispose([x, y]);
    optimizer.dispose();
  });

  it('chainForward (the fast training forward) equals model.apply in value and gradient', () => {
    const model = buildCharModel({ ...SIZES, seed: 8 });
    const { x, y } = batch(3, 9);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const viaApply = tf.variableGrads(() => tf.sum(charSequenceLoss(y, model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    const viaChain = tf.variableGrads(() => tf.sum(charSequenceLoss(y, chainForward(model, x))) as tf.Scalar, vars);
    expect(viaChain.value.dataSync()[0]).toBeCloseTo(viaApply.value.dataSync()[0], 4);
    for (const v of vars) {
      const a = viaApply.grads[v.name].dataSync();
      const b = viaChain.grads[v.name].dataSync();
      a.forEach((g, k) => expect(Math.abs(b[k] - g)).toBeLessThan(1e-4));
    }
    model.dispose();
    tf.dispose([x, y, viaApply.value, viaChain.value, ...Object.values(viaApply.grads), ...Object.values(viaChain.grads)]);
  });

  it('refuses bad sizes', () => {
    expectInvalid(() => buildCharModel({ vocabSize: 2 }), /vocabSize/);
    expectInvalid(() => buildCharModel({ vocabSize: 10, context: 0 }), /context/);
    expectInvalid(() => buildCharModel({ vocabSize: 10, layers: 1.5 }), /layers/);
  });
});
