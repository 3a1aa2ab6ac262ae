/**
 * Geometry helpers shared by privkit's composed wasm convolution kernels.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Info } from './runner.js';

type Run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => Info;

/**
 * A 2-D convolution's padding as explicit numbers ([[0,0],[top,bottom],[left,right],[0,0]]) when
 * they give the same output shape, else the padding as given. wasm's Conv2D and
 * DepthwiseConv2dNative (tfjs 4.22, XNNPACK) return zeros for 'same' padding with a filter of height
 * 1, width > 1 and a row stride > 1; with the same padding spelled out they are right.
 * @param info - the convolution's geometry (`backend_util.computeConv2DInfo`).
 * @param pad - the padding attribute as the kernel received it.
 * @returns the padding attribute to pass on.
 * @example
 * ```ts
 * run('Conv2D', { x, filter }, { strides, pad: explicitPadding(info, pad), dataFormat: 'NHWC', dilations: 1 });
 * ```
 */
export function explicitPadding<P>(info: tf.backend_util.Conv2DInfo, pad: P): P | tf.backend_util.ExplicitPadding {
  const p = info.padInfo;
  const rows = Math.floor((info.inHeight + p.top + p.bottom - info.effectiveFilterHeight) / info.strideHeight) + 1;
  const cols = Math.floor((info.inWidth + p.left + p.right - info.effectiveFilterWidth) / info.strideWidth) + 1;
  if (rows !== info.outHeight || cols !== info.outWidth) return pad;
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/**
 * `dy` [batch, o_1 … o_n, channels] spread by the strides (s_k − 1 zeros after each entry along
 * spatial axis k), then padded with `before[k]` zeros in front (cropped if negative) and zeros or a
 * crop at the end to length `size[k]`: the input of the stride-1 correlation that computes a
 * convolution's input gradient.
 * @param run - the calling kernel's runner.
 * @param dy - the output gradient.
 * @param strides - the convolution's strides, one per spatial axis.
 * @param before - leading zeros per spatial axis (effective filter − 1 − leading pad).
 * @param size - the length per spatial axis (input + effective filter − 1).
 * @returns the spread, padded gradient.
 * @example
 * ```ts
 * const z = spreadAndPad(run, dy, [2, 2], [1, 1], [h + 2, w + 2]);
 * ```
 */
export function spreadAndPad(run: Run, dy: Info, strides: number[], before: number[], size: number[]): Info {
  const n = strides.length;
  const [b] = dy.shape;
  const c = dy.shape[n + 1];
  const o = dy.shape.slice(1, n + 1);
  let z = dy;
  // One axis at a time, as [before, o_k, 1, after] (wasm's PadV2 is wrong at rank 8).
  for (let k = 0; k < n; k++) {
    if (strides[k] === 1) continue;
    const dims = z.shape;
    const lead = dims.slice(0, k + 1).reduce((p, v) => p * v, 1);
    const rest = dims.slice(k + 2).reduce((p, v) => p * v, 1);
    const lifted = run('Reshape', { x: z }, { shape: [lead, o[k], 1, rest] });
    const spread = run('PadV2', { x: lifted }, { paddings: [[0, 0], [0, 0], [0, strides[k] - 1], [0, 0]], constantValue: 0 });
    z = run('Reshape', { x: spread }, { shape: dims.map((v, d) => (d === k + 1 ? v * strides[k] : v)) });
  }
  const after = size.map((v, k) => v - before[k] - z.shape[k + 1]);
  if (before.some((v) => v > 0) || after.some((v) => v > 0)) {
    z = run('PadV2', { x: z }, { paddings: [[0, 0], ...before.map((v, k) => [Math.max(0, v), Math.max(0, after[k])]), [0, 0]], constantValue: 0 });
  }
  if (size.some((v, k) => z.shape[k + 1] !== v)) {
    z = run('Slice', { x: z }, { begin: [0, ...before.map((v) => Math.max(0, -v)), 0], size: [b, ...size, c] });
  }
  return z;
}
