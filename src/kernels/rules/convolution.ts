/**
 * Conv2D and Conv1D (channels-last). With U_i = im2col(a_i) (T × k_h·k_w·C_in, T = H_out·W_out output
 * positions) a convolution is the position-wise linear map z_it = u_itᵀW, W = kernel reshaped to
 * [k_h·k_w·C_in, C_out], so the ghost-norm and book-keeping algebra of `positionwiseLinear.ts` applies
 * (Bu, Mao & Zha 2022, §3). Patches come from a convolution with a one-hot kernel; a 1-D convolution is
 * a 2-D one of height 1, and "causal" padding pads k − 1 on the left (tfjs' own Conv1D layer cannot run
 * causal padding yet, so such models are rare). Dilated convolutions are refused: tfjs has no gradient
 * for them.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { ConvolutionGeometryInternals, LayerWeight } from './layerInternals.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface ConvInternals extends ConvolutionGeometryInternals {
  kernel: LayerWeight;
  filters: number;
  dilationRate: number[];
  padding: 'valid' | 'same' | 'causal';
  rank: number;
}

/** The layer's geometry as a 2-D convolution. */
interface Geometry {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly padding: 'valid' | 'same' | 'causal';
  readonly filters: number;
}

function geometry(layer: AnyLayer): Geometry {
  const c = layer as unknown as ConvInternals;
  if (c.dataFormat !== 'channelsLast') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}": only channelsLast convolutions are supported; got ${c.dataFormat}.`);
  }
  const two = (v: number[]): [number, number] => (c.rank === 1 ? [1, v[0]] : [v[0], v[1] ?? v[0]]);
  const [kh, kw] = two(c.kernelSize);
  const [sh, sw] = two(c.strides);
  const [dh, dw] = two(c.dilationRate);
  if (dh !== 1 || dw !== 1) {
    // tfjs' conv gradients reject dilations > 1, so such a layer cannot be trained on any backend.
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" has dilationRate ${c.dilationRate.join('×')}; tfjs has no gradient for dilated convolutions.`, {
      layer: layer.name,
    });
  }
  return { kh, kw, sh, sw, dh, dw, padding: c.padding, filters: c.filters };
}

/** Input as [B, H, W, C] (1-D inputs get H = 1). */
function as4d(layer: AnyLayer, x: tf.Tensor): tf.Tensor4D {
  return ((layer as unknown as ConvInternals).rank === 1 ? tf.expandDims(x, 1) : x) as tf.Tensor4D;
}

/** Output size along one axis and the padding before it (TensorFlow's SAME/VALID arithmetic). */
function axis(n: number, k: number, s: number, d: number, padding: Geometry['padding']): { out: number; before: number; after: number } {
  const span = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.floor((n - span) / s) + 1, before: 0, after: 0 };
  if (padding === 'causal') return { out: Math.floor((n + span - 1 - span) / s) + 1, before: span - 1, after: 0 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + span - n, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** Patches already extracted for a layer input (norms and clipped sums use the same ones). */
const patchCache = new WeakMap<tf.Tensor, tf.Tensor3D>();

/**
 * im2col: [B, H_out·W_out, k_h·k_w·C], taps in the kernel's (row, column, channel) order, as a
 * convolution with a one-hot kernel [k_h, k_w, C, k_h·k_w·C] (each output channel copies one tap):
 * it runs on the backend's fast conv kernel, where strided slices fall back to a slow path on wasm.
 */
function patches(layer: AnyLayer, a: tf.Tensor): tf.Tensor3D {
  const cached = patchCache.get(a);
  if (cached !== undefined && !cached.isDisposed) return cached;
  const g = geometry(layer);
  let x = as4d(layer, a);
  const [b, , , cin] = x.shape;
  const depth = g.kh * g.kw * cin;
  const oneHot = tf.reshape(tf.eye(depth), [g.kh, g.kw, cin, depth]) as tf.Tensor4D;
  if (g.padding === 'causal') x = tf.pad(x, [[0, 0], [0, 0], [g.kw - 1, 0], [0, 0]]);
  const cols = tf.conv2d(x, oneHot, [g.sh, g.sw], g.padding === 'causal' ? 'valid' : g.padding, 'NHWC');
  const out = tf.reshape(cols, [b, -1, depth]) as tf.Tensor3D;
  patchCache.set(a, out);
  return out;
}

export const convolutionRule: LayerRule = {
  forward(layer, input, probe) {
    const c = layer as unknown as ConvInternals;
    const g = geometry(layer);
    const kernel = c.kernel.read();
    let z: tf.Tensor;
    if (c.rank === 1) {
      const x = g.padding === 'causal' ? tf.pad(input, [[0, 0], [(g.kw - 1) * g.dw, 0], [0, 0]]) : input;
      z = tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, g.sw, g.padding === 'causal' ? 'valid' : g.padding, 'NWC', g.dw);
    } else {
      z = tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, [g.sh, g.sw], g.padding as 'valid' | 'same', 'NHWC', [g.dh, g.dw]);
    }
    if (c.useBias && c.bias !== null) z = tf.add(z, c.bias.read());
    if (probe !== null) z = tf.add(z, probe);
    return c.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    const g = geometry(layer);
    const c = layer as unknown as ConvInternals;
    if (c.rank === 1) return [inputShape[0], axis(inputShape[1], g.kw, g.sw, g.dw, g.padding).out, g.filters];
    return [inputShape[0], axis(inputShape[1], g.kh, g.sh, g.dh, g.padding).out, axis(inputShape[2], g.kw, g.sw, g.dw, g.padding).out, g.filters];
  },

  normsSquared(layer, a, grad) {
    const c = layer as unknown as ConvInternals;
    const u = patches(layer, a);
    return positionwiseNormsSquared(u, tf.reshape(grad, [grad.shape[0], -1, c.filters]) as tf.Tensor3D, c.useBias);
  },

  clippedSum(layer, a, grad, factors) {
    const c = layer as unknown as ConvInternals;
    const u = patches(layer, a);
    const [w, ...rest] = positionwiseClippedSum(u, tf.reshape(grad, [grad.shape[0], -1, c.filters]) as tf.Tensor3D, factors, c.useBias);
    return [tf.reshape(w, c.kernel.read().shape), ...rest];
  },
};
