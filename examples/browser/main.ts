/**
 * privkit in a web page: ε of a DP-SGD run by two accountants, then a few epochs of DP-SGD on the wasm
 * backend, all in the browser. Run it with `npm run build && npx vite examples/browser` (or build it
 * with `npx vite build examples/browser`); in your own project `privkit` comes from node_modules.
 */
import * as tf from '@tensorflow/tfjs';
// The wasm backend's binaries, as URLs Vite serves them from (any bundler's "asset URL" import works).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { dpSgdEpsilon, makePrivate, useBackend } from 'privkit';

const DELTA = 1e-5;

function row(table: string, cells: readonly (string | number)[], header = false): void {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement(header ? 'th' : 'td');
    td.textContent = String(c);
    tr.append(td);
  }
  document.getElementById(table)?.append(tr);
}

/** ε after 1000 steps at σ = 1.1 and q = 0.01: the RDP bound and the tighter PLD value. */
function showBudget(): void {
  row('budget', ['accountant', 'ε at δ = 1e-5'], true);
  for (const accountant of ['rdp', 'pld'] as const) row('budget', [accountant, dpSgdEpsilon(accountant, 1.1, 0.01, 1000, DELTA).toFixed(4)]);
}

/** Two noisy blobs in the plane, one per class. */
function blobs(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2), 'int32');
    const centres = labels.toFloat().mul(2).sub(1).expandDims(1).tile([1, 2]); // (±1, ±1)
    return { x: centres.add(tf.randomNormal([n, 2], 0, 0.7)) as tf.Tensor2D, y: tf.oneHot(labels, 2) as tf.Tensor2D };
  });
}

async function train(): Promise<void> {
  const n = 512;
  const { x, y } = blobs(n);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
  const training = makePrivate({
    model,
    optimizer: tf.train.sgd(0.5),
    loss: 'categoricalCrossentropy',
    maxGradNorm: 1,
    sampleRate: 64 / n, // expected batch of 64, Poisson-sampled
    datasetSize: n,
    noiseMultiplier: 1.1,
  });
  row('training', ['epoch', 'mean loss', 'ε so far'], true);
  for (let epoch = 1; epoch <= 3; epoch++) {
    const h = await training.fit(x, y, { epochs: 1, delta: DELTA });
    row('training', [epoch, h.loss[0].toFixed(4), h.epsilon[0].toFixed(3)]);
  }
  const accuracy = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(1).equal(y.argMax(1)).mean().dataSync()[0]);
  row('training', ['accuracy', (100 * accuracy).toFixed(1) + ' %', '']);
  tf.dispose([x, y]);
}

async function main(): Promise<void> {
  const wasmPaths = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd };
  const backend = await useBackend('wasm', { wasmPaths });
  showBudget();
  await train();
  document.getElementById('status')!.textContent = `Done on the ${backend} backend.`;
}

main().catch((e: unknown) => {
  document.getElementById('status')!.textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
  throw e;
});
