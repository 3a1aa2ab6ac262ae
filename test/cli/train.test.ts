/**
 * `privkit train`, in-process: a DP-SGD run on a synthetic CSV file (ε checked against an independent
 * accountant, accuracy, files on disk), a calibrated run, a tiny CNN run on MNIST, the usage-error
 * contract, and stdout staying one JSON line while progress goes to stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError, RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { run, type CliIo } from '../../cli/index.js';
import { EXIT, exitCodeFor } from '../../cli/_internals/exitCodes.js';
import { loadModel, saveModel } from '../../src/node/index.js';
import { expectOneLine, expectUsageError, parseJsonLine, runCli, withFlag, withoutFlag, type CliResult } from './runCli.js';

const PRIVACY_KEYS = ['epsilon', 'delta', 'noiseMultiplier', 'sampleRate', 'steps', 'accountant', 'maxGradNorm', 'testAccuracy', 'randomness', 'weightsSha256'];

let dir: string;
let csv: string;
let outCount = 0;
/** A fresh output folder path (not created). */
const freshOut = (): string => join(dir, `out-${++outCount}`);

/** 400 rows, two Gaussian classes (means −1.5 and +1.5 in each of 4 features, unit variance), seeded. */
function writeSyntheticCsv(path: string): void {
  let s = 12345;
  const u = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const rows = ['f1,f2,f3,f4,label'];
  for (let i = 0; i < 400; i++) {
    const label = i % 2;
    const mean = label === 1 ? 1.5 : -1.5;
    rows.push(`${[0, 1, 2, 3].map(() => (mean + normal()).toFixed(5)).join(',')},${label}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

/** The base command of the CSV runs; each test adds --out. */
const csvArgs = (): string[] => [
  'train',
  '--data',
  csv,
  '--model',
  'mlp',
  '--epochs',
  '3',
  '--batch-size',
  '40',
  '--learning-rate',
  '0.5',
  '--max-grad-norm',
  '1',
  '--noise-multiplier',
  '1',
  '--delta',
  '1e-5',
  '--seed',
  '1',
  '--json',
];

/** Runs the CLI with an io whose stderr is (or is not) a terminal. */
async function runWith(argv: readonly string[], terminal: boolean): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    ...(terminal ? { stderrTerminal: { columns: 100 } } : {}),
  };
  const code = await run(argv, io, { debug: false });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-train-'));
  csv = join(dir, 'two-gaussians.csv');
  writeSyntheticCsv(csv);
  // Models that do not fit the CSV data (4 features, 2 classes).
  const wrongInput = tf.sequential({ layers: [tf.layers.dense({ inputShape: [7], units: 2, activation: 'softmax' })] });
  await saveModel(wrongInput, join(dir, 'wrong-input'));
  const wrongOutput = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
  await saveModel(wrongOutput, join(dir, 'wrong-output'));
  wrongInput.dispose();
  wrongOutput.dispose();
  mkdirSync(join(dir, 'damaged'));
  writeFileSync(join(dir, 'damaged', 'model.json'), '{ not json');
  writeFileSync(join(dir, 'a-file'), 'x');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('privkit train on a CSV file', () => {
  it('trains an mlp: ε equals the RDP accountant on ⌈E/q⌉ steps, accuracy > 0.85, model and privacy.json on disk', async () => {
    const out = freshOut();
    const r = await runCli([...csvArgs(), '--out', out]);
    expect(r.code).toBe(0);
    const printed = parseJsonLine(r.stdout);
    expect(Object.keys(printed)).toEqual(PRIVACY_KEYS);

    const q = 40 / 320; // 20% of 400 rows held out
    const steps = Math.ceil(3 / q);
    expect(printed).toMatchObject({ delta: 1e-5, noiseMultiplier: 1, sampleRate: q, steps, accountant: 'rdp', maxGradNorm: 1 });
    const expected = new RdpAccountant().compose(poissonSampled(q, gaussian(1)), steps).getEpsilon(1e-5);
    expect(Math.abs((printed.epsilon as number) / expected - 1)).toBeLessThanOrEqual(1e-12);
    expect(printed.testAccuracy as number).toBeGreaterThan(0.85);
    expect(printed.testAccuracy as number).toBeLessThanOrEqual(1);

    for (const f of ['model.json', 'weights.bin', 'privacy.json']) expect(existsSync(join(out, f))).toBe(true);
    const written = readFileSync(join(out, 'privacy.json'), 'utf8');
    expect(written).toBe(r.stdout);
    expect(JSON.parse(written)).toEqual(printed);
    const model = await loadModel(out);
    expect(model.inputs[0].shape).toEqual([null, 4]);
    expect(model.outputs[0].shape).toEqual([null, 2]);
    model.dispose();
  });

  it('--target-epsilon 2 calibrates σ so that ε ≤ 2, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([...withoutFlag(csvArgs(), '--noise-multiplier'), '--target-epsilon', '2', '--out', freshOut()]);
    expect(r.code).toBe(0);
    const printed = parseJsonLine(r.stdout);
    expect(printed.epsilon as number).toBeLessThanOrEqual(2);
    expect(printed.epsilon as number).toBeGreaterThan(1.5); // calibrated, not over-noised
    expect(printed.noiseMultiplier as number).toBeGreaterThan(1);
    expect(printed.steps).toBe(24);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a target ε no σ can reach: exit 3, one stderr line, --out not created', async () => {
    const out = freshOut();
    const r = await runCli([...withoutFlag(csvArgs(), '--noise-multiplier'), '--target-epsilon', '0.001', '--out', out]);
    expect(r.code).toBe(EXIT.UNREACHABLE_TARGET);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr);
    expect(existsSync(out)).toBe(false);
  });
});

describe('privkit train on dataset:mnist', () => {
  it('a tiny cnn run (⌈0.05 / (64/8000)⌉ = 7 steps) exits 0 with a test accuracy in [0, 1]', async () => {
    const out = freshOut();
    const argv = ['train', '--data', 'dataset:mnist', '--model', 'cnn', '--epochs', '0.05', '--batch-size', '64', '--learning-rate', '0.5'];
    const r = await runCli([...argv, '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--seed', '2', '--out', out, '--json']);
    expect(r.stderr).toContain('epoch 1/1: step 7/7');
    expect(r.code).toBe(0);
    const printed = parseJsonLine(r.stdout);
    expect(printed).toMatchObject({ sampleRate: 64 / 8000, steps: 7 });
    expect(printed.testAccuracy as number).toBeGreaterThanOrEqual(0);
    expect(printed.testAccuracy as number).toBeLessThanOrEqual(1);
    const model = await loadModel(out);
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    model.dispose();
  });
});

describe('privkit train usage errors: exit 2, empty stdout, one stderr line, --out not created', () => {
  const cases: { name: string; edit: (argv: string[]) => string[]; mention: string }[] = [
    { name: 'both noise flags', edit: (a) => [...a, '--target-epsilon', '2'], mention: '--target-epsilon' },
    { name: 'neither noise flag', edit: (a) => withoutFlag(a, '--noise-multiplier'), mention: '--noise-multiplier' },
    { name: '--delta 2', edit: (a) => withFlag(a, '--delta', '2'), mention: '--delta must be in (0, 1); got 2' },
    { name: '--batch-size 0', edit: (a) => withFlag(a, '--batch-size', '0'), mention: '--batch-size must be an integer ≥ 1' },
    { name: '--batch-size > N', edit: (a) => withFlag(a, '--batch-size', '321'), mention: '--batch-size must be ≤ the number of training examples (320' },
    { name: '--optimizer foo', edit: (a) => [...a, '--optimizer', 'foo'], mention: '--optimizer must be one of sgd, adam' },
    { name: '--model cnn on CSV data', edit: (a) => withFlag(a, '--model', 'cnn'), mention: '--model cnn needs image data' },
    { name: 'missing --model', edit: (a) => withoutFlag(a, '--model'), mention: '--model is required' },
    { name: '--model path that does not exist', edit: (a) => withFlag(a, '--model', join(dir, 'nope')), mention: 'does not exist' },
    { name: '--backend gpu', edit: (a) => [...a, '--backend', 'gpu'], mention: '--backend must be one of auto, tensorflow, wasm, cpu' },
    { name: '--epochs -1', edit: (a) => withFlag(a, '--epochs', '-1'), mention: '--epochs must be a finite number > 0' },
    { name: '--learning-rate 0', edit: (a) => withFlag(a, '--learning-rate', '0'), mention: '--learning-rate' },
    { name: '--max-grad-norm inf', edit: (a) => withFlag(a, '--max-grad-norm', '1e999'), mention: '--max-grad-norm' },
    { name: '--noise-multiplier -1', edit: (a) => withFlag(a, '--noise-multiplier', '-1'), mention: '--noise-multiplier must be 0 or a number in [1.1755e-38, 3.4028e38] (float32); got -1' },
    { name: '--seed 1.5', edit: (a) => withFlag(a, '--seed', '1.5'), mention: '--seed' },
    { name: 'dataset:foo (BAD_DATA_FILE)', edit: (a) => withFlag(a, '--data', 'dataset:foo'), mention: 'dataset:foo' },
    { name: 'a missing CSV file (BAD_DATA_FILE)', edit: (a) => withFlag(a, '--data', join(dir, 'missing.csv')), mention: 'missing.csv' },
    { name: 'a model with the wrong input shape', edit: (a) => withFlag(a, '--model', join(dir, 'wrong-input', 'model.json')), mention: 'examples shaped [7]' },
    { name: 'a model with the wrong number of outputs', edit: (a) => withFlag(a, '--model', join(dir, 'wrong-output')), mention: 'outputs [3]' },
    { name: 'a damaged model.json (BAD_MODEL_FILE)', edit: (a) => withFlag(a, '--model', join(dir, 'damaged')), mention: 'not valid JSON' },
  ];

  it.each(cases)('$name', async ({ edit, mention }) => {
    const out = freshOut();
    const r = await runCli(edit([...csvArgs(), '--out', out]));
    expectUsageError(r, mention);
    expect(existsSync(out)).toBe(false);
  });

  it('the model shape message names both shapes', async () => {
    const r = await runCli([...withFlag(csvArgs(), '--model', join(dir, 'wrong-input')), '--out', freshOut()]);
    expectUsageError(r, 'takes examples shaped [7] and outputs [2], but the data has examples shaped [4] and 2 classes');
  });

  it('missing --out', async () => {
    expectUsageError(await runCli(csvArgs()), '--out is required');
  });

  it('--out naming a file', async () => {
    expectUsageError(await runCli([...csvArgs(), '--out', join(dir, 'a-file')]), '--out must be a folder');
  });

  it('data and model file errors map to exit 2, budget errors to 3', () => {
    expect(exitCodeFor(new PrivkitError('BAD_DATA_FILE', 'x'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new PrivkitError('BAD_MODEL_FILE', 'x'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new PrivkitError('BUDGET_EXCEEDED', 'x'))).toBe(EXIT.UNREACHABLE_TARGET);
    expect(exitCodeFor(new PrivkitError('BACKEND_UNAVAILABLE', 'x'))).toBe(EXIT.FAILURE);
  });
});

describe('privkit train output streams', () => {
  it('--json: stdout is exactly one JSON line while the seed warning and one progress line per epoch go to stderr', async () => {
    const r = await runWith([...csvArgs(), '--out', freshOut()], false);
    expect(r.code).toBe(0);
    expect(Object.keys(parseJsonLine(r.stdout))).toEqual(PRIVACY_KEYS);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('privkit: warning: --seed makes noise and batch sampling reproducible; a seeded run is not for release');
    expect(lines[3]).toMatch(/^epoch 3\/3: step 24\/24, loss \d+\.\d{4}, ε \d+\.\d{4} \(δ = 1e-05\)$/);
  });

  it('on a terminal: a progress bar on stderr (step/total, loss, ε); stdout still one JSON line', async () => {
    const r = await runWith([...csvArgs(), '--out', freshOut()], true);
    expect(r.code).toBe(0);
    parseJsonLine(r.stdout);
    expect(r.stderr).toMatch(/training \[.*\] step 24\/24 \| loss \d+\.\d{4} \| ε \d+\.\d{4}/);
    expect(r.stdout).not.toContain('training [');
  });

  it('without --json: a short human summary on stdout', async () => {
    const out = freshOut();
    const r = await runCli([...withFlag(withoutFlag(csvArgs().slice(0, -1), '--seed'), '--learning-rate', '0.05'), '--accountant', 'pld', '--optimizer', 'adam', '--out', out]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Trained mlp on .*: 320 training examples, 24 steps \(q = 0\.125\), σ = 1, C = 1/);
    expect(lines[1]).toMatch(/^ε = \d+\.\d{4} at δ = 1e-05 \(PLD\); test accuracy \d\.\d{4} on 80 examples$/);
    expect(lines[2]).toContain('privacy.json');
    expect(r.stderr).not.toContain('warning'); // no --seed: secure randomness, no warning
    expect(JSON.parse(readFileSync(join(out, 'privacy.json'), 'utf8'))).toMatchObject({ accountant: 'pld', steps: 24 });
  });

  it('--help documents the CSV hold-out and the output files', async () => {
    const r = await runCli(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seeded 20%');
    expect(r.stdout).toContain('privacy.json');
    expect(r.stdout).toContain('--target-epsilon');
  });
});
