/**
 * DepthwiseConv2D (channels-last). A depthwise convolution convolves each input channel c with its own
 * M = `depthMultiplier` filters: z_{t,(c,m)} = Σ_k u_{t,k,c}·W_{k,c,m}, where u_{t,·,c} is the k_h·k_w
 * patch of channel c at output position t. So for each channel it is the position-wise linear map of
 * `positionwiseLinear.ts` with D = k_h·k_w and P = M, and the per-example kernel gradient is
 * ∇W_i[k, c, m] = Σ_t u_{i,t,k,c}·g_{i,t,(c,m)} — a per-channel Conv2DBackpropFilter of example i
 * (Goodfellow 2015, "Efficient per-example gradient computations", for the outer-product form;
 * Rochette, Manoel & Tramel 2019, "Efficient per-example gradient computations in convolutional
 * neural networks", §3, for convolutions; Opacus `grad_sample/conv.py`, which unfolds patches and
 * treats `groups = C_in` the same way). The per-example gradient [B, k_h·k_w, C, M] is as small as
 * the input times k_h·k_w·M/(H·W), so it is materialised (the ghost form would cost T² per channel);
 * the clipped sum is one batched matmul over all B·T rows with g scaled by c_i (book-keeping, Bu et al.
 * 2023, arXiv 2210.00038). Bias: ∇b_i = Σ_t g_it.
 *
 * Patches come from a depthwise convolution with a one-hot kernel [k_h, k_w, C, k_h·k_w] (each of the
 * k_h·k_w multipliers copies one tap of its channel), so they share the layer's own SAME/VALID
 * arithmetic. tfjs' DepthwiseConv2D layer ignores `dilationRate` (its `call` passes no dilation and its
 * output shape is computed without it), so the rule does the same: it computes what the layer
 * computes. channelsFirst and 'causal' padding are refused.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { ConvolutionGeometryInternals, LayerWeight } from './layerInternals.js';

interface DepthwiseInternals extends ConvolutionGeometryInternals {
  depthwiseKernel: LayerWeight;
}

/** A depthwise geometry: kernel, strides and padding (dilation 1). */
export interface DepthwiseGeometry {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly padding: 'valid' | 'same';
}

function internals(layer: AnyLayer): DepthwiseInternals {
  const c = layer as unknown as DepthwiseInternals;
  if (c.dataFormat !== 'channelsLast') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}": only channelsLast depthwise convolutions are supported; got ${c.dataFormat}.`, { layer: layer.name });
  }
  if (c.padding !== 'same' && c.padding !== 'valid') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" has padding "${c.padding}"; depthwise convolutions support 'same' and 'valid'.`, { layer: layer.name });
  }
  return c;
}

function geometry(layer: AnyLayer): DepthwiseGeometry {
  const c = internals(layer);
  return { kh: c.kernelSize[0], kw: c.kernelSize[1] ?? c.kernelSize[0], sh: c.strides[0], sw: c.strides[1] ?? c.strides[0], padding: c.padding as 'valid' | 'same' };
}

/** Output size along one axis (TensorFlow's SAME/VALID arithmetic, dilation 1). */
export function outputLength(n: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Patches already extracted for an input, per geometry owner (norms and clipped sums use the same ones). */
const patchCache = new WeakMap<tf.Tensor, { owner: AnyLayer; patches: tf.Tensor4D }>();

/**
 * Per-channel patches of x [B, H, W, C]: [B, T, C, k_h·k_w], taps in (row, column) order, as a
 * depthwise convolution with a one-hot kernel. Cached per (x, owner) for the pass.
 */
export function depthwisePatches(owner: AnyLayer, x: tf.Tensor4D, g: DepthwiseGeometry): tf.Tensor4D {
  const cached = patchCache.get(x);
  if (cached !== undefined && cached.owner === owner && !cached.patches.isDisposed) return cached.patches;
  const [b, , , c] = x.shape;
  const taps = g.kh * g.kw;
  const oneHot = tf.tile(tf.reshape(tf.eye(taps), [g.kh, g.kw, 1, taps]), [1, 1, c, 1]) as tf.Tensor4D;
  const cols = tf.depthwiseConv2d(x, oneHot, [g.sh, g.sw], g.padding, 'NHWC');
  const out = tf.reshape(cols, [b, -1, c, taps]) as tf.Tensor4D;
  patchCache.set(x, { owner, patches: out });
  return out;
}

/**
 * Per-example squared norms of a depthwise kernel's gradient, u: [B, T, C, K] patches, g: [B, T, C, M]
 * (the gradient at the depthwise output, channel c·M + m split into (c, m)): Σ_{k,c,m} (Σ_t u·g)².
 */
export function depthwiseKernelNormsSquared(u: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor1D {
  const [b, t, c, k] = u.shape;
  const m = g.shape[3];
  const uT = tf.reshape(tf.transpose(u, [0, 2, 3, 1]), [b * c, k, t]) as tf.Tensor3D;
  const gT = tf.reshape(tf.transpose(g, [0, 2, 1, 3]), [b * c, t, m]) as tf.Tensor3D;
  return tf.sum(tf.reshape(tf.square(tf.matMul(uT, gT)), [b, -1]), 1) as tf.Tensor1D;
}

/** Σ_i c_i ∇W_i of a depthwise kernel as [k_h, k_w, C, M] (u, g as in {@link depthwiseKernelNormsSquared}). */
export function depthwiseKernelClippedSum(u: tf.Tensor4D, g: tf.Tensor4D, factors: tf.Tensor1D, kh: number, kw: number): tf.Tensor4D {
  const [b, t, c, k] = u.shape;
  const m = g.shape[3];
  const uT = tf.reshape(tf.transpose(u, [2, 3, 0, 1]), [c, k, b * t]) as tf.Tensor3D;
  const gc = tf.mul(g, tf.reshape(factors, [b, 1, 1, 1]));
  const gT = tf.reshape(tf.transpose(gc, [2, 0, 1, 3]), [c, b * t, m]) as tf.Tensor3D;
  return tf.transpose(tf.reshape(tf.matMul(uT, gT), [c, kh, kw, m]), [1, 2, 0, 3]) as tf.Tensor4D;
}

export const depthwiseConvolutionRule: LayerRule = {
  forward(layer, input, probe) {
    const c = internals(layer);
    const g = geometry(layer);
    let z: tf.Tensor = tf.depthwiseConv2d(input as tf.Tensor4D, c.depthwiseKernel.read() as tf.Tensor4D, [g.sh, g.sw], g.padding, 'NHWC');
    if (c.useBias && c.bias !== null) z = tf.add(z, c.bias.read());
    if (probe !== null) z = tf.add(z, probe);
    return c.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    const g = geometry(layer);
    const m = internals(layer).depthwiseKernel.read().shape[3] as number;
    return [inputShape[0], outputLength(inputShape[1], g.kh, g.sh, g.padding), outputLength(inputShape[2], g.kw, g.sw, g.padding), inputShape[3] * m];
  },

  normsSquared(layer, a, grad) {
    const c = internals(layer);
    const u = depthwisePatches(layer, a as tf.Tensor4D, geometry(layer));
    const [b, t, ch] = u.shape;
    const w = depthwiseKernelNormsSquared(u, tf.reshape(grad, [b, t, ch, -1]) as tf.Tensor4D);
    return c.useBias ? (tf.add(w, tf.sum(tf.square(tf.sum(tf.reshape(grad, [b, t, -1]), 1)), 1)) as tf.Tensor1D) : w;
  },

  clippedSum(layer, a, grad, factors) {
    const c = internals(layer);
    const g = geometry(layer);
    const u = depthwisePatches(layer, a as tf.Tensor4D, g);
    const [b, t, ch] = u.shape;
    const out: tf.Tensor[] = [depthwiseKernelClippedSum(u, tf.reshape(grad, [b, t, ch, -1]) as tf.Tensor4D, factors, g.kh, g.kw)];
    if (c.useBias) out.push(tf.sum(tf.mul(tf.reshape(grad, [b, t, -1]), tf.reshape(factors, [b, 1, 1])), [0, 1]));
    return out;
  },
};
