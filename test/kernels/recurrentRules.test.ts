/**
 * The fast per-example rule for SimpleRNN against a per-example brute-force tf.variableGrads loop:
 * geometries (T 1–6, units 2–5, features 1–4, returnSequences on/off, goBackwards, useBias off, tanh /
 * relu / linear, an Embedding below, a Dense above), flat and per-layer clipping; the rule's forward
 * equals the layer's own; refusals at plan time (dropout, recurrentDropout, masked input — the last two
 * then take the exact per-example loop with `allowSlowLayers`); no tensor leaks; a σ = 0 step decreases
 * the loss. cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planClipping } from '../../src/kernels/ClippingPlan.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { registeredRule, supportedLayerClasses } from '../../src/kernels/layerRules.js';
import { simpleRnnRule } from '../../src/kernels/rules/simpleRnn.js';
import { disposeClipped, expectAgreementFlatAndPerLayer, expectDpStepsLearn, expectNoLeak } from './_bruteForce.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(registeredRule('SimpleRNN')).toBe(simpleRnnRule);
});

const init = (seed: number) => tf.initializers.glorotNormal({ seed });
const biasInit = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.3 });

/** Largest relative difference seen (printed with PRIVKIT_REPORT=1). */
let worst = 0;
afterAll(() => {
  if (process.env.PRIVKIT_REPORT === '1') console.log(JSON.stringify({ SimpleRNN: worst }));
});

/** Flat and per-layer clipping against the brute force; keeps the worst relative difference. */
function agree(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, extra: { allowSlowLayers?: boolean } = {}): void {
  worst = Math.max(worst, expectAgreementFlatAndPerLayer(model, x, y, extra));
}

interface Geometry {
  readonly steps: number;
  readonly units: number;
  readonly features: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly activation: 'tanh' | 'relu' | 'linear';
  /** An Embedding (vocabulary 7, no mask) below the RNN; its output dimension is `features`. */
  readonly embedding: boolean;
  readonly batch: number;
}

const geometries: Geometry[] = [
  { steps: 1, units: 2, features: 1, returnSequences: false, goBackwards: false, useBias: true, activation: 'tanh', embedding: false, batch: 4 },
  { steps: 3, units: 3, features: 2, returnSequences: true, goBackwards: false, useBias: true, activation: 'tanh', embedding: false, batch: 5 },
  { steps: 4, units: 5, features: 4, returnSequences: false, goBackwards: true, useBias: false, activation: 'relu', embedding: false, batch: 3 },
  { steps: 6, units: 4, features: 3, returnSequences: true, goBackwards: true, useBias: true, activation: 'linear', embedding: false, batch: 4 },
  { steps: 5, units: 2, features: 4, returnSequences: false, goBackwards: false, useBias: true, activation: 'tanh', embedding: true, batch: 6 },
  { steps: 2, units: 5, features: 1, returnSequences: true, goBackwards: false, useBias: false, activation: 'tanh', embedding: true, batch: 1 },
];

function rnnLayer(g: Geometry, seed: number, extra: Record<string, unknown> = {}): tf.layers.Layer {
  return tf.layers.simpleRNN({
    units: g.units,
    returnSequences: g.returnSequences,
    goBackwards: g.goBackwards,
    useBias: g.useBias,
    activation: g.activation,
    kernelInitializer: init(seed),
    recurrentInitializer: init(seed + 1),
    biasInitializer: biasInit(seed + 2),
    ...(g.embedding ? {} : { inputShape: [g.steps, g.features] }),
    ...extra,
  });
}

/** [Embedding] → SimpleRNN → [flatten] → dense(3) softmax. */
function model(g: Geometry, seed: number, extra: Record<string, unknown> = {}, maskZero = false): tf.Sequential {
  const m = tf.sequential();
  if (g.embedding) m.add(tf.layers.embedding({ inputDim: 7, outputDim: g.features, inputLength: g.steps, maskZero, embeddingsInitializer: init(seed + 5) }));
  m.add(rnnLayer(g, seed, extra));
  if (g.returnSequences) m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 7), biasInitializer: biasInit(seed + 8) }));
  return m;
}

function data(g: Geometry, seed: number): [tf.Tensor, tf.Tensor] {
  const x = g.embedding ? tf.randomUniformInt([g.batch, g.steps], 0, 7, seed) : tf.randomNormal([g.batch, g.steps, g.features], 0, 1.2, 'float32', seed);
  const y = tf.oneHot(tf.randomUniformInt([g.batch], 0, 3, seed + 1), 3);
  return [x, y];
}

describe('SimpleRNN rule', () => {
  it('is registered by default and listed by supportedLayerClasses()', () => {
    expect(supportedLayerClasses()).toContain('SimpleRNN');
    const m = model(geometries[1], 1);
    expect(planClipping(m, { loss: 'categoricalCrossentropy', maxGradNorm: 1 }).steps.find((st) => st.layer.getClassName() === 'SimpleRNN')?.rule).toBe(simpleRnnRule);
    m.dispose();
  });

  it.each(geometries.map((g, i) => [i, g] as const))('geometry %i: norms and clipped sums equal the brute force to 1e-4 (flat and per-layer)', (i, g) => {
    const m = model(g, 10 * i + 1);
    const [x, y] = data(g, 10 * i + 3);
    agree(m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it.each(geometries.filter((g) => !g.embedding).map((g, i) => [i, g] as const))('geometry %i: the forward without probe equals the layer\'s own to 1e-5', (i, g) => {
    const layer = rnnLayer(g, 20 * i + 1);
    const x = tf.randomNormal([g.batch, g.steps, g.features], 0, 1.2, 'float32', 20 * i + 2);
    const own = layer.apply(x) as tf.Tensor;
    const ours = simpleRnnRule.forward(layer, x, null);
    expect(ours.shape).toEqual(own.shape);
    const a = ours.dataSync();
    own.dataSync().forEach((v, k) => expect(Math.abs(a[k] - v)).toBeLessThan(1e-5));
    expect(simpleRnnRule.preActivationShape(layer, x.shape)).toEqual([g.batch, g.steps, g.units]);
    tf.dispose([x, own, ours]);
    layer.dispose();
  });

  it('refuses dropout and recurrentDropout > 0 at plan time with UNSUPPORTED_LAYER; allowSlowLayers then takes the loop', () => {
    const g = geometries[1];
    for (const [name, extra] of [['rnnDropout', { dropout: 0.2 }], ['rnnRecurrentDropout', { recurrentDropout: 0.3 }]] as const) {
      const m = model(g, 31, { name, ...extra });
      expect(() => planClipping(m, { loss: 'categoricalCrossentropy', maxGradNorm: 1 })).toThrowError(
        expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(new RegExp(`${name}.*dropout.*allowSlowLayers`)) }),
      );
      expect(planClipping(m, { loss: 'categoricalCrossentropy', maxGradNorm: 1, allowSlowLayers: true }).slowLayers).toEqual([name]);
      m.dispose();
    }
  });

  it('refuses a masked input (Embedding maskZero) at plan time; with allowSlowLayers the loop agrees with the brute force', () => {
    const g: Geometry = { ...geometries[4], batch: 5 };
    const m = model(g, 41, { name: 'maskedRnn' }, true);
    const x = tf.tensor2d([[3, 4, 0, 0, 0], [1, 2, 3, 4, 5], [6, 0, 0, 0, 0], [2, 5, 1, 0, 0], [0, 0, 0, 0, 0]]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    expect(() => clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/maskedRnn.*mask/) }),
    );
    agree(m, x, y, { allowSlowLayers: true });
    tf.dispose([x, y]);
    m.dispose();
  });

  it('leaks no tensors over repeated calls (flat and per-layer); a makePrivate step at σ = 0 decreases the loss', () => {
    const g: Geometry = { ...geometries[3], batch: 8 };
    const m = model(g, 51);
    const [x, y] = data(g, 53);
    const run = () => {
      disposeClipped(clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 }));
      disposeClipped(clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: [0.5, 0.5], clipping: 'per-layer' }));
    };
    expectNoLeak(run, 5);
    expectDpStepsLearn(m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });
});
