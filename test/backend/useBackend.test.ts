/** Backend selection on this machine: no tfjs-node installed, wasm and cpu available. */
import * as tf from '@tensorflow/tfjs';
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
  });
});
