/**
 * Training kernels the wasm backend lacks (tfjs 4.22), built from kernels it has, so that CNNs and
 * embedding models also train non-privately on wasm (the DP path itself never needs them: it
 * differentiates only with respect to the probes):
 * - Conv2DBackpropFilter (the gradient of conv2d with respect to its filter):
 *   dW = im2col(x)ᵀ·dy, with im2col as a Conv2D with a one-hot filter and one BatchMatMul — the same
 *   algebra as the DP convolution rule;
 * - UnsortedSegmentSum (the gradient of gather): ScatterNd, which sums duplicate indices;
 * - DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput (DepthwiseConv2D,
 *   SeparableConv2D): see depthwiseConv2dBackprop.ts.
 * - Conv3DBackpropFilterV2 and Conv3DBackpropInputV2: wasm has them but they are wrong, so they are
 *   replaced (see conv3dBackprop.ts).
 * - Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D (forward): wasm's are wrong
 *   (zeros) for 'same' padding in many geometries; they are wrapped to receive explicit padding.
 * Conv2DBackpropInput (Conv2DTranspose) and Conv3D are wasm's own (and right).
 * Each is a composition of the wasm backend's own kernel functions; intermediates are freed.
 * Einsum is not needed by any layer privkit supports and stays unregistered.
 */
import * as tf from '@tensorflow/tfjs';
import { depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './depthwiseConv2dBackprop.js';
import { explicitPadding } from './_internals/convGeometry.js';
import { type Backend, type Info, type KernelArgs, runner } from './_internals/runner.js';
import { conv3DBackpropFilterV2, conv3DBackpropInputV2 } from './conv3dBackprop.js';

function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (privkit wasm kernel): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const { run, free } = runner(backend as Backend);
  const [b, , , cin] = x.shape;
  const depth = info.filterHeight * info.filterWidth * cin;
  // im2col as a convolution with a one-hot filter (wasm's conv is fast; its strided slice is not).
  const eye = new Float32Array(depth * depth);
  for (let i = 0; i < depth; i++) eye[i * depth + i] = 1;
  const filterShape = [info.filterHeight, info.filterWidth, cin, depth];
  const oneHot: Info = { dataId: (backend as Backend).write(eye, filterShape, 'float32'), shape: filterShape, dtype: 'float32' };
  const convAttrs: tf.NamedAttrMap = { strides: a.strides, pad: explicitPadding(info, a.pad), dataFormat: 'NHWC', dilations: 1 };
  if (a.dimRoundingMode !== undefined) convAttrs.dimRoundingMode = a.dimRoundingMode;
  const cols = run('Conv2D', { x, filter: oneHot }, convAttrs);
  (backend as Backend).disposeData(oneHot.dataId);
  const rows = b * info.outHeight * info.outWidth;
  const u = run('Reshape', { x: cols }, { shape: [1, rows, depth] });
  const g = run('Reshape', { x: dy }, { shape: [1, rows, a.filterShape[3]] });
  const dw = run('BatchMatMul', { a: u, b: g }, { transposeA: true, transposeB: false });
  const out = run('Reshape', { x: dw }, { shape: a.filterShape });
  free(out);
  return out;
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const { run, free } = runner(backend as Backend);
  const n = segmentIds.shape.reduce((p, d) => p * d, 1);
  const ids = segmentIds.dtype === 'int32' ? segmentIds : run('Cast', { x: segmentIds }, { dtype: 'int32' });
  const indices = run('Reshape', { x: ids }, { shape: [n, 1] });
  const rest = x.shape.slice(segmentIds.shape.length);
  const updates = run('Reshape', { x }, { shape: [n, ...rest] });
  const out = run('ScatterNd', { indices, updates }, { shape: [numSegments, ...rest] });
  free(out);
  return out;
}

const kernel = (f: (args: KernelArgs) => Info) => f as unknown as tf.KernelFunc;

/** Kernels tfjs-backend-wasm 4.22 does not have. */
const MISSING: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', kernel(conv2DBackpropFilter)],
  ['UnsortedSegmentSum', kernel(unsortedSegmentSum)],
  ['DepthwiseConv2dNativeBackpropFilter', kernel(depthwiseConv2dNativeBackpropFilter)],
  ['DepthwiseConv2dNativeBackpropInput', kernel(depthwiseConv2dNativeBackpropInput)],
];

/** Kernels tfjs-backend-wasm 4.22 has, with wrong values (see conv3dBackprop.ts): replaced. */
const REPLACED: [string, tf.KernelFunc][] = [
  ['Conv3DBackpropFilterV2', kernel(conv3DBackpropFilterV2)],
  ['Conv3DBackpropInputV2', kernel(conv3DBackpropInputV2)],
];

/** wasm's 2-D convolutions (and whether each is depthwise), whose 'same' padding is spelled out. */
const SAME_PADDED: [string, boolean][] = [
  ['Conv2D', false],
  ['FusedConv2D', false],
  ['DepthwiseConv2dNative', true],
  ['FusedDepthwiseConv2D', true],
];
const paddingWrappers = new WeakSet<object>();

/**
 * `inner` with 'same' padding passed on as the explicit numbers it stands for: wasm's 2-D
 * convolutions (XNNPACK) return zeros for 'same' in many geometries (e.g. a 3×1 filter at strides 2
 * on a 5×6 input, where one axis needs padding and the other none); explicit padding is right.
 */
function withExplicitPadding(inner: tf.KernelFunc, depthwise: boolean): tf.KernelFunc {
  const wrapped = (args: KernelArgs) => {
    const a = args.attrs as unknown as { pad?: unknown; strides: [number, number] | number; dilations?: [number, number] | number; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string } | undefined;
    const { x, filter } = args.inputs as { x: Info; filter: Info };
    if (a?.pad !== 'same' || a.dataFormat === 'NCHW' || x.shape.length !== 4) return inner(args as Parameters<tf.KernelFunc>[0]);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, 'same', a.dimRoundingMode, depthwise);
    return inner({ ...args, attrs: { ...args.attrs, pad: explicitPadding(info, 'same') } } as Parameters<tf.KernelFunc>[0]);
  };
  paddingWrappers.add(wrapped);
  return wrapped as unknown as tf.KernelFunc;
}

/**
 * Registers the missing kernels for the 'wasm' backend, replaces its wrong Conv3D gradients and
 * spells out 'same' padding for its 2-D convolutions (idempotent; `useBackend('wasm')` calls it,
 * after the wasm backend is imported).
 * @example
 * ```ts
 * registerWasmKernels(); await tf.setBackend('wasm');
 * ```
 */
export function registerWasmKernels(): void {
  for (const [kernelName, kernelFunc] of MISSING) {
    if (tf.getKernel(kernelName, 'wasm') === undefined) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const [kernelName, kernelFunc] of REPLACED) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current?.kernelFunc === kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const [kernelName, depthwise] of SAME_PADDED) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current === undefined || paddingWrappers.has(current.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...current, kernelFunc: withExplicitPadding(current.kernelFunc, depthwise) });
  }
}
