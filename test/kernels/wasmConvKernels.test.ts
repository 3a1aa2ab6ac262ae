/**
 * The convolution kernels on wasm against the cpu backend's (random geometry: strides, 'same'/'valid',
 * kernel sizes, channel multipliers): privkit's DepthwiseConv2dNativeBackpropFilter/Input (missing in
 * tfjs-backend-wasm 4.22; with dilations, against cpu's kernels on the zero-inserted filter, since
 * cpu's loops assume dilation 1), its Conv3DBackpropFilterV2/InputV2 (wasm's are wrong; cpu's
 * kernel on copied data, and the composition of wasm kernels used without a cpu backend), the 2-D
 * convolutions with 'same' padding (wasm's return zeros in many geometries), wasm's own
 * Conv2DBackpropInput and Conv3D; then two epochs of a plain tfjs `fit` of a DepthwiseConv2D,
 * SeparableConv2D, Conv2DTranspose and Conv3D model on wasm end on cpu's weights. No tensor is left.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/useBackend.js';
import { composedConv3DBackpropFilterV2, composedConv3DBackpropInputV2 } from '../../src/kernels/wasm/conv3dBackprop.js';
import { registerWasmKernels } from '../../src/kernels/wasm/registerWasmKernels.js';
import { maxRelDiff, on } from './_wasmCompare.js';

const log: Record<string, number> = {};
function record(name: string, d: number): number {
  log[name] = Math.max(log[name] ?? 0, d);
  return d;
}

/** Runs `compute` (which must free what it makes) on both backends; asserts no tensor is left. */
async function both(compute: () => number[][] | Promise<number[][]>): Promise<[number[][], number[][]]> {
  const out: number[][][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    out.push(await compute());
    expect(tf.memory().numTensors).toBe(before);
  }
  return [out[0], out[1]];
}

const read = (ts: tf.Tensor[]): number[][] => {
  const v = ts.map((t) => Array.from(t.dataSync()));
  tf.dispose(ts);
  return v;
};

const depthwiseGeometry = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 3, max: 9 }),
  w: fc.integer({ min: 3, max: 9 }),
  cin: fc.integer({ min: 1, max: 4 }),
  mult: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
});

/** Inserts d − 1 zero taps between a [kh, kw, c, m] filter's taps (the same convolution at dilation 1). */
function dilateFilter(f: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, c, m] = f.shape;
  const v = f.arraySync();
  const out = tf.buffer([(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let a = 0; a < c; a++) for (let b = 0; b < m; b++) out.set(v[i][j][a][b], i * d, j * d, a, b);
  return out.toTensor() as tf.Tensor4D;
}

describe('wasm convolution training kernels', () => {
  afterAll(async () => {
    await useBackend('cpu');
    console.log('max relative differences wasm vs cpu:', JSON.stringify(log));
  });

  it('registers the missing depthwise gradients, replaces the Conv3D gradients and wraps the 2-D convolutions, once', async () => {
    await useBackend('wasm');
    const names = ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2', 'Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];
    const funcs = names.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    funcs.forEach((f, i) => expect(f, names[i]).toBeDefined());
    registerWasmKernels();
    names.forEach((name, i) => expect(tf.getKernel(name, 'wasm')?.kernelFunc, name).toBe(funcs[i]));
  });

  it("2-D convolutions with 'same' padding on wasm equal cpu (plain and fused, ordinary and depthwise)", async () => {
    const cases = fc.sample(fc.record({ g: depthwiseGeometry, relu: fc.boolean() }), { seed: 7, numRuns: 40 });
    for (const { g, relu } of cases) {
      const [wasm, cpu] = await both(() =>
        read(
          tf.tidy(() => {
            const x = tf.randomNormal([g.batch, g.h, g.w, g.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
            const f = tf.randomNormal([g.kh, g.kw, g.cin, g.mult], 0, 1, 'float32', 2) as tf.Tensor4D;
            const bias = tf.randomNormal([g.mult], 0, 1, 'float32', 3);
            const dBias = tf.randomNormal([g.cin * g.mult], 0, 1, 'float32', 4);
            const s: [number, number] = [g.sh, g.sw];
            const activation = relu ? 'relu' : 'linear';
            return [
              tf.conv2d(x, f, s, 'same'),
              tf.fused.conv2d({ x, filter: f, strides: s, pad: 'same', bias, activation }),
              tf.depthwiseConv2d(x, f, s, 'same'),
              tf.fused.depthwiseConv2d({ x, filter: f, strides: s, pad: 'same', bias: dBias, activation }),
            ];
          }),
        ),
      );
      ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'].forEach((name, i) => expect(record(name, maxRelDiff(wasm[i], cpu[i])), `${name} ${JSON.stringify(g)}`).toBeLessThan(1e-5));
    }
  });

  it('depthwise conv gradients (filter and input) equal the cpu kernels (random geometry)', async () => {
    for (const c of fc.sample(depthwiseGeometry, { seed: 13, numRuns: 30 })) {
      const [wasm, cpu] = await both(() =>
        read(
          tf.tidy(() => {
            const x = tf.randomNormal([c.batch, c.h, c.w, c.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
            const f = tf.randomNormal([c.kh, c.kw, c.cin, c.mult], 0, 1, 'float32', 2) as tf.Tensor4D;
            const s: [number, number] = [c.sh, c.sw];
            const dy = tf.randomNormal(tf.depthwiseConv2d(x, f, s, c.pad).shape, 0, 1, 'float32', 3);
            const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, c.pad), dy)))([x, f]);
            return [df, dx];
          }),
        ),
      );
      expect(record('DepthwiseConv2dNativeBackpropFilter', maxRelDiff(wasm[0], cpu[0])), JSON.stringify(c)).toBeLessThan(1e-5);
      expect(record('DepthwiseConv2dNativeBackpropInput', maxRelDiff(wasm[1], cpu[1])), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it('with dilations, they equal the cpu kernels on the zero-inserted filter', async () => {
    const cases = fc.sample(fc.record({ g: depthwiseGeometry, d: fc.integer({ min: 2, max: 3 }), h: fc.integer({ min: 7, max: 10 }) }), { seed: 29, numRuns: 12 });
    for (const { g, d, h } of cases) {
      const attrs = { strides: 1, pad: g.pad, dilations: d };
      const x = () => tf.randomNormal([g.batch, h, h, g.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
      const f = () => tf.randomNormal([g.kh, g.kw, g.cin, g.mult], 0, 1, 'float32', 2) as tf.Tensor4D;
      const wasm = await on('wasm', () => {
        const before = tf.memory().numTensors;
        const out = read(
          tf.tidy(() => {
            const [xs, fs] = [x(), f()];
            const dy = tf.randomNormal(tf.depthwiseConv2d(xs, fs, 1, g.pad, 'NHWC', d).shape, 0, 1, 'float32', 3);
            const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xs, dy }, { ...attrs, filterShape: fs.shape }) as tf.Tensor;
            const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: fs }, { ...attrs, inputShape: xs.shape }) as tf.Tensor;
            return [df, dx];
          }),
        );
        expect(tf.memory().numTensors).toBe(before);
        return out;
      });
      const cpu = await on('cpu', () =>
        read(
          tf.tidy(() => {
            const [xs, fd] = [x(), dilateFilter(f(), d)];
            const dy = tf.randomNormal(tf.depthwiseConv2d(xs, fd, 1, g.pad).shape, 0, 1, 'float32', 3);
            const [dx, dfd] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, g.pad), dy)))([xs, fd]);
            const taps = tf.buffer([g.kh, g.kw, g.cin, g.mult]);
            const full = dfd.arraySync() as number[][][][];
            for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) for (let a = 0; a < g.cin; a++) for (let b = 0; b < g.mult; b++) taps.set(full[i * d][j * d][a][b], i, j, a, b);
            return [taps.toTensor(), dx];
          }),
        ),
      );
      expect(record('DepthwiseConv2dNativeBackpropFilter (dilated)', maxRelDiff(wasm[0], cpu[0]))).toBeLessThan(1e-5);
      expect(record('DepthwiseConv2dNativeBackpropInput (dilated)', maxRelDiff(wasm[1], cpu[1]))).toBeLessThan(1e-5);
    }
  });

  it("Conv2DBackpropInput (conv2dTranspose), Conv3D and privkit's Conv3D gradients equal cpu's", async () => {
    const cases = fc.sample(
      fc.record({ batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 3, max: 6 }), cin: fc.integer({ min: 1, max: 3 }), cout: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), pad: fc.constantFrom<'same' | 'valid'>('same', 'valid') }),
      { seed: 31, numRuns: 10 },
    );
    for (const c of cases) {
      const [wasm, cpu] = await both(() =>
        read(
          tf.tidy(() => {
            const x2 = tf.randomNormal([c.batch, c.n, c.n, c.cin], 0, 1, 'float32', 4) as tf.Tensor4D;
            const f2 = tf.randomNormal([c.k, c.k, c.cout, c.cin], 0, 1, 'float32', 5) as tf.Tensor4D;
            const outN = c.pad === 'same' ? c.n * c.s : (c.n - 1) * c.s + c.k;
            const t = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [c.batch, outN, outN, c.cout], c.s, c.pad);
            const dy2 = tf.randomNormal(t(x2, f2).shape, 0, 1, 'float32', 6);
            const x3 = tf.randomNormal([c.batch, c.n, c.n, c.n, c.cin], 0, 1, 'float32', 7) as tf.Tensor5D;
            const f3 = tf.randomNormal([c.k, c.k, c.k, c.cin, c.cout], 0, 1, 'float32', 8) as tf.Tensor5D;
            const v = (a: tf.Tensor, b: tf.Tensor) => tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.pad);
            const dy3 = tf.randomNormal(v(x3, f3).shape, 0, 1, 'float32', 9);
            return [
              t(x2, f2),
              ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(t(a, b), dy2)))([x2, f2]),
              v(x3, f3),
              ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(v(a, b), dy3)))([x3, f3]),
            ];
          }),
        ),
      );
      ['Conv2DBackpropInput', 'Conv2DTranspose dx (Conv2D)', 'Conv2DTranspose dW (Conv2DBackpropFilter)', 'Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'].forEach((name, i) =>
        expect(record(name, maxRelDiff(wasm[i], cpu[i])), `${name} ${JSON.stringify(c)}`).toBeLessThan(1e-5),
      );
    }
  });

  it('the Conv3D gradients composed from wasm kernels (where no cpu backend is registered) equal cpu', async () => {
    const cases = fc.sample(
      fc.record({ batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 3, max: 6 }), cin: fc.integer({ min: 1, max: 3 }), cout: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), pad: fc.constantFrom<'same' | 'valid'>('same', 'valid') }),
      { seed: 37, numRuns: 12 },
    );
    for (const c of cases) {
      const inputs = () => {
        const x = tf.randomNormal([c.batch, c.n, c.n + 1, c.n, c.cin], 0, 1, 'float32', 7) as tf.Tensor5D;
        const f = tf.randomNormal([c.k, c.k, c.k, c.cin, c.cout], 0, 1, 'float32', 8) as tf.Tensor5D;
        return { x, f, dy: tf.randomNormal(tf.conv3d(x, f, c.s, c.pad).shape, 0, 1, 'float32', 9) };
      };
      const wasm = await on('wasm', () => {
        const before = tf.memory().numTensors;
        const out = read(
          tf.tidy(() => {
            const { x, f, dy } = inputs();
            const backend = tf.backend();
            const dw = composedConv3DBackpropFilterV2({ inputs: { x, dy }, backend, attrs: { strides: c.s, pad: c.pad, filterShape: f.shape } });
            const dx = composedConv3DBackpropInputV2({ inputs: { dy, filter: f }, backend, attrs: { strides: c.s, pad: c.pad, inputShape: x.shape } });
            return [tf.engine().makeTensorFromTensorInfo(dw), tf.engine().makeTensorFromTensorInfo(dx)];
          }),
        );
        expect(tf.memory().numTensors).toBe(before);
        return out;
      });
      const cpu = await on('cpu', () =>
        read(
          tf.tidy(() => {
            const { x, f, dy } = inputs();
            const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.pad), dy)))([x, f]);
            return [dw, dx];
          }),
        ),
      );
      expect(record('Conv3DBackpropFilterV2 (composed)', maxRelDiff(wasm[0], cpu[0])), JSON.stringify(c)).toBeLessThan(1e-5);
      expect(record('Conv3DBackpropInputV2 (composed)', maxRelDiff(wasm[1], cpu[1])), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const models: Record<string, () => tf.Sequential> = {
    DepthwiseConv2D: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [7, 7, 2], kernelInitializer: init(1) }),
          tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
    SeparableConv2D: () =>
      tf.sequential({
        layers: [
          tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, inputShape: [7, 7, 2], activation: 'relu', depthwiseInitializer: init(1), pointwiseInitializer: init(2) }),
          tf.layers.separableConv2d({ filters: 3, kernelSize: 2, strides: 2, padding: 'same', depthwiseInitializer: init(3), pointwiseInitializer: init(4) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(5) }),
        ],
      }),
    Conv2DTranspose: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [5, 5, 2], kernelInitializer: init(1) }),
          tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
    "Conv2D (3×1 filter, strides 2, 'same')": () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 3, kernelSize: [3, 1], strides: 2, padding: 'same', inputShape: [5, 6, 2], activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.conv2d({ filters: 2, kernelSize: [1, 2], strides: [3, 1], padding: 'same', kernelInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
    Conv3D: () =>
      tf.sequential({
        layers: [
          tf.layers.conv3d({ filters: 3, kernelSize: 2, inputShape: [5, 5, 5, 2], activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.conv3d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init(2) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      }),
  };

  it.each(Object.keys(models))('a plain tfjs fit of a %s model on wasm equals cpu', async (kind) => {
    const [wasm, cpu] = await both(async () => {
      const model = models[kind]();
      const optimizer = tf.train.sgd(0.5);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const x = tf.randomNormal([6, ...(model.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 11);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2], 'int32'), 3));
      await model.fit(x, y, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
      return weights;
    });
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((w, i) => expect(record(`fit ${kind}`, maxRelDiff(w, cpu[i])), `weight ${i}`).toBeLessThan(1e-4));
  });
});
