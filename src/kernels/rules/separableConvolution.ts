/**
 * SeparableConv2D (channels-last): a depthwise convolution with kernel D [k_h, k_w, C, M], then a
 * pointwise (1×1) convolution with kernel P [1, 1, C·M, F], then bias and activation — tfjs'
 * `separableConv2d` is exactly these two ops. With the probe on the final pre-activation z, one backward
 * pass gives g = ∂L/∂z [B, T, F]; both kernels' per-example gradients follow exactly from it:
 * - pointwise: a position-wise linear map of the depthwise output h (recomputed from the layer input),
 *   ∇P_i = H_iᵀG_i, ∇b_i = Σ_t g_it (`positionwiseLinear.ts`: ghost norm or materialised, book-keeping
 *   clipped sum);
 * - depthwise: the gradient at h is g·Pᵀ (the pointwise map is linear, so this is exact for every
 *   example), then the per-channel rule of `depthwiseConvolution.ts`.
 * Sources: Goodfellow 2015; Rochette, Manoel & Tramel 2019, "Efficient per-example gradient computations
 * in convolutional neural networks"; Opacus `grad_sample/conv.py` (grouped convolutions). The layer's
 * squared norm is the sum over its three weights (one layer, one bound, with per-layer clipping).
 * Dilated separable convolutions are refused: tfjs has no gradient for a dilated depthwise convolution,
 * so such a layer cannot be trained on any backend. channelsFirst is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { ConvolutionGeometryInternals, LayerWeight } from './layerInternals.js';
import { depthwiseKernelClippedSum, depthwiseKernelNormsSquared, depthwisePatches, outputLength, type DepthwiseGeometry } from './depthwiseConvolution.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface SeparableInternals extends ConvolutionGeometryInternals {
  depthwiseKernel: LayerWeight;
  pointwiseKernel: LayerWeight;
  filters: number;
  dilationRate: number[];
}

function internals(layer: AnyLayer): SeparableInternals {
  const c = layer as unknown as SeparableInternals;
  if (c.dataFormat !== 'channelsLast') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}": only channelsLast separable convolutions are supported; got ${c.dataFormat}.`, { layer: layer.name });
  }
  if (c.dilationRate.some((d) => d !== 1)) {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}" has dilationRate ${c.dilationRate.join('×')}; tfjs has no gradient for dilated depthwise convolutions.`, {
      layer: layer.name,
    });
  }
  return c;
}

function geometry(layer: AnyLayer): DepthwiseGeometry {
  const c = internals(layer);
  return { kh: c.kernelSize[0], kw: c.kernelSize[1] ?? c.kernelSize[0], sh: c.strides[0], sw: c.strides[1] ?? c.strides[0], padding: c.padding as 'valid' | 'same' };
}

/** Depthwise outputs already computed for a layer input: [B, T, C·M]. */
const hiddenCache = new WeakMap<tf.Tensor, { owner: AnyLayer; h: tf.Tensor3D }>();

function hidden(layer: AnyLayer, a: tf.Tensor4D): tf.Tensor3D {
  const cached = hiddenCache.get(a);
  if (cached !== undefined && cached.owner === layer && !cached.h.isDisposed) return cached.h;
  const g = geometry(layer);
  const d = tf.depthwiseConv2d(a, internals(layer).depthwiseKernel.read() as tf.Tensor4D, [g.sh, g.sw], g.padding, 'NHWC');
  const h = tf.reshape(d, [a.shape[0], -1, d.shape[3]]) as tf.Tensor3D;
  hiddenCache.set(a, { owner: layer, h });
  return h;
}

/** The gradient at the depthwise output, g·Pᵀ, as [B, T, C, M]. */
function depthwiseGrad(layer: AnyLayer, g: tf.Tensor3D): tf.Tensor4D {
  const dk = internals(layer).depthwiseKernel.read();
  const [, , c, m] = dk.shape;
  const p = tf.reshape(internals(layer).pointwiseKernel.read(), [c * m, -1]) as tf.Tensor2D;
  const [b, t, f] = g.shape;
  // An explicit transpose: wasm runs matMul(…, transposeB) through a slow generic loop (positionwiseLinear.ts).
  return tf.reshape(tf.matMul(tf.reshape(g, [b * t, f]) as tf.Tensor2D, tf.transpose(p)), [b, t, c, m]) as tf.Tensor4D;
}

export const separableConvolutionRule: LayerRule = {
  forward(layer, input, probe) {
    const c = internals(layer);
    const g = geometry(layer);
    let z: tf.Tensor = tf.separableConv2d(input as tf.Tensor4D, c.depthwiseKernel.read() as tf.Tensor4D, c.pointwiseKernel.read() as tf.Tensor4D, [g.sh, g.sw], g.padding, [1, 1], 'NHWC');
    if (c.useBias && c.bias !== null) z = tf.add(z, c.bias.read());
    if (probe !== null) z = tf.add(z, probe);
    return c.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    const g = geometry(layer);
    return [inputShape[0], outputLength(inputShape[1], g.kh, g.sh, g.padding), outputLength(inputShape[2], g.kw, g.sw, g.padding), internals(layer).filters];
  },

  normsSquared(layer, a, grad) {
    const c = internals(layer);
    const x = a as tf.Tensor4D;
    const h = hidden(layer, x);
    const g3 = tf.reshape(grad, [grad.shape[0], h.shape[1], c.filters]) as tf.Tensor3D;
    const pointwise = positionwiseNormsSquared(h, g3, c.useBias);
    const depthwise = depthwiseKernelNormsSquared(depthwisePatches(layer, x, geometry(layer)), depthwiseGrad(layer, g3));
    return tf.add(pointwise, depthwise) as tf.Tensor1D;
  },

  clippedSum(layer, a, grad, factors) {
    const c = internals(layer);
    const g = geometry(layer);
    const x = a as tf.Tensor4D;
    const h = hidden(layer, x);
    const g3 = tf.reshape(grad, [grad.shape[0], h.shape[1], c.filters]) as tf.Tensor3D;
    const [p, ...bias] = positionwiseClippedSum(h, g3, factors, c.useBias);
    const d = depthwiseKernelClippedSum(depthwisePatches(layer, x, g), depthwiseGrad(layer, g3), factors, g.kh, g.kw);
    return [d, tf.reshape(p, c.pointwiseKernel.read().shape), ...bias];
  },
};
