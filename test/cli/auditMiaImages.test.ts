/**
 * `privkit audit mia --data file.csv` with image models: a CSV row's feature columns are reshaped to
 * the model's input shape (a CNN taking [6, 6, 1], and one taking [28, 28, 1] whose last layer outputs
 * logits), and a column count that cannot fill the input is refused naming both sizes.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/index.js';
import { saveModel } from '../../src/node/index.js';
import { mulberry32 } from '../_support/prng.js';
import { expectUsageError, parseJsonLine, runCli } from './runCli.js';

let dir: string;
beforeAll(async () => {
  await useBackend('auto'); // the backend the CLI picks
  dir = mkdtempSync(join(tmpdir(), 'privkit-audit-images-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n rows of `features` values: class c (of 3) adds a fixed ±1 pattern to uniform noise. */
function rows(n: number, features: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = mulberry32(seed);
  const templates = Array.from({ length: 3 }, () => Float32Array.from({ length: features }, () => (rand() < 0.5 ? -1 : 1)));
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * 3));
  const x = Float32Array.from({ length: n * features }, (_, k) => templates[y[Math.floor(k / features)]][k % features] + (rand() - 0.5));
  return { x, y };
}

/** A CSV with a `label` column first, then f0…f{features−1}. */
function writeCsv(path: string, x: Float32Array, y: Int32Array, features: number): string {
  const header = ['label', ...Array.from({ length: features }, (_, f) => `f${f}`)].join(',');
  const lines = Array.from(y, (label, i) => [label, ...Array.from(x.subarray(i * features, (i + 1) * features), (v) => v.toFixed(4))].join(','));
  writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
  return path;
}

/** Conv2D(2, 3×3, stride 2) → Flatten → Dense(3), trained briefly on rows 0…members−1, saved with saveModel. */
async function savedCnn(side: number, output: 'softmax' | 'linear', x: Float32Array, y: Int32Array, members: number, name: string): Promise<string> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [side, side, 1], filters: 2, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: output, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const xs = tf.tensor(x.subarray(0, members * side * side), [members, side, side, 1]);
  const ys = tf.oneHot(tf.tensor1d(y.subarray(0, members), 'int32'), 3);
  // A logits head trains on the from-logits cross-entropy, a softmax head on tfjs' categorical one.
  const loss = output === 'linear' ? (t: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, p) : 'categoricalCrossentropy';
  model.compile({ optimizer: tf.train.adam(1e-2), loss });
  await model.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0 });
  const path = join(dir, name);
  await saveModel(model, path);
  tf.dispose([xs, ys]);
  model.dispose();
  return path;
}

const auditArgs = (model: string, data: string, members: string, out: string): string[] => [
  'audit', 'mia', '--model', model, '--data', data, '--members', members,
  '--shadow-models', '2', '--epochs', '1', '--batch-size', '16', '--attack', 'loss,lira-offline', '--out', out, '--json',
];

describe('privkit audit mia on image models from CSV', () => {
  const N = 60;
  let members: string;
  beforeAll(() => {
    members = join(dir, 'members.txt');
    writeFileSync(members, `${Array.from({ length: N / 2 }, (_, i) => i).join('\n')}\n`);
  });

  it('a CNN taking [6, 6, 1]: rows of 36 columns are reshaped to the input; exit 0 with attack results', async () => {
    const { x, y } = rows(N, 36, 3);
    const data = writeCsv(join(dir, 'small.csv'), x, y, 36);
    const model = await savedCnn(6, 'softmax', x, y, N / 2, 'cnn6');
    const out = join(dir, 'out6');
    const r = await runCli(auditArgs(model, data, members, out));
    expect(r.stderr.split('\n').filter((l) => l.startsWith('privkit:'))).toEqual([]);
    expect(r.code).toBe(0);
    const summary = parseJsonLine(r.stdout) as { attacks: { name: string; auc: number }[]; members: number; nonMembers: number; shadowModels: number };
    expect(summary).toMatchObject({ members: N / 2, nonMembers: N / 2, shadowModels: 2 });
    expect(summary.attacks.map((a) => a.name)).toEqual(['loss', 'lira-offline']);
    for (const a of summary.attacks) expect(a.auc).toBeGreaterThanOrEqual(0), expect(a.auc).toBeLessThanOrEqual(1);
    for (const f of ['report.json', 'report.html', 'scores.csv']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('a logits-output CNN taking [28, 28, 1] from 784 columns; exit 0 with attack results', async () => {
    const { x, y } = rows(N, 784, 4);
    const data = writeCsv(join(dir, 'mnistlike.csv'), x, y, 784);
    const model = await savedCnn(28, 'linear', x, y, N / 2, 'cnn28');
    const out = join(dir, 'out28');
    const r = await runCli(auditArgs(model, data, members, out));
    expect(r.stderr.split('\n').filter((l) => l.startsWith('privkit:'))).toEqual([]);
    expect(r.code).toBe(0);
    const summary = parseJsonLine(r.stdout) as { attacks: { name: string; auc: number }[]; shadowModels: number };
    expect(summary.shadowModels).toBe(2);
    expect(summary.attacks.map((a) => a.name)).toEqual(['loss', 'lira-offline']);
    for (const a of summary.attacks) expect(Number.isFinite(a.auc)).toBe(true);
  });

  it('a CSV whose column count is not the input size → exit 2 naming both sizes, nothing written', async () => {
    const { x, y } = rows(N, 30, 5);
    const data = writeCsv(join(dir, 'thirty.csv'), x, y, 30);
    const model = await savedCnn(6, 'softmax', rows(N, 36, 3).x, rows(N, 36, 3).y, N / 2, 'cnn6b');
    const out = join(dir, 'out-bad');
    const r = await runCli(auditArgs(model, data, members, out));
    expectUsageError(r, 'rows have 30 feature columns, but the model takes examples shaped [6, 6, 1] (36 values each)');
    expect(r.stderr).toContain('thirty.csv');
    expect(existsSync(out)).toBe(false);
  });
});
