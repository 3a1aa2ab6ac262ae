/**
 * The brute-force definition of per-example clipping, for tests: for each example alone,
 * tf.variableGrads of its loss with respect to every trainable weight, in float64 from there on.
 * Supports flat and per-layer bounds and Embedding padding rows (zeroed in each example's gradient,
 * as PyTorch's `padding_idx` does).
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { perExampleLoss, type LossSpec } from '../../src/kernels/perExampleLoss.js';
import { clippedGradients, type ClippedGradients } from '../../src/kernels/clippedGradients.js';
import { makePrivate } from '../../src/makePrivate.js';

export interface BruteForceOptions {
  readonly loss: LossSpec;
  /** A flat C, or per-layer bounds (one per layer with trainable weights). */
  readonly maxGradNorm: number | readonly number[];
  /** Padding rows to zero in each example's gradient: index in `model.trainableWeights` → row. */
  readonly paddingRows?: ReadonlyMap<number, number>;
}

export interface BruteForce {
  /** ‖∇θ L_i‖ (padding rows zeroed). */
  readonly norms: number[];
  /** ‖∇_l L_i‖: [i][l]. */
  readonly layerNorms: number[][];
  /** Clip factors: [i] (flat) or [i][l] (per-layer). */
  readonly factors: number[] | number[][];
  /** Σ_i clip(∇θ L_i), one array per trainable weight. */
  readonly sums: Float64Array[];
}

/** For each entry of `model.trainableWeights`, the index of its layer among the layers with trainable weights. */
export function layerOfWeight(model: tf.LayersModel): number[] {
  const out: number[] = [];
  model.layers
    .filter((l) => l.getClassName() !== 'InputLayer' && l.trainable && l.trainableWeights.length > 0)
    .forEach((l, i) => l.trainableWeights.forEach(() => out.push(i)));
  return out;
}

export function bruteForce(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: BruteForceOptions): BruteForce {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const layerOf = layerOfWeight(model);
  const layers = layerOf.length === 0 ? 0 : layerOf[layerOf.length - 1] + 1;
  const lossFn = perExampleLoss(options.loss);
  const perLayer = typeof options.maxGradNorm !== 'number';
  const sums = vars.map((v) => new Float64Array(v.size));
  const norms: number[] = [];
  const layerNorms: number[][] = [];
  const factors: (number | number[])[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const xi = tf.slice(x, [i], [1]);
    const yi = tf.slice(y, [i], [1]);
    const { value, grads } = tf.variableGrads(() => tf.sum(lossFn(yi, model.apply(xi, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    const flat = vars.map((v) => Float64Array.from(grads[v.name].dataSync()));
    for (const [j, row] of options.paddingRows ?? []) {
      const width = vars[j].shape[1] as number;
      flat[j].fill(0, row * width, (row + 1) * width);
    }
    const sq = new Array<number>(layers).fill(0);
    flat.forEach((a, j) => a.forEach((z) => (sq[layerOf[j]] += z * z)));
    const ln = sq.map(Math.sqrt);
    const norm = Math.sqrt(sq.reduce((s, v) => s + v, 0));
    if (perLayer) {
      const bounds = options.maxGradNorm as readonly number[];
      const c = ln.map((n, l) => Math.min(1, bounds[l] / (n + 1e-6)));
      flat.forEach((a, j) => a.forEach((z, k) => (sums[j][k] += c[layerOf[j]] * z)));
      factors.push(c);
    } else {
      const c = Math.min(1, (options.maxGradNorm as number) / (norm + 1e-6));
      flat.forEach((a, j) => a.forEach((z, k) => (sums[j][k] += c * z)));
      factors.push(c);
    }
    norms.push(norm);
    layerNorms.push(ln);
    tf.dispose([xi, yi, value, ...Object.values(grads)]);
  }
  return { norms, layerNorms, factors: factors as number[] | number[][], sums };
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
}

/** Asserts that a clipping pass agrees with the brute force to `tol` (relative; sums relative to their largest entry). */
export function expectAgreement(out: ClippedGradients, ref: BruteForce, model: tf.LayersModel, tol = 1e-4): void {
  const norms = out.perExampleNorms.dataSync();
  ref.norms.forEach((n, i) => expect(relErr(norms[i], n)).toBeLessThan(tol));
  if (out.perLayerNorms !== undefined) {
    const got = out.perLayerNorms.arraySync();
    ref.layerNorms.forEach((row, i) => row.forEach((n, l) => expect(relErr(got[i][l], n)).toBeLessThan(tol)));
  }
  const factors = out.clipFactors.arraySync() as number[] | number[][];
  expect(factors).toHaveLength(ref.factors.length);
  ref.factors.forEach((c, i) => {
    if (typeof c === 'number') expect(relErr(factors[i] as number, c)).toBeLessThan(tol);
    else c.forEach((cl, l) => expect(relErr((factors[i] as number[])[l], cl)).toBeLessThan(tol));
  });
  expect(out.grads).toHaveLength(ref.sums.length);
  out.grads.forEach((g, j) => {
    expect(g.shape).toEqual(model.trainableWeights[j].shape);
    const got = g.dataSync();
    const scale = Math.max(...Array.from(ref.sums[j], Math.abs), 1e-6);
    ref.sums[j].forEach((v, k) => expect(Math.abs(got[k] - v) / scale).toBeLessThan(tol));
  });
}

/** Disposes every tensor of a clipping pass. */
export function disposeClipped(out: ClippedGradients): void {
  tf.dispose([out.perExampleNorms, out.clipFactors, out.losses, ...out.grads, ...(out.perLayerNorms === undefined ? [] : [out.perLayerNorms])]);
}

/** ‖a − b‖₂ over all tensors of two gradient lists. */
export function distance(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  let sq = 0;
  a.forEach((g, j) => {
    const u = g.dataSync();
    const v = b[j].dataSync();
    u.forEach((z, k) => (sq += (z - v[k]) ** 2));
  });
  return Math.sqrt(sq);
}

/** `run` once (warm-up), then `repeats` times: the live tensor count must not change. */
export function expectNoLeak(run: () => void, repeats: number): void {
  run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) run();
  expect(tf.memory().numTensors).toBe(before);
}

/** Three DP-SGD steps at σ = 0 (SGD, lr 0.2, C = 1, categorical cross-entropy) lower the loss on (x, y). */
export function expectDpStepsLearn(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): void {
  const lossOf = () => tf.tidy(() => tf.metrics.categoricalCrossentropy(y, model.predict(x) as tf.Tensor).mean().dataSync()[0]);
  const priv = makePrivate({ model, optimizer: tf.train.sgd(0.2), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 0, sampleRate: 0.5, datasetSize: 16 });
  const start = lossOf();
  for (let i = 0; i < 3; i++) priv.step(x, y);
  expect(lossOf()).toBeLessThan(start);
}

/** The largest relative difference of the per-example norms and clipped sums from the brute force. */
export function maxRelativeDifference(out: ClippedGradients, ref: BruteForce): number {
  const norms = out.perExampleNorms.dataSync();
  let m = 0;
  ref.norms.forEach((n, i) => (m = Math.max(m, Math.abs(norms[i] - n) / Math.max(n, 1e-6))));
  out.grads.forEach((g, j) => {
    const got = g.dataSync();
    const scale = Math.max(...Array.from(ref.sums[j], Math.abs), 1e-6);
    ref.sums[j].forEach((v, k) => (m = Math.max(m, Math.abs(got[k] - v) / scale)));
  });
  return m;
}

/**
 * Checks privkit against the brute force (categorical cross-entropy) with flat clipping at the median
 * brute-force norm (some examples clipped, some not) and per-layer clipping at 0.5× / 2× the layer
 * maxima; returns the largest relative difference seen.
 */
export function expectAgreementFlatAndPerLayer(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, extra: { allowSlowLayers?: boolean } = {}): number {
  const loss = 'categoricalCrossentropy' as const;
  const free = bruteForce(model, x, y, { loss, maxGradNorm: Infinity });
  const sorted = [...free.norms].sort((a, b) => a - b);
  const c = sorted[Math.floor(sorted.length / 2)];
  expect(c).toBeGreaterThan(0);
  const flat = clippedGradients(model, x, y, { loss, maxGradNorm: c, ...extra });
  const refFlat = bruteForce(model, x, y, { loss, maxGradNorm: c });
  expectAgreement(flat, refFlat, model);
  let worst = maxRelativeDifference(flat, refFlat);
  disposeClipped(flat);
  const layers = Math.max(...layerOfWeight(model)) + 1;
  const bounds = Array.from({ length: layers }, (_, l) => Math.max(...free.layerNorms.map((r) => r[l])) * (l % 2 === 0 ? 0.5 : 2));
  const per = clippedGradients(model, x, y, { loss, maxGradNorm: bounds, clipping: 'per-layer', ...extra });
  const refPer = bruteForce(model, x, y, { loss, maxGradNorm: bounds });
  expectAgreement(per, refPer, model);
  worst = Math.max(worst, maxRelativeDifference(per, refPer));
  disposeClipped(per);
  return worst;
}
