/**
 * The two gradients of a depthwise convolution, which the wasm backend (tfjs 4.22) lacks, composed
 * from its own kernels (DepthwiseConv2D and SeparableConv2D layers need them to train on wasm).
 * With y[b,p,c·M+m] = Σ_{i,j} x[b, p·s − pad + (i,j)·d, c] · W[i,j,c,m] (M the channel multiplier):
 * - the filter gradient dW[i,j,c,m] = Σ_{b,p} x[b, p·s − pad + (i,j)·d, c] · dy[b,p,c·M+m] is, per
 *   channel c, patchesᵀ·dy: the patches come from a depthwise convolution of x with a one-hot filter
 *   (multiplier fh·fw, same strides, dilations and padding), then one BatchMatMul batched over c;
 * - the input gradient dx[b,q,c] = Σ_{i,j,m} dy[b, (q + pad − (i,j)·d)/s, c·M+m] · W[i,j,c,m] is a
 *   stride-1 'valid' depthwise correlation of dy — with s−1 zeros inserted between its rows and
 *   columns, padded by (effective filter − 1 − pad) — with the flipped filter, one output per dy
 *   channel, then a sum over the M channels of each input channel.
 * Both hold for any strides, dilations and padding ('same', 'valid', explicit); the cpu backend's
 * kernels read the dilations for the shapes only (its loops assume 1, and tfjs' gradient refuses
 * dilations above 1), so for dilation 1 both agree and above 1 these are the exact gradients.
 * The convolutions get their padding spelled out (see `explicitPadding`). Intermediates are freed.
 */
import * as tf from '@tensorflow/tfjs';
import { explicitPadding, spreadAndPad } from './_internals/convGeometry.js';
import { type Backend, type Info, type KernelArgs, runner } from './_internals/runner.js';

interface DepthwiseBackpropAttrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convAttrs(a: DepthwiseBackpropAttrs, strides: [number, number] | number, dilations: [number, number] | number, pad: DepthwiseBackpropAttrs['pad'] | 'valid'): tf.NamedAttrMap {
  const out: tf.NamedAttrMap = { strides, dilations, pad, dataFormat: 'NHWC' };
  if (a.dimRoundingMode !== undefined) out.dimRoundingMode = a.dimRoundingMode;
  return out;
}

/**
 * The wasm kernel DepthwiseConv2dNativeBackpropFilter (inputs `x`, `dy`; attrs `strides`,
 * `dilations`, `pad`, `dimRoundingMode`, `filterShape`), channels last.
 * @returns dW of shape `filterShape` = [fh, fw, inChannels, multiplier].
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc });
 * ```
 */
export function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as DepthwiseBackpropAttrs & { filterShape: [number, number, number, number] };
  const dilations = a.dilations ?? 1;
  const [fh, fw, cin, mult] = a.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, dilations, a.pad, a.dimRoundingMode, true);
  const { run, constant, free } = runner(backend as Backend);
  const k = fh * fw;
  // One-hot filter [fh, fw, cin, k]: output channel c·k + (i·fw + j) of the depthwise conv is x's
  // channel c at tap (i, j) — im2col per channel (exact: products by 1, sums of zeros).
  const eye = new Float32Array(k * cin * k);
  for (let t = 0; t < k; t++) for (let c = 0; c < cin; c++) eye[(t * cin + c) * k + t] = 1;
  const oneHot = constant(eye, [fh, fw, cin, k]);
  const cols = run('DepthwiseConv2dNative', { x, filter: oneHot }, convAttrs(a, a.strides, dilations, explicitPadding(info, a.pad)));
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const patches = run('Transpose', { x: run('Reshape', { x: cols }, { shape: [rows, cin, k] }) }, { perm: [1, 0, 2] });
  const grads = run('Transpose', { x: run('Reshape', { x: dy }, { shape: [rows, cin, mult] }) }, { perm: [1, 0, 2] });
  const dw = run('BatchMatMul', { a: patches, b: grads }, { transposeA: true, transposeB: false }); // [cin, k, mult]
  const out = run('Reshape', { x: run('Transpose', { x: dw }, { perm: [1, 0, 2] }) }, { shape: a.filterShape });
  free(out);
  return out;
}

/**
 * The wasm kernel DepthwiseConv2dNativeBackpropInput (inputs `dy`, `filter`; attrs `strides`,
 * `dilations`, `pad`, `dimRoundingMode`, `inputShape`), channels last.
 * @returns dx of shape `inputShape` = [batch, height, width, inChannels].
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc });
 * ```
 */
export function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: KernelArgs): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as DepthwiseBackpropAttrs & { inputShape: [number, number, number, number] };
  const dilations = a.dilations ?? 1;
  const [fh, fw, cin, mult] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, dilations, a.pad, a.dimRoundingMode, true);
  const { run, free } = runner(backend as Backend);
  const [b, h, w] = a.inputShape;
  const z = spreadAndPad(
    run,
    dy,
    [info.strideHeight, info.strideWidth],
    [info.effectiveFilterHeight - 1 - info.padInfo.top, info.effectiveFilterWidth - 1 - info.padInfo.left],
    [h + info.effectiveFilterHeight - 1, w + info.effectiveFilterWidth - 1],
  );
  // Flipped filter, one output per dy channel: [fh, fw, cin·mult, 1].
  const flipped = run('Reshape', { x: run('Reverse', { x: filter }, { dims: [0, 1] }) }, { shape: [fh, fw, cin * mult, 1] });
  const corr = run('DepthwiseConv2dNative', { x: z, filter: flipped }, convAttrs(a, 1, dilations, 'valid'));
  const out = mult === 1 ? corr : run('Sum', { x: run('Reshape', { x: corr }, { shape: [b, h, w, cin, mult] }) }, { axis: [4], keepDims: false });
  free(out);
  return out;
}
