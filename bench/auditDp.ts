/**
 * One-run audit figures (not CI; ~10–20 minutes on 2 cores), as the auditing issue asks: the ε lower
 * bound measured with 1,000 mislabelled canaries on Fashion-MNIST (pool: 5,000 training images;
 * MLP 784-256-10), for non-private training (must be ≥ 3) and for DP-SGD at ε ∈ {1, 2, 4, 8}
 * (must never exceed the accountant's ε). One JSON line per run.
 *
 *   node dist/bench/auditDp.js [epsilons, e.g. 1,2,4,8, or none] [--skip-nonprivate] [--gradient]
 *
 * --gradient: white-box Dirac gradient canaries instead of mislabelled examples (a stronger audit).
 */
import * as tf from '@tensorflow/tfjs';
import { auditDpTraining } from '../mia/index.js';
import { useBackend } from '../src/backend/useBackend.js';
import { loadDataset } from '../src/node/loadDataset.js';

await useBackend('wasm');
const all = loadDataset('dataset:fashion-mnist', { split: 'train', seed: 0 });
const POOL = 5_000;
const data = { ...all, x: all.x.slice(0, POOL * 784), y: all.y.slice(0, POOL) };
const mlp = (): tf.LayersModel =>
  tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
const canaryType = process.argv.includes('--gradient') ? ('gradient' as const) : ('mislabel' as const);
const epsilons = process.argv[2] === 'none' ? [] : (process.argv[2] ?? '1,2,4,8').split(',').map(Number);
const runs: { name: string; noiseMultiplier?: null; targetEpsilon?: number; epochs: number; optimizer: 'adam' | 'sgd'; learningRate: number; batchSize: number }[] = [];
if (!process.argv.includes('--skip-nonprivate')) runs.push({ name: 'non-private', noiseMultiplier: null, epochs: 60, optimizer: 'adam', learningRate: 1e-3, batchSize: 128 });
for (const e of epsilons) runs.push({ name: `dp-sgd ε=${e}`, targetEpsilon: e, epochs: 10, optimizer: 'adam', learningRate: 2e-3, batchSize: 256 });
for (const r of runs) {
  const t0 = performance.now();
  const a = await auditDpTraining({
    model: mlp,
    data,
    canaries: 1000,
    canaryType,
    epochs: r.epochs,
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    optimizer: r.optimizer,
    maxGradNorm: 1,
    ...(r.noiseMultiplier === null ? { noiseMultiplier: null } : { targetEpsilon: r.targetEpsilon }),
    delta: 1e-5,
    seed: 1,
  });
  process.stdout.write(
    `${JSON.stringify({
      run: r.name,
      canaryType,
      claimedEpsilon: a.claimedEpsilon === Infinity ? 'Infinity' : a.claimedEpsilon,
      epsilonLowerBound: a.epsilonLowerBound,
      confidence: a.confidence,
      canaries: a.canaries,
      guesses: a.guesses,
      correct: a.correct,
      noiseMultiplier: a.noiseMultiplier,
      minutes: Math.round((performance.now() - t0) / 600) / 100,
    })}\n`,
  );
}
