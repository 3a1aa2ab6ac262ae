/**
 * Conv2DTranspose (channels-last), a convolution with swapped roles. tfjs' transposed convolution of x
 * [B, H, W, C] with kernel W [k_h, k_w, F, C] is z = A_Wᵀx, where A_W is the Conv2D z ↦ conv2d(z, W)
 * from the output space [B, H_z, W_z, F] back to x's (same strides and padding). So with g = ∂L/∂z,
 * ⟨g, A_Wᵀx⟩ = ⟨A_W g, x⟩ and each example's kernel gradient is the Conv2D filter gradient with g as the
 * input and x as the output gradient: ∇W_i[k, f, c] = Σ_t u_{i,t,(k,f)}·x_{i,t,c}, u = im2col(g_i) at
 * the T = H·W positions of x. That is the position-wise linear algebra of `positionwiseLinear.ts` with
 * U = patches of g and G = x (ghost norm or materialised, book-keeping clipped sum; Bu, Mao & Zha 2022,
 * §3), and ∇b_i = Σ_t g_it over z's positions. Sources: Goodfellow 2015; Rochette, Manoel & Tramel
 * 2019, "Efficient per-example gradient computations in convolutional neural networks"; Opacus
 * `grad_sample/conv.py` (which handles ConvTranspose by the same exchange of input and gradient).
 *
 * Patches of g come per channel from a depthwise convolution with a one-hot kernel
 * (`depthwisePatches`: cost B·T·F·k_h·k_w, where a one-hot Conv2D would cost F² times more), in
 * (channel, tap) order, reordered to the kernel's (row, column, channel) at the end. tfjs'
 * Conv2DTranspose layer passes no dilation to its op (a `dilationRate` is ignored), so the rule
 * computes the same. channelsFirst is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { ConvolutionGeometryInternals, LayerWeight } from './layerInternals.js';
import { depthwisePatches, type DepthwiseGeometry } from './depthwiseConvolution.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface TransposeInternals extends ConvolutionGeometryInternals {
  kernel: LayerWeight;
  filters: number;
}

function internals(layer: AnyLayer): TransposeInternals {
  const c = layer as unknown as TransposeInternals;
  if (c.dataFormat !== 'channelsLast') {
    throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${layer.name}": only channelsLast transposed convolutions are supported; got ${c.dataFormat}.`, { layer: layer.name });
  }
  return c;
}

function geometry(layer: AnyLayer): DepthwiseGeometry {
  const c = internals(layer);
  return { kh: c.kernelSize[0], kw: c.kernelSize[1] ?? c.kernelSize[0], sh: c.strides[0], sw: c.strides[1] ?? c.strides[0], padding: c.padding as 'valid' | 'same' };
}

/** Output length of a transposed convolution along one axis (tfjs-layers' `deconvLength`). */
function deconvLength(n: number, s: number, k: number, padding: 'valid' | 'same'): number {
  return padding === 'valid' ? n * s + Math.max(k - s, 0) : n * s;
}

/** U (patches of g, [B, T, F·k_h·k_w] in (channel, tap) order) and G (x as [B, T, C]). */
function operands(layer: AnyLayer, a: tf.Tensor, grad: tf.Tensor): [tf.Tensor3D, tf.Tensor3D] {
  const u = depthwisePatches(layer, grad as tf.Tensor4D, geometry(layer));
  const [b, t] = u.shape;
  const x = tf.reshape(a, [b, -1, a.shape[3] as number]) as tf.Tensor3D;
  if (x.shape[1] !== t) {
    throw new PrivkitError('INVALID_ARGUMENT', `Layer "${layer.name}": the gradient's patches have ${t} positions and the input ${x.shape[1]}; a transposed convolution's shapes are inconsistent.`);
  }
  return [tf.reshape(u, [b, t, -1]) as tf.Tensor3D, x];
}

export const transposedConvolutionRule: LayerRule = {
  forward(layer, input, probe) {
    const c = internals(layer);
    const g = geometry(layer);
    const [b, h, w] = input.shape;
    const outShape: [number, number, number, number] = [b, deconvLength(h as number, g.sh, g.kh, g.padding), deconvLength(w as number, g.sw, g.kw, g.padding), c.filters];
    let z: tf.Tensor = tf.conv2dTranspose(input as tf.Tensor4D, c.kernel.read() as tf.Tensor4D, outShape, [g.sh, g.sw], g.padding);
    if (c.useBias && c.bias !== null) z = tf.add(z, c.bias.read());
    if (probe !== null) z = tf.add(z, probe);
    return c.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    const g = geometry(layer);
    return [inputShape[0], deconvLength(inputShape[1], g.sh, g.kh, g.padding), deconvLength(inputShape[2], g.sw, g.kw, g.padding), internals(layer).filters];
  },

  normsSquared(layer, a, grad) {
    const c = internals(layer);
    const [u, x] = operands(layer, a, grad);
    const w = positionwiseNormsSquared(u, x, false);
    return c.useBias ? (tf.add(w, tf.sum(tf.square(tf.sum(tf.reshape(grad, [grad.shape[0], -1, c.filters]), 1)), 1)) as tf.Tensor1D) : w;
  },

  clippedSum(layer, a, grad, factors) {
    const c = internals(layer);
    const g = geometry(layer);
    const [u, x] = operands(layer, a, grad);
    const [w] = positionwiseClippedSum(u, x, factors, false);
    const kernel = tf.transpose(tf.reshape(w, [c.filters, g.kh, g.kw, -1]), [1, 2, 0, 3]);
    const out: tf.Tensor[] = [kernel];
    if (c.useBias) out.push(tf.sum(tf.mul(tf.reshape(grad, [grad.shape[0], -1, c.filters]), tf.reshape(factors, [-1, 1, 1])), [0, 1]));
    return out;
  },
};
