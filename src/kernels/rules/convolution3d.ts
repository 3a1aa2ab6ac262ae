/**
 * Conv3D (channels-last). As for Conv2D (`convolution.ts`): with U_i = im2col(a_i) (T × k_d·k_h·k_w·C,
 * T = D_out·H_out·W_out output positions), z_it = u_itᵀW with W the kernel reshaped to
 * [k_d·k_h·k_w·C, F], so the ghost-norm / materialised per-example norms and the book-keeping clipped
 * sum of `positionwiseLinear.ts` apply (Goodfellow 2015; Rochette, Manoel & Tramel 2019, "Efficient
 * per-example gradient computations in convolutional neural networks"; Bu, Mao & Zha 2022, §3; Opacus
 * `grad_sample/conv.py` unfolds 3-D patches the same way). ∇b_i = Σ_t g_it.
 *
 * Patches: tfjs has no depthwise 3-D convolution, so the channels are folded into the batch
 * ([B·C, D, H, W, 1]) and one Conv3D with a one-hot kernel [k_d, k_h, k_w, 1, k_d·k_h·k_w] copies each
 * tap (cost B·C·T·K, where a one-hot kernel over all channels would cost C·K times more); they share
 * the layer's own SAME/VALID arithmetic. Dilated Conv3D is refused (tfjs has no gradient for it, so
 * such a layer cannot be trained on any backend), and so is channelsFirst.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { ConvolutionGeometryInternals, LayerWeight } from './layerInternals.js';
import { outputLength } from './depthwiseConvolution.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface Conv3dInternals extends ConvolutionGeometryInternals {
  kernel: LayerWeight;
  filters: number;
  dilationRate: number[];
}

interface Geometry3d {
  readonly k: [number, number, number];
  readonly s: [number, number, number];
  readonly padding: 'valid' | 'same';
}

const three = (v: number[]): [number, number, number] => [v[0], v[1] ?? v[0], v[2] ?? v[0]];

function internals(layer: AnyLayer): Conv3dInternals {
  const c = layer as unknown as Conv3dInternals;
  if (c.dataFormat !== 'channelsLast') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}": only channelsLast 3-D convolutions are supported; got ${c.dataFormat}.`, { layer: layer.name });
  }
  if (c.dilationRate.some((d) => d !== 1)) {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" has dilationRate ${c.dilationRate.join('×')}; tfjs has no gradient for dilated convolutions.`, { layer: layer.name });
  }
  if (c.padding !== 'same' && c.padding !== 'valid') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" has padding "${c.padding}"; 3-D convolutions support 'same' and 'valid'.`, { layer: layer.name });
  }
  return c;
}

function geometry(layer: AnyLayer): Geometry3d {
  const c = internals(layer);
  return { k: three(c.kernelSize), s: three(c.strides), padding: c.padding as 'valid' | 'same' };
}

/** Patches already extracted for a layer input. */
const patchCache = new WeakMap<tf.Tensor, { owner: AnyLayer; patches: tf.Tensor3D }>();

/** im2col: [B, T, k_d·k_h·k_w·C], taps in the kernel's (depth, row, column, channel) order. */
function patches(layer: AnyLayer, a: tf.Tensor): tf.Tensor3D {
  const cached = patchCache.get(a);
  if (cached !== undefined && cached.owner === layer && !cached.patches.isDisposed) return cached.patches;
  const g = geometry(layer);
  const [b, d, h, w, c] = a.shape as [number, number, number, number, number];
  const taps = g.k[0] * g.k[1] * g.k[2];
  const folded = tf.reshape(tf.transpose(a, [0, 4, 1, 2, 3]), [b * c, d, h, w, 1]) as tf.Tensor5D;
  const oneHot = tf.reshape(tf.eye(taps), [...g.k, 1, taps]) as tf.Tensor5D;
  const cols = tf.conv3d(folded, oneHot, g.s, g.padding, 'NDHWC');
  const out = tf.reshape(tf.transpose(tf.reshape(cols, [b, c, -1, taps]), [0, 2, 3, 1]), [b, -1, taps * c]) as tf.Tensor3D;
  patchCache.set(a, { owner: layer, patches: out });
  return out;
}

export const convolution3dRule: LayerRule = {
  forward(layer, input, probe) {
    const c = internals(layer);
    const g = geometry(layer);
    let z: tf.Tensor = tf.conv3d(input as tf.Tensor5D, c.kernel.read() as tf.Tensor5D, g.s, g.padding, 'NDHWC');
    if (c.useBias && c.bias !== null) z = tf.add(z, c.bias.read());
    if (probe !== null) z = tf.add(z, probe);
    return c.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    const g = geometry(layer);
    return [inputShape[0], ...[0, 1, 2].map((i) => outputLength(inputShape[i + 1], g.k[i], g.s[i], g.padding)), internals(layer).filters];
  },

  normsSquared(layer, a, grad) {
    const c = internals(layer);
    return positionwiseNormsSquared(patches(layer, a), tf.reshape(grad, [grad.shape[0], -1, c.filters]) as tf.Tensor3D, c.useBias);
  },

  clippedSum(layer, a, grad, factors) {
    const c = internals(layer);
    const [w, ...rest] = positionwiseClippedSum(patches(layer, a), tf.reshape(grad, [grad.shape[0], -1, c.filters]) as tf.Tensor3D, factors, c.useBias);
    return [tf.reshape(w, c.kernel.read().shape), ...rest];
  },
};
