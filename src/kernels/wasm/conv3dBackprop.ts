/**
 * The two gradients of a 3-D convolution for the wasm backend. tfjs 4.22's own wasm kernels are
 * wrong: Conv3DBackpropInputV2 for every geometry tried, Conv3DBackpropFilterV2 whenever a stride
 * is above 1 (against the cpu backend's kernels and the adjoint identity ⟨dx, x'⟩ = ⟨dy, conv(x')⟩),
 * so Conv3D models trained on wasm silently diverged from cpu. These replace them.
 *
 * Where the cpu backend is registered (always with `@tensorflow/tfjs`), they run its kernel on a
 * copy of the data: the same values as cpu, and faster than any composition of wasm kernels found
 * (batch 32, 16³×16 → 16 channels, 3³ filter: cpu's dW 2.0 s, dx 1.1 s at stride 1 and 0.15 s at
 * stride 2; the compositions below 25 s, 2.3 s and 2.5 s — wasm's rank-5 slices are slow and the
 * spread gradient wastes s³ − 1 of s³ products). Otherwise they are composed from wasm's Conv3D
 * (which is right), PadV2, StridedSlice, Concat and BatchMatMul:
 * - dW[t,c,o] = Σ_{b,p} x_pad[b, p·s + t, c] · dy[b,p,o]: the padded input's strided slice at each
 *   filter tap t, concatenated along channels (im2col), then one matrix product with dy;
 * - dx = a stride-1 'valid' Conv3D of dy — spread by the strides and padded by (filter − 1 − pad) —
 *   with the filter flipped in space and its in/out channels swapped.
 * Channels last (NDHWC), dilations 1 (what tfjs' conv3d gradient allows). Intermediates are freed.
 */
import * as tf from '@tensorflow/tfjs';
import { spreadAndPad } from './_internals/convGeometry.js';
import { type Backend, type Info, type KernelArgs, runner } from './_internals/runner.js';

type Shape5 = [number, number, number, number, number];

/** Runs the cpu backend's kernel `name` on copies of the inputs; null where there is no cpu backend. */
function onCpu(name: string, { inputs, backend, attrs }: KernelArgs): Info | null {
  const kernel = tf.getKernel(name, 'cpu');
  if (kernel === undefined) return null;
  const cpu = tf.findBackend('cpu') as Backend | null;
  if (cpu === null) return null;
  const wasm = backend as Backend;
  const moved: Record<string, Info> = {};
  for (const [key, t] of Object.entries(inputs as Record<string, Info>)) {
    // A copy: the wasm backend's readSync is a view of its heap, which later allocations may move.
    const values = (wasm.readSync(t.dataId) as Float32Array).slice();
    moved[key] = { dataId: cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
  }
  try {
    const out = kernel.kernelFunc({ inputs: moved, backend: cpu, attrs }) as Info;
    const values = cpu.readSync(out.dataId) as Float32Array;
    cpu.disposeData(out.dataId);
    return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
  } finally {
    for (const t of Object.values(moved)) cpu.disposeData(t.dataId);
  }
}

interface Conv3DBackpropAttrs {
  strides: [number, number, number] | number;
  pad: 'same' | 'valid';
}

/**
 * The wasm kernel Conv3DBackpropFilterV2 (inputs `x`, `dy`; attrs `strides`, `pad`, `filterShape`).
 * @returns dW of shape `filterShape` = [fd, fh, fw, inChannels, outChannels].
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'Conv3DBackpropFilterV2', backendName: 'wasm', kernelFunc: conv3DBackpropFilterV2 as unknown as tf.KernelFunc });
 * ```
 */
export function conv3DBackpropFilterV2(args: KernelArgs): Info {
  return onCpu('Conv3DBackpropFilterV2', args) ?? composedConv3DBackpropFilterV2(args);
}

/**
 * Conv3DBackpropFilterV2 composed from wasm kernels (used where no cpu backend is registered).
 * @returns dW of shape `filterShape`.
 * @example
 * ```ts
 * const dw = composedConv3DBackpropFilterV2({ inputs: { x, dy }, backend: tf.backend(), attrs: { strides: 1, pad: 'same', filterShape } });
 * ```
 */
export function composedConv3DBackpropFilterV2({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as Conv3DBackpropAttrs & { filterShape: Shape5 };
  const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, a.filterShape, a.strides, 1, a.pad);
  const { run, free } = runner(backend as Backend);
  const [b, , , , cin] = x.shape;
  const [fd, fh, fw, , cout] = a.filterShape;
  const p = info.padInfo;
  const padded = p.front + p.back + p.top + p.bottom + p.left + p.right === 0 ? x : run('PadV2', { x }, { paddings: [[0, 0], [p.front, p.back], [p.top, p.bottom], [p.left, p.right], [0, 0]], constantValue: 0 });
  const out = [info.outDepth, info.outHeight, info.outWidth];
  const strides = [info.strideDepth, info.strideHeight, info.strideWidth];
  const taps: Info[] = [];
  for (let i = 0; i < fd; i++) {
    for (let j = 0; j < fh; j++) {
      for (let k = 0; k < fw; k++) {
        const begin = [0, i, j, k, 0];
        const end = [b, ...[i, j, k].map((t, d) => t + (out[d] - 1) * strides[d] + 1), cin];
        taps.push(run('StridedSlice', { x: padded }, { begin, end, strides: [1, ...strides, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 }));
      }
    }
  }
  const cols = taps.length === 1 ? taps[0] : run('Concat', taps as unknown as tf.NamedTensorInfoMap, { axis: 4 });
  const rows = b * out[0] * out[1] * out[2];
  const depth = fd * fh * fw * cin;
  const u = run('Reshape', { x: cols }, { shape: [1, rows, depth] });
  const g = run('Reshape', { x: dy }, { shape: [1, rows, cout] });
  const dw = run('Reshape', { x: run('BatchMatMul', { a: u, b: g }, { transposeA: true, transposeB: false }) }, { shape: a.filterShape });
  free(dw);
  return dw;
}

/**
 * The wasm kernel Conv3DBackpropInputV2 (inputs `dy`, `filter`; attrs `strides`, `pad`, `inputShape`).
 * @returns dx of shape `inputShape` = [batch, depth, height, width, inChannels].
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'Conv3DBackpropInputV2', backendName: 'wasm', kernelFunc: conv3DBackpropInputV2 as unknown as tf.KernelFunc });
 * ```
 */
export function conv3DBackpropInputV2(args: KernelArgs): Info {
  return onCpu('Conv3DBackpropInputV2', args) ?? composedConv3DBackpropInputV2(args);
}

/**
 * Conv3DBackpropInputV2 composed from wasm kernels (used where no cpu backend is registered).
 * @returns dx of shape `inputShape`.
 * @example
 * ```ts
 * const dx = composedConv3DBackpropInputV2({ inputs: { dy, filter }, backend: tf.backend(), attrs: { strides: 1, pad: 'same', inputShape } });
 * ```
 */
export function composedConv3DBackpropInputV2({ inputs, backend, attrs }: KernelArgs): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as Conv3DBackpropAttrs & { inputShape: Shape5 };
  const info = tf.backend_util.computeConv3DInfo(a.inputShape, filter.shape as Shape5, a.strides, 1, a.pad);
  const { run, free } = runner(backend as Backend);
  const [, d, h, w] = a.inputShape;
  const [fd, fh, fw] = filter.shape;
  const p = info.padInfo;
  const z = spreadAndPad(run, dy, [info.strideDepth, info.strideHeight, info.strideWidth], [fd - 1 - p.front, fh - 1 - p.top, fw - 1 - p.left], [d + fd - 1, h + fh - 1, w + fw - 1]);
  const flipped = run('Transpose', { x: run('Reverse', { x: filter }, { dims: [0, 1, 2] }) }, { perm: [0, 1, 2, 4, 3] });
  const dx = run('Conv3D', { x: z, filter: flipped }, { strides: [1, 1, 1], pad: 'valid', dilations: [1, 1, 1], dataFormat: 'NDHWC' });
  free(dx);
  return dx;
}
