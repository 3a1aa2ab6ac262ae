/**
 * Runs registered wasm kernel functions directly, for kernels privkit composes from the wasm
 * backend's own: each output is remembered, and `free(keep)` releases every intermediate but `keep`.
 */
import * as tf from '@tensorflow/tfjs';

/** A tensor's handle inside a kernel (data id, shape, dtype). */
export type Info = tf.TensorInfo;

/** The wasm backend as kernels see it: `write` and `disposeData` on raw data ids. */
export type Backend = tf.KernelBackend & { disposeData(dataId: object): boolean };

/** What a kernel function receives. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * A kernel runner on `backend`: `run(name, inputs, attrs)` calls the wasm kernel `name` (an error
 * naming it if it is not registered), `constant(values, shape)` writes a float32 tensor, and
 * `free(keep)` disposes every tensor made through the runner except `keep`.
 * @param backend - the wasm backend passed to the calling kernel.
 * @returns the runner's three functions.
 * @example
 * ```ts
 * const { run, free } = runner(backend as Backend);
 * const out = run('Reshape', { x }, { shape: [n] });
 * free(out);
 * ```
 */
export function runner(backend: Backend) {
  const scratch: Info[] = [];
  const run = (name: string, inputs: tf.NamedTensorInfoMap | Info[], attrs: tf.NamedAttrMap): Info => {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${name} is missing`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs }) as Info;
    scratch.push(out);
    return out;
  };
  const constant = (values: Float32Array, shape: number[]): Info => {
    const out: Info = { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    scratch.push(out);
    return out;
  };
  const free = (keep: Info) => {
    for (const t of scratch) if (t !== keep) backend.disposeData(t.dataId);
  };
  return { run, constant, free };
}
