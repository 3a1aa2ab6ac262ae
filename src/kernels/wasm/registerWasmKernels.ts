/**
 * Training kernels the wasm backend lacks (tfjs 4.22), built from kernels it has, so that CNNs and
 * embedding models also train non-privately on wasm (the DP path itself never needs them: it
 * differentiates only with respect to the probes):
 * - Conv2DBackpropFilter (the gradient of conv2d with respect to its filter):
 *   dW = im2col(x)ᵀ·dy, with im2col as a Conv2D with a one-hot filter and one BatchMatMul — the same
 *   algebra as the DP convolution rule;
 * - UnsortedSegmentSum (the gradient of gather): ScatterNd, which sums duplicate indices.
 * Each is a composition of the wasm backend's own kernel functions; intermediates are freed.
 * Einsum is not needed by any layer privkit supports and stays unregistered.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Backend = tf.KernelBackend & { disposeData(dataId: object): boolean };

/** Runs one wasm kernel function directly and remembers its output for disposal. */
function runner(backend: Backend) {
  const scratch: Info[] = [];
  const run = (name: string, inputs: tf.NamedTensorInfoMap | Info[], attrs: tf.NamedAttrMap): Info => {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${name} is missing`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs }) as Info;
    scratch.push(out);
    return out;
  };
  const free = (keep: Info) => {
    for (const t of scratch) if (t !== keep) backend.disposeData(t.dataId);
  };
  return { run, free };
}

function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
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
  const convAttrs: tf.NamedAttrMap = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dilations: 1 };
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

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
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

/**
 * Registers the missing kernels for the 'wasm' backend (idempotent; `useBackend('wasm')` calls it).
 * @example
 * ```ts
 * registerWasmKernels(); await tf.setBackend('wasm');
 * ```
 */
export function registerWasmKernels(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc });
  }
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
}
