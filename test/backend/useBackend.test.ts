/** Backend selection on this machine (Node): no tfjs-node installed, wasm and cpu available, no WebGL or WebGPU. */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { useBackend } from '../../src/backend/useBackend.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as PrivkitError).code;
  }
}

describe('useBackend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('wasm starts and computes the same matmul as cpu', async () => {
    const a = [
      [1, 2],
      [3, 4],
    ];
    expect(await useBackend('wasm')).toBe('wasm');
    const w = tf.matMul(tf.tensor2d(a), tf.tensor2d(a)).arraySync();
    expect(await useBackend('cpu')).toBe('cpu');
    const c = tf.matMul(tf.tensor2d(a), tf.tensor2d(a)).arraySync();
    expect(w).toEqual(c);
  });

  it("auto picks wasm when tfjs-node is not installed; 'tensorflow' says what to install", async () => {
    expect(await useBackend('auto')).toBe('wasm');
    expect(await codeOf(useBackend('tensorflow'))).toBe('BACKEND_UNAVAILABLE');
    await expect(useBackend('tensorflow')).rejects.toThrowError(/npm i @tensorflow\/tfjs-node/);
  });

  it('PRIVKIT_BACKEND sets the default; an unknown name is INVALID_ARGUMENT', async () => {
    process.env.PRIVKIT_BACKEND = 'cpu';
    try {
      expect(await useBackend()).toBe('cpu');
    } finally {
      delete process.env.PRIVKIT_BACKEND;
    }
    expect(await codeOf(useBackend('gpu' as never))).toBe('INVALID_ARGUMENT');
    for (const wasmPaths of ['', 42, { 'tfjs-backend-wasm.wasm': '/a.wasm' }]) {
      await expect(useBackend('wasm', { wasmPaths: wasmPaths as never })).rejects.toThrowError(/`wasmPaths` must be a non-empty URL prefix or an object with a URL for each of tfjs-backend-wasm\.wasm, /);
    }
    expect(await useBackend('wasm', { wasmPaths: '/not/used/' })).toBe('wasm'); // already started: the paths no longer matter
  });

  it("webgl and webgpu are refused in Node with BACKEND_UNAVAILABLE, saying what they need; the active backend stays", async () => {
    expect(await useBackend('cpu')).toBe('cpu');
    expect(await codeOf(useBackend('webgl'))).toBe('BACKEND_UNAVAILABLE');
    await expect(useBackend('webgl')).rejects.toThrowError(/needs a browser with WebGL/);
    expect(await codeOf(useBackend('webgpu'))).toBe('BACKEND_UNAVAILABLE');
    await expect(useBackend('webgpu')).rejects.toThrowError(/npm i @tensorflow\/tfjs-backend-webgpu/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a backend the program registered itself is reused, not imported again', async () => {
    // Stand-ins for a program that imported @tensorflow/tfjs-node or tfjs-backend-webgpu itself.
    for (const name of ['tensorflow', 'webgpu']) {
      tf.registerBackend(name, () => new MathBackendCPU());
      try {
        expect(await useBackend(name as 'tensorflow' | 'webgpu')).toBe(name);
        expect(tf.getBackend()).toBe(name);
        if (name === 'tensorflow') {
          await useBackend('cpu');
          expect(await useBackend('auto')).toBe('tensorflow'); // Node's auto prefers tensorflow when present
        }
      } finally {
        await tf.setBackend('cpu');
        tf.removeBackend(name);
      }
    }
    expect(await useBackend('auto')).toBe('wasm');
  });
});
