/** Shared helpers of the wasm-vs-cpu kernel tests: run a computation on a backend, compare results. */
import { useBackend } from '../../src/backend/useBackend.js';

/** Switches to `backend` (registering privkit's wasm kernels) and runs `fn` there. */
export async function on<T>(backend: 'wasm' | 'cpu', fn: () => T | Promise<T>): Promise<T> {
  await useBackend(backend);
  return fn();
}

/** max_i |a_i − b_i| / max(max_i |b_i|, 1e-6): the largest difference relative to the reference's scale. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / scale);
  return d;
}
