/**
 * Fast per-example rules for DepthwiseConv2D, SeparableConv2D, Conv2DTranspose and Conv3D against a per-example brute-force
 * tf.variableGrads loop: random geometries (kernel sizes, strides, 'same'/'valid', depthMultiplier,
 * useBias off, activations, the layer below or above other weighted layers), flat and per-layer
 * clipping; their registration; refusals (channelsFirst, dilated SeparableConv2D and Conv3D); no tensor leaks;
 * a σ = 0 step decreases the loss. cpu backend (the wasm backward kernels are tested in
 * wasmConvKernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { registeredRule, supportedLayerClasses } from '../../src/kernels/layerRules.js';
import { depthwiseConvolutionRule } from '../../src/kernels/rules/depthwiseConvolution.js';
import { separableConvolutionRule } from '../../src/kernels/rules/separableConvolution.js';
import { transposedConvolutionRule } from '../../src/kernels/rules/transposedConvolution.js';
import { convolution3dRule } from '../../src/kernels/rules/convolution3d.js';
import { disposeClipped, expectAgreementFlatAndPerLayer, expectDpStepsLearn, expectNoLeak } from './_bruteForce.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The four rules are built in: the default registry holds them (no registration here).
  for (const [name, rule] of [['DepthwiseConv2D', depthwiseConvolutionRule], ['SeparableConv2D', separableConvolutionRule], ['Conv2DTranspose', transposedConvolutionRule], ['Conv3D', convolution3dRule]] as const) {
    expect(registeredRule(name)).toBe(rule);
  }
});

const init = (seed: number) => tf.initializers.glorotNormal({ seed });
const biasInit = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.3 });

/** Largest relative differences seen, per layer kind (printed with PRIVKIT_REPORT=1). */
const worst = new Map<string, number>();
afterAll(() => {
  if (process.env.PRIVKIT_REPORT === '1') console.log(JSON.stringify(Object.fromEntries(worst)));
});

/** Flat and per-layer clipping against the brute force; the worst relative difference is kept per kind. */
function agree(kind: string, model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): void {
  worst.set(kind, Math.max(worst.get(kind) ?? 0, expectAgreementFlatAndPerLayer(model, x, y)));
}

interface Geometry {
  readonly size: [number, number];
  readonly channels: number;
  readonly kernelSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly padding: 'same' | 'valid';
  readonly depthMultiplier: number;
  readonly useBias: boolean;
  readonly activation: 'linear' | 'relu' | 'tanh';
  /** A Conv2D below the layer (its gradient then flows back through the layer's input). */
  readonly convBelow: boolean;
  readonly batch: number;
}

const geometries: Geometry[] = [
  { size: [5, 5], channels: 2, kernelSize: 3, strides: 1, padding: 'same', depthMultiplier: 1, useBias: true, activation: 'linear', convBelow: false, batch: 5 },
  { size: [6, 7], channels: 3, kernelSize: [2, 3], strides: 2, padding: 'valid', depthMultiplier: 2, useBias: false, activation: 'tanh', convBelow: false, batch: 4 },
  { size: [7, 5], channels: 2, kernelSize: 3, strides: [2, 1], padding: 'same', depthMultiplier: 3, useBias: true, activation: 'relu', convBelow: true, batch: 6 },
  { size: [4, 6], channels: 1, kernelSize: [1, 2], strides: [1, 2], padding: 'valid', depthMultiplier: 2, useBias: true, activation: 'tanh', convBelow: false, batch: 3 },
  { size: [6, 6], channels: 4, kernelSize: 2, strides: 3, padding: 'same', depthMultiplier: 1, useBias: true, activation: 'tanh', convBelow: true, batch: 1 },
];

/** input → [Conv2D] → layer → flatten → dense(3) softmax. */
function model(layer: tf.layers.Layer, g: Geometry, seed: number): tf.Sequential {
  const m = tf.sequential();
  if (g.convBelow) m.add(tf.layers.conv2d({ filters: g.channels, kernelSize: 2, padding: 'same', activation: 'tanh', inputShape: [...g.size, g.channels], kernelInitializer: init(seed + 7) }));
  m.add(layer);
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 9), biasInitializer: biasInit(seed + 10) }));
  return m;
}

function depthwiseModel(g: Geometry, seed: number, extra: Record<string, unknown> = {}): tf.Sequential {
  const layer = tf.layers.depthwiseConv2d({
    kernelSize: g.kernelSize,
    strides: g.strides,
    padding: g.padding,
    depthMultiplier: g.depthMultiplier,
    useBias: g.useBias,
    activation: g.activation,
    depthwiseInitializer: init(seed),
    biasInitializer: biasInit(seed + 1),
    ...(g.convBelow ? {} : { inputShape: [...g.size, g.channels] }),
    ...extra,
  });
  return model(layer, g, seed);
}

function separableModel(g: Geometry, seed: number, filters: number, extra: Record<string, unknown> = {}): tf.Sequential {
  const layer = tf.layers.separableConv2d({
    filters,
    kernelSize: g.kernelSize,
    strides: g.strides,
    padding: g.padding,
    depthMultiplier: g.depthMultiplier,
    useBias: g.useBias,
    activation: g.activation,
    depthwiseInitializer: init(seed),
    pointwiseInitializer: init(seed + 2),
    biasInitializer: biasInit(seed + 1),
    ...(g.convBelow ? {} : { inputShape: [...g.size, g.channels] }),
    ...extra,
  });
  return model(layer, g, seed);
}

function data(g: Geometry, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomNormal([g.batch, ...g.size, g.channels], 0, 1.5, 'float32', seed);
  const y = tf.oneHot(tf.randomUniformInt([g.batch], 0, 3, seed + 1), 3);
  return [x, y];
}

describe('DepthwiseConv2D rule', () => {
  it('is listed by supportedLayerClasses() and looked up once registered', () => {
    expect(supportedLayerClasses()).toContain('DepthwiseConv2D');
    expect(registeredRule('DepthwiseConv2D')).toBe(depthwiseConvolutionRule);
  });

  it.each(geometries.map((g, i) => [i, g] as const))('geometry %i: norms and clipped sums equal the brute force to 1e-4 (flat and per-layer)', (i, g) => {
    const m = depthwiseModel(g, 10 * i + 1);
    const [x, y] = data(g, 10 * i + 3);
    agree('DepthwiseConv2D', m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('computes what the tfjs layer computes when dilationRate is set (the layer ignores it)', () => {
    const g = geometries[0];
    const m = depthwiseModel(g, 41, { dilationRate: 2 });
    const [x, y] = data(g, 43);
    agree('DepthwiseConv2D', m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses channelsFirst with UNSUPPORTED_LAYER', () => {
    const layer = tf.layers.depthwiseConv2d({ kernelSize: 2, dataFormat: 'channelsFirst', inputShape: [2, 4, 4] });
    const m = tf.sequential({ layers: [layer, tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    expect(() => clippedGradients(m, tf.zeros([2, 2, 4, 4]), tf.zeros([2, 3]), { loss: 'categoricalCrossentropy', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/channelsLast.*channelsFirst/) }),
    );
    m.dispose();
  });
});

describe('SeparableConv2D rule', () => {
  it('is registered by default', () => {
    expect(supportedLayerClasses()).toContain('SeparableConv2D');
    expect(registeredRule('SeparableConv2D')).toBe(separableConvolutionRule);
  });

  it.each(geometries.map((g, i) => [i, g] as const))('geometry %i: norms and clipped sums equal the brute force to 1e-4 (flat and per-layer)', (i, g) => {
    const m = separableModel(g, 10 * i + 5, 2 + (i % 3));
    const [x, y] = data(g, 10 * i + 7);
    agree('SeparableConv2D', m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses a dilated SeparableConv2D and channelsFirst with UNSUPPORTED_LAYER, naming the layer', () => {
    const dilated = tf.sequential({
      layers: [tf.layers.separableConv2d({ name: 'sepDilated', filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [6, 6, 2] }), tf.layers.flatten(), tf.layers.dense({ units: 3 })],
    });
    expect(() => clippedGradients(dilated, tf.zeros([2, 6, 6, 2]), tf.zeros([2, 3]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/sepDilated.*dilationRate 2×2/) }),
    );
    const first = tf.sequential({
      layers: [tf.layers.separableConv2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', inputShape: [2, 4, 4] }), tf.layers.flatten(), tf.layers.dense({ units: 3 })],
    });
    expect(() => clippedGradients(first, tf.zeros([2, 2, 4, 4]), tf.zeros([2, 3]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/channelsFirst/) }),
    );
    dilated.dispose();
    first.dispose();
  });
});

function transposeModel(g: Geometry, seed: number, filters: number, extra: Record<string, unknown> = {}): tf.Sequential {
  const layer = tf.layers.conv2dTranspose({
    filters,
    kernelSize: g.kernelSize,
    strides: g.strides,
    padding: g.padding,
    useBias: g.useBias,
    activation: g.activation,
    kernelInitializer: init(seed),
    biasInitializer: biasInit(seed + 1),
    ...(g.convBelow ? {} : { inputShape: [...g.size, g.channels] }),
    ...extra,
  });
  return model(layer, g, seed);
}

/** Transposed-convolution geometries: strides above, equal to and below the kernel size, 'valid' with k < s. */
const transposeGeometries: Geometry[] = [
  ...geometries,
  { size: [3, 4], channels: 2, kernelSize: 2, strides: 3, padding: 'valid', depthMultiplier: 1, useBias: true, activation: 'tanh', convBelow: true, batch: 4 },
  { size: [3, 3], channels: 3, kernelSize: [3, 2], strides: [2, 2], padding: 'valid', depthMultiplier: 1, useBias: true, activation: 'relu', convBelow: false, batch: 5 },
];

describe('Conv2DTranspose rule', () => {
  it('is listed by supportedLayerClasses() and looked up once registered', () => {
    expect(supportedLayerClasses()).toContain('Conv2DTranspose');
    expect(registeredRule('Conv2DTranspose')).toBe(transposedConvolutionRule);
  });

  it.each(transposeGeometries.map((g, i) => [i, g] as const))('geometry %i: norms and clipped sums equal the brute force to 1e-4 (flat and per-layer)', (i, g) => {
    const m = transposeModel(g, 10 * i + 2, 1 + (i % 3));
    const [x, y] = data(g, 10 * i + 4);
    agree('Conv2DTranspose', m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses channelsFirst with UNSUPPORTED_LAYER', () => {
    const m = tf.sequential({
      layers: [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', inputShape: [2, 4, 4] }), tf.layers.flatten(), tf.layers.dense({ units: 3 })],
    });
    expect(() => clippedGradients(m, tf.zeros([2, 2, 4, 4]), tf.zeros([2, 3]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/channelsFirst/) }),
    );
    m.dispose();
  });
});

interface Geometry3d {
  readonly size: [number, number, number];
  readonly channels: number;
  readonly kernelSize: number | [number, number, number];
  readonly strides: number | [number, number, number];
  readonly padding: 'same' | 'valid';
  readonly filters: number;
  readonly useBias: boolean;
  readonly activation: 'linear' | 'relu' | 'tanh';
  readonly convBelow: boolean;
  readonly batch: number;
}

const geometries3d: Geometry3d[] = [
  { size: [3, 4, 4], channels: 2, kernelSize: 2, strides: 1, padding: 'valid', filters: 2, useBias: true, activation: 'linear', convBelow: false, batch: 4 },
  { size: [4, 3, 5], channels: 1, kernelSize: [3, 2, 2], strides: [1, 2, 2], padding: 'same', filters: 3, useBias: false, activation: 'tanh', convBelow: false, batch: 5 },
  { size: [4, 4, 3], channels: 2, kernelSize: [2, 3, 1], strides: 2, padding: 'same', filters: 1, useBias: true, activation: 'relu', convBelow: true, batch: 3 },
  { size: [5, 4, 4], channels: 3, kernelSize: 2, strides: [2, 1, 3], padding: 'valid', filters: 2, useBias: true, activation: 'tanh', convBelow: true, batch: 2 },
];

describe('Conv3D rule', () => {
  it('is listed by supportedLayerClasses() and looked up once registered', () => {
    expect(supportedLayerClasses()).toContain('Conv3D');
    expect(registeredRule('Conv3D')).toBe(convolution3dRule);
  });

  it.each(geometries3d.map((g, i) => [i, g] as const))('geometry %i: norms and clipped sums equal the brute force to 1e-4 (flat and per-layer)', (i, g) => {
    const seed = 10 * i + 6;
    const m = tf.sequential();
    const input = { inputShape: [...g.size, g.channels] };
    if (g.convBelow) m.add(tf.layers.conv3d({ filters: g.channels, kernelSize: 1, activation: 'tanh', ...input, kernelInitializer: init(seed + 7) }));
    m.add(
      tf.layers.conv3d({
        filters: g.filters,
        kernelSize: g.kernelSize,
        strides: g.strides,
        padding: g.padding,
        useBias: g.useBias,
        activation: g.activation,
        kernelInitializer: init(seed),
        biasInitializer: biasInit(seed + 1),
        ...(g.convBelow ? {} : input),
      }),
    );
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 9), biasInitializer: biasInit(seed + 10) }));
    const x = tf.randomNormal([g.batch, ...g.size, g.channels], 0, 1.5, 'float32', seed + 2);
    const y = tf.oneHot(tf.randomUniformInt([g.batch], 0, 3, seed + 3), 3);
    agree('Conv3D', m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses a dilated Conv3D and channelsFirst with UNSUPPORTED_LAYER, naming the layer', () => {
    const dilated = tf.sequential({ layers: [tf.layers.conv3d({ name: 'c3Dilated', filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [5, 5, 5, 1] }), tf.layers.flatten()] });
    expect(() => clippedGradients(dilated, tf.zeros([2, 5, 5, 5, 1]), tf.zeros([2, 54]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/c3Dilated.*dilationRate 2×2×2/) }),
    );
    const first = tf.sequential({ layers: [tf.layers.conv3d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', inputShape: [1, 3, 3, 3] }), tf.layers.flatten()] });
    expect(() => clippedGradients(first, tf.zeros([2, 1, 3, 3, 3]), tf.zeros([2, 16]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/channelsFirst/) }),
    );
    dilated.dispose();
    first.dispose();
  });

  it('leaks no tensors over repeated clippedGradients calls and a σ = 0 step decreases the loss', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.conv3d({ filters: 2, kernelSize: 2, padding: 'same', activation: 'relu', inputShape: [3, 4, 4, 1], kernelInitializer: init(81) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(82) }),
      ],
    });
    const x = tf.randomNormal([8, 3, 4, 4, 1], 0, 1, 'float32', 83);
    const y = tf.oneHot(tf.randomUniformInt([8], 0, 3, 84), 3);
    const run = () => disposeClipped(clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 }));
    expectNoLeak(run, 10);
    expectDpStepsLearn(m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('depthwise, separable and transposed models in training', () => {
  const g = geometries[2];
  /** DepthwiseConv2D → SeparableConv2D → Conv2DTranspose → flatten → dense softmax. */
  const build = (seed: number) =>
    tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ kernelSize: 2, padding: 'same', depthMultiplier: 2, inputShape: [...g.size, g.channels], depthwiseInitializer: init(seed), activation: 'relu' }),
        tf.layers.separableConv2d({ filters: 3, kernelSize: 3, strides: [2, 1], padding: 'same', depthwiseInitializer: init(seed + 1), pointwiseInitializer: init(seed + 2), activation: 'tanh' }),
        tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', kernelInitializer: init(seed + 4), activation: 'tanh' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 3) }),
      ],
    });

  it('leaks no tensors over repeated clippedGradients calls (flat and per-layer)', () => {
    const m = build(61);
    const [x, y] = data(g, 63);
    const run = () => {
      disposeClipped(clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 }));
      disposeClipped(clippedGradients(m, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: [0.5, 0.5, 0.5, 0.5], clipping: 'per-layer' }));
    };
    expectNoLeak(run, 10);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a makePrivate step at σ = 0 decreases the loss', () => {
    const m = build(71);
    const [x, y] = data({ ...g, batch: 8 }, 73);
    expectDpStepsLearn(m, x, y);
    tf.dispose([x, y]);
    m.dispose();
  });
});
