/**
 * Membership-inference real-data check (not CI; ~10–20 minutes on 2 cores), as the auditor issue
 * asks: a non-private MLP 784-256-10 (Adam 1e-3, 40 epochs, batch 128) trained on 5,000 Fashion-MNIST
 * images, a random half of a 10,000-image population; 16 shadow models of the same recipe; all
 * attacks. Then the same architecture trained with DP-SGD at ε = 1 (δ = 1e-5) on the same members,
 * audited with the same (cached) shadows. Prints one JSON line per target.
 *
 *   node dist/bench/mia.js [--jobs 2] [--cache .privkit-cache/bench-mia]
 */
import * as tf from '@tensorflow/tfjs';
import { auditMembership, type MembershipAudit } from '../mia/index.js';
import { fileShadowRunner } from '../mia/node/index.js';
import { makePrivate } from '../src/makePrivate.js';
import { useBackend } from '../src/backend/useBackend.js';
import { loadDataset, seededPermutation } from '../src/node/loadDataset.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const jobs = Number(arg('--jobs', '2'));
const cacheDir = arg('--cache', '.privkit-cache/bench-mia');
const POPULATION = 10_000;
const train = { epochs: 40, batchSize: 128, learningRate: 1e-3, optimizer: 'adam' as const };

await useBackend('wasm');
const all = loadDataset('dataset:fashion-mnist', { split: 'all', seed: 0 });
const data = { ...all, x: all.x.slice(0, POPULATION * 784), y: all.y.slice(0, POPULATION) };
const members = Array.from(seededPermutation(POPULATION, 7).subarray(0, POPULATION / 2)).sort((a, b) => a - b);
const xm = tf.tensor(Float32Array.from(members.flatMap((i) => Array.from(data.x.subarray(i * 784, (i + 1) * 784)))), [members.length, 28, 28, 1]);
// Float labels: tfjs-layers' sparse cross-entropy floors them (int32 is refused).
const ym = tf.tensor1d(Float32Array.from(members.map((i) => data.y[i])), 'float32');

function mlp(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function summary(name: string, audit: MembershipAudit, extra: Record<string, unknown>): string {
  const pct = (x: number): number => Math.round(x * 10000) / 100;
  return JSON.stringify({
    target: name,
    ...extra,
    members: audit.members,
    nonMembers: audit.nonMembers,
    shadowModels: audit.shadowModels,
    attacks: audit.attacks.map((a) => ({
      name: a.name,
      auc: Math.round(a.auc * 10000) / 10000,
      tprAt0_1pctFpr: pct(a.tprAtFpr['0.001']),
      tprAt1pctFpr: pct(a.tprAtFpr['0.01']),
      advantage: Math.round(a.advantage * 10000) / 10000,
    })),
  });
}

async function audit(targetModel: tf.LayersModel): Promise<MembershipAudit> {
  let saved = 0;
  const runner = fileShadowRunner({ cacheDir, workers: jobs, onShadowSaved: () => process.stderr.write(`shadow ${++saved}/16\n`) });
  return auditMembership({ targetModel, data, members, shadow: { count: 16, train, runner }, seed: 3 });
}

const t0 = performance.now();
// Non-private target: tfjs' own fit, as its owner would train it.
const plain = mlp(11);
plain.compile({ optimizer: tf.train.adam(train.learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
await plain.fit(xm, ym, { epochs: train.epochs, batchSize: train.batchSize, shuffle: true, verbose: 0 });
const a1 = await audit(plain);
process.stdout.write(`${summary('non-private', a1, { minutes: Math.round((performance.now() - t0) / 600) / 100 })}\n`);

// DP-SGD target at ε = 1 on the same members.
const t1 = performance.now();
const dp = mlp(11);
const priv = makePrivate({
  model: dp,
  optimizer: tf.train.adam(1e-3),
  loss: 'sparseCategoricalCrossentropy',
  maxGradNorm: 1,
  sampleRate: 256 / members.length,
  datasetSize: members.length,
  targetEpsilon: 1,
  delta: 1e-5,
  epochs: 20,
  seed: 5,
});
await priv.fit(xm, ym, { epochs: 20, delta: 1e-5 });
const a2 = await audit(dp);
process.stdout.write(
  `${summary('dp-sgd', a2, { epsilon: priv.getEpsilon(1e-5), noiseMultiplier: priv.noiseMultiplier, minutes: Math.round((performance.now() - t1) / 600) / 100 })}\n`,
);
