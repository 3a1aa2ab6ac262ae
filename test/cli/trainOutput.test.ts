/**
 * `privkit train`, in-process: what the output folder holds (privacy.json with the weights' SHA-256
 * and the randomness, members.txt = the training rows, read back by `audit mia --members`), how it
 * replaces an earlier run and refuses folders it did not write, output paths that cannot be written
 * (exit 2 before training), models that do not output probabilities or are refused, data too small
 * or with one class, float32 limits of the flags, training that diverges, repeated flags, and the
 * error line on a terminal with a progress bar.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIo } from '../../cli/index.js';
import { loadDataset, saveModel, seededPermutation } from '../../src/node/index.js';
import { expectOneLine, expectUsageError, parseJsonLine, runCli, withFlag, type CliResult } from './runCli.js';

let dir: string;
let csv: string;
let count = 0;
const fresh = (): string => join(dir, `out-${++count}`);

/** 100 rows, 2 features, two separated Gaussian classes, seeded. */
function writeCsv(path: string, rows = 100): void {
  let s = 777;
  const u = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const lines = ['f1,f2,label'];
  for (let i = 0; i < rows; i++) lines.push(`${(normal() + (i % 2 ? 2 : -2)).toFixed(4)},${(normal() + (i % 2 ? 2 : -2)).toFixed(4)},${i % 2}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const base = (): string[] => [
  'train',
  '--data',
  csv,
  '--model',
  'mlp',
  '--epochs',
  '1',
  '--batch-size',
  '20',
  '--learning-rate',
  '0.5',
  '--max-grad-norm',
  '1',
  '--noise-multiplier',
  '1',
  '--delta',
  '1e-5',
  '--json',
];

async function runTerminal(argv: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrTerminal: { columns: 100 } };
  const code = await run(argv, io, { debug: false });
  return { code, stdout, stderr };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Asserts a failure after training started: exit 2, nothing on stdout, its last stderr line the one error. */
function expectFailureAfterProgress(r: CliResult, mention: string | RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  expect(last).toMatch(/^privkit: /);
  expect(last).toMatch(mention);
  expect(lines.filter((l) => l.startsWith('privkit: ') && !l.startsWith('privkit: warning:'))).toHaveLength(1);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-train-out-'));
  csv = join(dir, 'data.csv');
  writeCsv(csv);
  writeFileSync(join(dir, 'a-file'), 'x');
  const models: Record<string, tf.Sequential> = {
    linear: tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] }),
    sigmoid: tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'sigmoid' })] }),
    softmaxLayer: tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 }), tf.layers.softmax()] }),
    batchNorm: tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2, activation: 'softmax' })] }),
    lstm: tf.sequential({ layers: [tf.layers.reshape({ inputShape: [2], targetShape: [2, 1] }), tf.layers.lstm({ units: 3 }), tf.layers.dense({ units: 2, activation: 'softmax' })] }),
  };
  for (const [name, model] of Object.entries(models)) {
    await saveModel(model, join(dir, name));
    model.dispose();
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the output folder', () => {
  it('privacy.json: weightsSha256 is the SHA-256 of weights.bin; --seed gives "seeded" and one warning line', async () => {
    const out = fresh();
    const r = await runCli([...base(), '--seed', '3', '--out', out]);
    expect(r.code).toBe(0);
    const record = parseJsonLine(r.stdout);
    expect(record.weightsSha256).toBe(sha256(join(out, 'weights.bin')));
    expect(record.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.randomness).toBe('seeded');
    expect(JSON.parse(readFileSync(join(out, 'privacy.json'), 'utf8'))).toEqual(record);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual(['privkit: warning: --seed makes noise and batch sampling reproducible; a seeded run is not for release']);
    expect(readdirSync(out).sort()).toEqual(['members.txt', 'model.json', 'privacy.json', 'weights.bin']);
  });

  it('without --seed: "secure" and no warning', async () => {
    const out = fresh();
    const r = await runCli([...base(), '--out', out]);
    expect(r.code).toBe(0);
    expect(parseJsonLine(r.stdout).randomness).toBe('secure');
    expect(r.stderr).not.toContain('warning');
    expect(r.stderr.trimEnd().split('\n').every((l) => l.startsWith('epoch '))).toBe(true);
  });

  it('members.txt lists the training rows of the CSV: the 80% outside the seeded 20% test split, ascending', async () => {
    const out = fresh();
    const r = await runCli([...base(), '--seed', '5', '--out', out]);
    expect(r.code).toBe(0);
    const members = readFileSync(join(out, 'members.txt'), 'utf8').trimEnd().split('\n').map(Number);
    // The documented split: a seeded permutation of the 100 rows, the first 20 held out.
    const expected = Array.from(seededPermutation(100, 5).subarray(20)).sort((a, b) => a - b);
    expect(members).toEqual(expected);
    expect(members).toHaveLength(80);
  });

  it('members.txt of dataset:mnist indexes the rows as audit mia --data dataset:mnist reads them', async () => {
    const out = fresh();
    const r = await runCli(['train', '--data', 'dataset:mnist', '--model', 'mlp', '--epochs', '0.01', '--batch-size', '64', '--learning-rate', '0.1',
      '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--seed', '4', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const members = readFileSync(join(out, 'members.txt'), 'utf8').trimEnd().split('\n').map(Number);
    expect(members).toHaveLength(8000);
    expect(new Set(members).size).toBe(8000);
    // Row members[k] of the audit's order is one of the training images.
    const all = loadDataset('dataset:mnist', { split: 'all', seed: 0 });
    const train = loadDataset('dataset:mnist', { split: 'train', seed: 4 });
    const key = (x: Float32Array, i: number): string => Array.from(x.subarray(i * 784 + 300, i * 784 + 500)).join(',');
    const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => key(train.x, i)));
    for (const k of [0, 1, 4000, 7999]) expect(trainKeys.has(key(all.x, members[k]))).toBe(true);
  });

  it('train, then audit mia --members <out>/members.txt on the same CSV, end to end', async () => {
    const out = fresh();
    const trained = await runCli([...base(), '--seed', '1', '--out', out]);
    expect(trained.code).toBe(0);
    const audit = await runCli(['audit', 'mia', '--model', out, '--data', csv, '--members', join(out, 'members.txt'), '--shadow-models', '2',
      '--epochs', '1', '--batch-size', '20', '--attack', 'loss,lira-offline', '--out', fresh(), '--json']);
    expect(audit.stderr.split('\n').filter((l) => l.startsWith('privkit: '))).toEqual([]);
    expect(audit.code).toBe(0);
    expect(parseJsonLine(audit.stdout)).toMatchObject({ members: 80, nonMembers: 20, shadowModels: 2 });
  });

  it('a second run into the same --out replaces it whole: the new record, its own weights, nothing left beside it', async () => {
    const parent = join(dir, 'again');
    const out = join(parent, 'run');
    expect((await runCli([...base(), '--seed', '1', '--out', out])).code).toBe(0);
    const first = JSON.parse(readFileSync(join(out, 'privacy.json'), 'utf8'));
    const r = await runCli([...withFlag(base(), '--epochs', '2'), '--seed', '2', '--out', out]);
    expect(r.code).toBe(0);
    const second = JSON.parse(readFileSync(join(out, 'privacy.json'), 'utf8'));
    expect(second.steps).toBe(2 * first.steps);
    expect(second.weightsSha256).toBe(sha256(join(out, 'weights.bin')));
    expect(second.weightsSha256).not.toBe(first.weightsSha256);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('an --out holding files train did not write is refused before training and left alone', async () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, 'my-notes.txt'), 'keep me');
    const r = await runCli([...base(), '--out', out]);
    expectUsageError(r, `--out must be a new folder or one written by privkit train`);
    expect(r.stderr).toContain('"my-notes.txt"');
    expect(readdirSync(out)).toEqual(['my-notes.txt']);
  });
});

describe('--out that cannot be written: exit 2, one line naming it, before any training', () => {
  it.each([
    ['under a regular file (ENOTDIR)', (): string => join(dir, 'a-file', 'run'), /^privkit: --out must be a folder that can be created and written; got ".*a-file\/run": ".*a-file" is a file, not a folder \(ENOTDIR\)$/],
    ['in /sys (EACCES, even for root)', (): string => '/sys/privkit-test-run', /^privkit: --out must be a folder that can be created and written; got "\/sys\/privkit-test-run": permission denied at "\/sys" \(EACCES\)$/],
    ['in /proc (where recursive mkdir loops forever)', (): string => '/proc/privkit-test/run', /^privkit: --out .*the file system does not allow creating files in "\/proc" \(ENOENT\)$/],
  ])('%s', async (_name, path, message) => {
    const started = Date.now();
    const r = await runCli([...base(), '--out', path()]);
    expectUsageError(r, '--out');
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('models: probabilities out, refused layers exit 2', () => {
  it.each([
    ['linear', /--model .*linear must output probabilities: its last layer "dense_Dense\d+" has activation "linear"; end it in activation 'softmax'/],
    ['sigmoid', /its last layer "dense_Dense\d+" has activation "sigmoid"/],
  ])('a %s output is refused, naming the layer and the activation', async (name, message) => {
    const out = fresh();
    const r = await runCli([...withFlag(base(), '--model', join(dir, name)), '--out', out]);
    expectUsageError(r, 'must output probabilities');
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a Softmax layer at the end is accepted', async () => {
    const r = await runCli([...withFlag(base(), '--model', join(dir, 'softmaxLayer')), '--out', fresh()]);
    expect(r.code).toBe(0);
  });

  it.each([['batchNorm'], ['lstm']])('a %s model is refused with exit 2 (UNSUPPORTED_LAYER)', async (name) => {
    const out = fresh();
    const r = await runCli([...withFlag(base(), '--model', join(dir, name)), '--out', out]);
    expectUsageError(r, 'Layer "');
    expect(existsSync(out)).toBe(false);
  });
});

describe('data the split or the loss cannot use: exit 2 (BAD_DATA_FILE)', () => {
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it.each([
    ['one row', 'f,label\n1,0\n', 'a classifier needs at least 2 classes'],
    ['two rows', 'f,label\n1,0\n2,1\n', 'needs at least 5 data rows (a 20% test split of at least one row); got 2'],
    ['four rows', 'f,label\n1,0\n2,1\n3,0\n4,1\n', 'got 4'],
    ['one class', `f,label\n${Array.from({ length: 20 }, (_, i) => `${i},0`).join('\n')}\n`, 'a classifier needs at least 2 classes'],
    ['a label of 999999999', `f,label\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`).join('\n')}\n7,999999999\n`, 'label 999999999 is above 9999'],
    ['a label of -1', `f,label\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`).join('\n')}\n7,-1\n`, 'line 22, column "label"'],
    ['a feature too large for float32', `f,label\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`).join('\n')}\n1e39,0\n`, 'is too large for float32'],
  ])('%s', async (name, text, mention) => {
    const out = fresh();
    const r = await runCli([...withFlag(withFlag(base(), '--data', file(`${name.replace(/\W+/g, '-')}.csv`, text)), '--batch-size', '1'), '--out', out]);
    expectUsageError(r, mention);
    expect(existsSync(out)).toBe(false);
  });
});

describe('flags: float32 limits, divergence, repetition', () => {
  it.each([
    ['--max-grad-norm', '1e-300', 'which is 0 or denormal in float32'],
    ['--max-grad-norm', '1e39', 'which overflows float32'],
    ['--learning-rate', '1e-40', '--learning-rate must be a number in [1.1755e-38, 3.4028e38] (float32); got 1e-40'],
    ['--noise-multiplier', '1e-300', '--noise-multiplier must be 0 or a number in [1.1755e-38, 3.4028e38] (float32)'],
  ])('%s %s is refused before training', async (flag, value, mention) => {
    const r = await runCli([...withFlag(base(), flag, value), '--out', fresh()]);
    expectUsageError(r, mention);
  });

  it('σ · C beyond float32 (1e20 × 1e20) is refused, naming both flags', async () => {
    const r = await runCli([...withFlag(withFlag(base(), '--noise-multiplier', '1e20'), '--max-grad-norm', '1e20'), '--out', fresh()]);
    expectUsageError(r, '--noise-multiplier × --max-grad-norm (the noise\'s standard deviation) must be at most 3.4028e38 (float32); got 1e+20 × 1e+20 = 1e+40');
  });

  it('a learning rate that makes training diverge → exit 2 naming the flags, after the progress lines', async () => {
    const out = fresh();
    const r = await runCli([...withFlag(withFlag(base(), '--learning-rate', '1e30'), '--epochs', '3'), '--out', out]);
    expectFailureAfterProgress(r, /^privkit: training diverged \(.*NaN or infinite.*\): lower --learning-rate \(1e\+30\), --max-grad-norm \(1\) or --noise-multiplier \(1\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('on a terminal, the error line starts on a fresh line after the bar, which never jumps the cursor', async () => {
    const r = await runTerminal([...withFlag(withFlag(base(), '--learning-rate', '1e30'), '--epochs', '3'), '--out', fresh()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('training [');
    expect(r.stderr).not.toMatch(/\x1b[78]/); // save / restore cursor: the restore lands on a stale line
    const at = r.stderr.indexOf('privkit: training diverged');
    expect(at).toBeGreaterThan(0);
    expect(r.stderr[at - 1]).toBe('\n');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expectOneLine(r.stderr.slice(at));
  });

  it.each([
    ['--noise-multiplier', '1', '0'],
    ['--learning-rate', '0.5', '0.5'],
    ['--out', 'a', 'b'],
  ])('%s given twice is refused', async (flag, a, b) => {
    const argv = [...base().filter((_, i, all) => !(all[i] === flag || all[i - 1] === flag)), flag, a, flag, b, ...(flag === '--out' ? [] : ['--out', fresh()])];
    expectUsageError(await runCli(argv), `${flag} was given twice ("${a}", then "${b}"); give each flag at most once`);
  });

  it('--json given twice is refused', async () => {
    expectUsageError(await runCli([...base(), '--json', '--out', fresh()]), '--json was given twice; give each flag at most once');
  });
});
