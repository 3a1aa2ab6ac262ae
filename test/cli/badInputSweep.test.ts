/**
 * A bad-input sweep over every `privkit` command and flag, in-process: NaN, ±Infinity, 0, negative,
 * huge, 1e-300, non-numeric, empty and repeated values, bad choices, missing, empty, binary and
 * malformed files, folders where files belong, and output paths under a file, on a file, in /proc or
 * /sys. Each invocation must keep the CLI contract for bad input — exit 2 (or 3 for an unreachable
 * target), exactly one stderr line starting "privkit: ", nothing on stdout, no `--out` left behind —
 * and fail before any training (tiny data keeps even the slowest path short).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/node/index.js';
import { runCli } from './runCli.js';

let dir: string;
let count = 0;
/** A fresh path for an output folder (not created). */
const freshOut = (): string => join(dir, `out-${++count}`);

/** Paths of the fixtures, filled in beforeAll; cases read them lazily. */
const p: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-sweep-'));
  const rows = Array.from({ length: 40 }, (_, i) => `${((i * 37) % 11) / 10 + (i % 2 ? 1 : -1)},${((i * 53) % 7) / 10},${i % 2}`);
  const put = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  p.csv = put('good.csv', `a,b,label\n${rows.join('\n')}\n`);
  p.empty = put('empty.txt', '');
  p.binary = put('binary.bin', Uint8Array.from({ length: 512 }, (_, i) => (i * 97 + 13) % 256));
  p.headerOnly = put('header-only.csv', 'a,b,label\n');
  p.ragged = put('ragged.csv', 'a,b,label\n1,2,0\n3,4\n');
  p.nanCsv = put('nan.csv', `a,b,label\n${rows.slice(0, 10).join('\n')}\nNaN,1,0\n`);
  p.oneClass = put('one-class.csv', `a,b,label\n${rows.map((r) => r.replace(/,[01]$/, ',0')).join('\n')}\n`);
  p.hugeLabel = put('huge-label.csv', `a,b,label\n${rows.join('\n')}\n1,1,999999999\n`);
  p.negLabel = put('neg-label.csv', `a,b,label\n${rows.join('\n')}\n1,1,-1\n`);
  p.gapLabels = put('gap-labels.csv', `a,b,label\n${rows.map((r) => r.replace(/,1$/, ',5')).join('\n')}\n`);
  p.twoRows = put('two-rows.csv', 'a,b,label\n1,2,0\n3,4,1\n');
  p.hugeFeature = put('huge-feature.csv', `a,b,label\n${rows.join('\n')}\n1e39,1,0\n`);
  p.aFile = put('a-file', 'x');
  p.folder = join(dir, 'a-folder');
  mkdirSync(p.folder);
  p.members = put('members.txt', `${Array.from({ length: 20 }, (_, i) => 2 * i).join('\n')}\n`);
  p.membersNeg = put('members-neg.txt', '0\n-1\n');
  p.membersDup = put('members-dup.txt', '0\n0\n');
  p.membersFar = put('members-far.txt', '0\n99999\n');
  p.membersAll = put('members-all.txt', `${Array.from({ length: 40 }, (_, i) => i).join('\n')}\n`);
  const labels = Array.from({ length: 40 }, (_, i) => i % 2);
  const logits = (s: number): number[][] => labels.map((l, i) => [l === 0 ? s + (i % 5) / 10 : 0, l === 1 ? s + (i % 3) / 10 : 0]);
  p.scores = put('scores.json', JSON.stringify({ labels, target: logits(1), shadows: [0, 1, 2, 3].map((j) => ({ logits: logits(j / 2), inMask: labels.map((_, i) => (i + j) % 2) })) }));
  p.scoresRagged = put('scores-ragged.json', JSON.stringify({ labels, target: logits(1).slice(3), shadows: [] }));
  p.scoresNull = put('scores-null.json', 'null');
  p.badJson = put('bad.json', '{ "labels": [1, 2');
  p.text = put('corpus.txt', 'the quick brown fox jumps over the lazy dog. '.repeat(20));
  // Models: a good one for the CSV (2 features, 2 classes), one with a linear output, one damaged.
  const good = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax' })] });
  p.model = join(dir, 'model');
  await saveModel(good, p.model);
  const linear = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
  p.linearModel = join(dir, 'linear-model');
  await saveModel(linear, p.linearModel);
  const wrong = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2, activation: 'softmax' })] });
  p.wrongModel = join(dir, 'wrong-model');
  await saveModel(wrong, p.wrongModel);
  tf.dispose([good, linear, wrong].map((m) => m as unknown as tf.Tensor));
  p.binaryModel = join(dir, 'binary-model');
  mkdirSync(p.binaryModel);
  writeFileSync(join(p.binaryModel, 'model.json'), Uint8Array.from({ length: 256 }, (_, i) => (i * 31) % 256));
  p.emptyModel = join(dir, 'empty-model');
  mkdirSync(p.emptyModel);
  writeFileSync(join(p.emptyModel, 'model.json'), '');
  // A report folder privkit report can rebuild.
  p.report = join(dir, 'report');
  mkdirSync(p.report);
  writeFileSync(join(p.report, 'report.json'), JSON.stringify({ document: { title: 't', generatedAt: 'now', sections: [], settings: {} } }));
  p.reportNoDoc = join(dir, 'report-nodoc');
  mkdirSync(p.reportNoDoc);
  writeFileSync(join(p.reportNoDoc, 'report.json'), '{"html": "index.html"}');
  p.reportBinary = join(dir, 'report-binary');
  mkdirSync(p.reportBinary);
  writeFileSync(join(p.reportBinary, 'report.json'), Uint8Array.from({ length: 64 }, (_, i) => i * 3));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One invocation: a name, argv built lazily (fixtures exist only after beforeAll), the output it must not leave. */
interface Case {
  readonly name: string;
  readonly argv: () => { argv: string[]; out?: string };
  /** What the error line must name (the flag at fault), where one flag is. */
  readonly mention?: string;
}

/** argv with `flag` set to `value` (replaced, or appended when absent). */
function set(argv: readonly string[], flag: string, value: string): string[] {
  const i = argv.indexOf(flag);
  if (i < 0) return [...argv, flag, value];
  const out = [...argv];
  out[i + 1] = value;
  return out;
}

function drop(argv: readonly string[], flag: string): string[] {
  const i = argv.indexOf(flag);
  return i < 0 ? [...argv] : [...argv.slice(0, i), ...argv.slice(i + 2)];
}

/** The values no numeric flag accepts. */
const NEVER_NUMBERS = ['NaN', 'Infinity', '-Infinity', 'inf', '1e999', '-1e999', 'abc', '', '0x10', '1,5', ' 1', '--json'];

/**
 * Cases for one command: each numeric flag with the values that never parse plus its own bad ones,
 * each choice flag with a bogus and an empty value, each flag repeated, the extra cases, and the base
 * without each required flag.
 */
function command(
  name: string,
  base: () => string[],
  spec: {
    numeric?: Record<string, readonly string[]>;
    choices?: readonly string[];
    required?: readonly string[];
    repeat?: readonly string[];
    extra?: readonly { name: string; edit: (argv: string[]) => string[] }[];
    writesOut?: boolean;
  },
): Case[] {
  // A fresh --out for commands that write one, unless the case sets its own (or leaves it out).
  const withOut = (argv: string[]): { argv: string[]; out?: string } => {
    if (spec.writesOut !== true || argv.includes('--out')) return { argv };
    const out = freshOut();
    return { argv: [...argv, '--out', out], out };
  };
  const cases: Case[] = [];
  for (const [flag, own] of Object.entries(spec.numeric ?? {})) {
    for (const v of [...NEVER_NUMBERS, ...own]) cases.push({ name: `${name} ${flag} ${JSON.stringify(v)}`, argv: () => withOut(set(base(), flag, v)), mention: flag });
  }
  for (const flag of spec.choices ?? []) {
    for (const v of ['bogus', '']) cases.push({ name: `${name} ${flag} ${JSON.stringify(v)}`, argv: () => withOut(set(base(), flag, v)), mention: flag });
  }
  for (const flag of spec.required ?? []) {
    cases.push({ name: `${name} without ${flag}`, argv: () => (flag === '--out' ? { argv: drop(base(), flag) } : withOut(drop(base(), flag))), mention: flag });
  }
  for (const flag of spec.repeat ?? []) {
    cases.push({
      name: `${name} ${flag} repeated`,
      mention: `${flag} was given twice`,
      argv: () => {
        const b = base();
        const i = b.indexOf(flag);
        if (i < 0) {
          // An output folder the base leaves to its default: give it twice.
          const out = freshOut();
          return { argv: [...b, flag, out, flag, out], out };
        }
        const isSwitch = i + 1 >= b.length || b[i + 1].startsWith('--');
        return withOut([...b, ...(isSwitch ? [flag] : [flag, b[i + 1]])]);
      },
    });
  }
  for (const e of spec.extra ?? []) cases.push({ name: `${name} ${e.name}`, argv: () => withOut(e.edit(base())) });
  return cases;
}

/** Output-path cases for a flag that names a folder to write. */
const badOutputs = (flag: string): { name: string; edit: (argv: string[]) => string[] }[] => [
  { name: `${flag} under a regular file`, edit: (a) => set(a, flag, join(p.aFile, 'x')) },
  { name: `${flag} on a regular file`, edit: (a) => set(a, flag, p.aFile) },
  { name: `${flag} empty`, edit: (a) => set(a, flag, '') },
  { name: `${flag} in /proc`, edit: (a) => set(a, flag, '/proc/privkit-sweep/x') },
  { name: `${flag} in /sys`, edit: (a) => set(a, flag, '/sys/privkit-sweep') },
];

/** Input-file cases for a flag that names a file to read. */
const badInputs = (flag: string, more: readonly [string, () => string][] = []): { name: string; edit: (argv: string[]) => string[] }[] => [
  ...([
    ['missing', () => join(dir, 'no-such-file')],
    ['empty string', () => ''],
    ['empty file', () => p.empty],
    ['binary file', () => p.binary],
    ['a folder', () => p.folder],
    ['under a regular file', () => join(p.aFile, 'x')],
    ...more,
  ] as [string, () => string][]).map(([what, path]) => ({ name: `${flag} ${what}`, edit: (a: string[]) => set(a, flag, path()) })),
];

const epsilonBase = (): string[] => ['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1e-5', '--json'];
const noiseBase = (): string[] => ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '100', '--json'];
const trainBase = (): string[] => [
  'train', '--data', p.csv, '--model', 'mlp', '--epochs', '1', '--batch-size', '8', '--learning-rate', '0.5',
  '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--backend', 'cpu', '--json',
];
const miaScoresBase = (): string[] => ['audit', 'mia', '--scores', p.scores, '--members', p.members, '--attack', 'loss', '--json'];
const miaModelBase = (): string[] => [
  'audit', 'mia', '--model', p.model, '--data', p.csv, '--members', p.members, '--shadow-models', '2', '--epochs', '1',
  '--batch-size', '8', '--attack', 'loss', '--backend', 'cpu', '--json',
];
const dpBase = (): string[] => [
  'audit', 'dp', '--data', p.csv, '--canaries', '4', '--noise-multiplier', '1', '--delta', '1e-5', '--epochs', '1',
  '--batch-size', '8', '--backend', 'cpu', '--json',
];
const canaryBase = (): string[] => ['audit', 'canary', '--text', p.text, '--canary', 'pin {d2}', '--epochs', '1', '--insertions', '1', '--canaries-per-count', '1', '--backend', 'cpu', '--json'];

const F32 = ['0', '-1', '1e-300', '1e-40', '1e39'];

const CASES: Case[] = [
  { name: 'no command', argv: () => ({ argv: [] }) },
  { name: 'unknown command', argv: () => ({ argv: ['frobnicate'] }) },
  { name: 'unknown option', argv: () => ({ argv: ['epsilon', '--bogus'] }) },
  ...command('epsilon', epsilonBase, {
    numeric: { '--sample-rate': ['0', '-0.5', '1.5', '1e-400'], '--noise-multiplier': ['0', '-1'], '--steps': ['0', '-1', '1.5', '1e20'], '--delta': ['0', '1', '-1e-5', '2'] },
    choices: ['--accountant'],
    required: ['--delta', '--noise-multiplier', '--steps'],
    repeat: ['--sample-rate', '--noise-multiplier', '--steps', '--delta', '--json'],
    extra: [
      { name: 'both sampling forms', edit: (a) => [...a, '--batch-size', '10', '--dataset-size', '100', '--epochs', '1'] },
      { name: '--batch-size > --dataset-size', edit: (a) => [...drop(drop(a, '--sample-rate'), '--steps'), '--batch-size', '200', '--dataset-size', '100', '--epochs', '1'] },
    ],
  }),
  ...command('noise', noiseBase, {
    numeric: { '--target-epsilon': ['0', '-1'], '--delta': ['0', '1'], '--sample-rate': ['0', '2'], '--steps': ['0', '0.5'] },
    choices: ['--accountant'],
    required: ['--target-epsilon', '--delta'],
    repeat: ['--target-epsilon', '--delta', '--sample-rate', '--steps', '--accountant'],
    extra: [{ name: 'unreachable target (exit 3)', edit: (a) => set(set(a, '--target-epsilon', '1e-6'), '--sample-rate', '1') }],
  }),
  ...command('train', trainBase, {
    numeric: {
      '--epochs': ['0', '-1'],
      '--batch-size': ['0', '-1', '1.5', '1e20', '33', '100000'],
      '--learning-rate': F32,
      '--max-grad-norm': F32,
      '--noise-multiplier': ['-1', '1e-300', '1e-40', '1e39'],
      '--delta': ['0', '1', '2', '-1e-5'],
      '--seed': ['-1', '1.5', '4294967296'],
    },
    choices: ['--optimizer', '--backend', '--accountant', '--model'],
    required: ['--data', '--model', '--epochs', '--batch-size', '--learning-rate', '--max-grad-norm', '--noise-multiplier', '--delta', '--out'],
    repeat: ['--data', '--model', '--epochs', '--batch-size', '--learning-rate', '--max-grad-norm', '--noise-multiplier', '--delta', '--backend', '--json', '--out'],
    writesOut: true,
    extra: [
      { name: '--noise-multiplier 1 --noise-multiplier 0', edit: (a) => [...a, '--noise-multiplier', '0'] },
      { name: 'both noise flags', edit: (a) => [...a, '--target-epsilon', '2'] },
      { name: '--target-epsilon NaN', edit: (a) => [...drop(a, '--noise-multiplier'), '--target-epsilon', 'NaN'] },
      { name: '--target-epsilon 1e-300 (exit 3)', edit: (a) => [...drop(a, '--noise-multiplier'), '--target-epsilon', '1e-300'] },
      { name: 'σ·C overflows float32', edit: (a) => set(set(a, '--noise-multiplier', '1e20'), '--max-grad-norm', '1e20') },
      { name: '--label-column missing', edit: (a) => [...a, '--label-column', 'nope'] },
      { name: '--label-column empty', edit: (a) => [...a, '--label-column', ''] },
      { name: '--model cnn on a CSV', edit: (a) => set(a, '--model', 'cnn') },
      { name: '--model linear output', edit: (a) => set(a, '--model', p.linearModel) },
      { name: '--model wrong input shape', edit: (a) => set(a, '--model', p.wrongModel) },
      { name: '--model binary model.json', edit: (a) => set(a, '--model', p.binaryModel) },
      { name: '--model empty model.json', edit: (a) => set(a, '--model', p.emptyModel) },
      { name: '--model a folder without model.json', edit: (a) => set(a, '--model', p.folder) },
      { name: '--model a binary file', edit: (a) => set(a, '--model', p.binary) },
      { name: '--data dataset:nope', edit: (a) => set(a, '--data', 'dataset:nope') },
      ...badInputs('--data', [
        ['header only', () => p.headerOnly],
        ['ragged rows', () => p.ragged],
        ['a NaN feature', () => p.nanCsv],
        ['one class', () => p.oneClass],
        ['a huge label', () => p.hugeLabel],
        ['a negative label', () => p.negLabel],
        ['labels {0, 5}', () => p.gapLabels],
        ['two rows', () => p.twoRows],
        ['a feature beyond float32', () => p.hugeFeature],
      ]),
      ...badOutputs('--out'),
    ],
  }),
  ...command('audit mia --scores', miaScoresBase, {
    numeric: { '--seed': ['-1', '1.5', '4294967296'] },
    choices: ['--attack', '--backend'],
    required: ['--members', '--out'],
    repeat: ['--scores', '--members', '--attack', '--json', '--out'],
    writesOut: true,
    extra: [
      { name: '--attack loss,loss', edit: (a) => set(a, '--attack', 'loss,loss') },
      { name: '--attack "loss,"', edit: (a) => set(a, '--attack', 'loss,') },
      { name: '--scores and --model', edit: (a) => [...a, '--model', p.model] },
      { name: '--scores ragged', edit: (a) => set(a, '--scores', p.scoresRagged) },
      { name: '--scores null', edit: (a) => set(a, '--scores', p.scoresNull) },
      { name: '--scores bad JSON', edit: (a) => set(a, '--scores', p.badJson) },
      ...badInputs('--scores'),
      { name: '--members negative', edit: (a) => set(a, '--members', p.membersNeg) },
      { name: '--members duplicate', edit: (a) => set(a, '--members', p.membersDup) },
      { name: '--members beyond the data', edit: (a) => set(a, '--members', p.membersFar) },
      { name: '--members every row', edit: (a) => set(a, '--members', p.membersAll) },
      ...badInputs('--members'),
      { name: '--shard 99999999999999999999/999999999999999999999', edit: (a) => [...a, '--shard', '99999999999999999999/999999999999999999999', '--cache', freshOut()] },
      { name: '--shard 3/2', edit: (a) => [...a, '--shard', '3/2', '--cache', freshOut()] },
      { name: '--shard 0/17 (> 16 shadows)', edit: (a) => [...a, '--shard', '0/17', '--cache', freshOut()] },
      { name: '--shard 1/0', edit: (a) => [...a, '--shard', '1/0', '--cache', freshOut()] },
      { name: '--shard -1/2', edit: (a) => [...a, '--shard', '-1/2', '--cache', freshOut()] },
      { name: '--shard a/b', edit: (a) => [...a, '--shard', 'a/b', '--cache', freshOut()] },
      { name: '--shard empty', edit: (a) => [...a, '--shard', '', '--cache', freshOut()] },
      { name: '--shard without --cache', edit: (a) => [...a, '--shard', '0/2'] },
      ...badOutputs('--out'),
    ],
  }),
  ...command('audit mia --model', miaModelBase, {
    numeric: {
      '--shadow-models': ['0', '-1', '1.5', '5000'],
      '--epochs': ['0', '-1', '1e6'],
      '--batch-size': ['0', '-1', '1e7'],
      '--learning-rate': F32,
      '--population-size': ['0', '1', '1.5', '1000000'],
      '--jobs': ['0', '300', '1.5'],
    },
    choices: ['--optimizer'],
    required: ['--data', '--members', '--out'],
    repeat: ['--model', '--data', '--shadow-models', '--epochs', '--cache', '--out'],
    writesOut: true,
    extra: [
      { name: 'without --model or --scores', edit: (a) => drop(a, '--model') },
      { name: '--model missing', edit: (a) => set(a, '--model', join(dir, 'nope')) },
      { name: '--model wrong input shape', edit: (a) => set(a, '--model', p.wrongModel) },
      { name: '--model binary model.json', edit: (a) => set(a, '--model', p.binaryModel) },
      { name: '--model a folder without model.json', edit: (a) => set(a, '--model', p.folder) },
      { name: '--label-column missing', edit: (a) => [...a, '--label-column', 'nope'] },
      { name: '--data dataset:nope', edit: (a) => set(a, '--data', 'dataset:nope') },
      ...badInputs('--data', [
        ['ragged rows', () => p.ragged],
        ['a huge label', () => p.hugeLabel],
        ['one class', () => p.oneClass],
      ]),
      { name: '--cache empty', edit: (a) => [...a, '--cache', ''] },
      ...badOutputs('--cache').filter((c) => !c.name.endsWith('empty')),
      ...badOutputs('--out'),
    ],
  }),
  ...command('audit dp', dpBase, {
    numeric: {
      '--canaries': ['0', '1', '1.5', '-1', '1e7', '30'],
      '--noise-multiplier': ['0', ...F32.slice(1)],
      '--delta': ['0', '1', '2'],
      '--epochs': ['0', '-1', '1.5', '1e6'],
      '--batch-size': ['0', '-1', '1e7', '37'],
      '--learning-rate': F32,
      '--max-grad-norm': F32,
      '--seed': ['-1', '1.5', '4294967296'],
    },
    choices: ['--canary-type', '--optimizer', '--backend'],
    required: ['--data', '--canaries', '--noise-multiplier', '--delta', '--epochs', '--out'],
    repeat: ['--data', '--canaries', '--noise-multiplier', '--delta', '--epochs', '--batch-size', '--max-grad-norm', '--json', '--out'],
    writesOut: true,
    extra: [
      { name: 'both noise flags', edit: (a) => [...a, '--target-epsilon', '2'] },
      { name: 'σ·C overflows float32', edit: (a) => set(set(a, '--noise-multiplier', '1e20'), '--max-grad-norm', '1e20') },
      { name: '--model missing', edit: (a) => [...a, '--model', join(dir, 'nope')] },
      { name: '--model linear output', edit: (a) => [...a, '--model', p.linearModel] },
      { name: '--model wrong input shape', edit: (a) => [...a, '--model', p.wrongModel] },
      { name: '--model binary model.json', edit: (a) => [...a, '--model', p.binaryModel] },
      { name: '--label-column missing', edit: (a) => [...a, '--label-column', 'nope'] },
      ...badInputs('--data', [
        ['ragged rows', () => p.ragged],
        ['one class', () => p.oneClass],
        ['a huge label', () => p.hugeLabel],
      ]),
      ...badOutputs('--out'),
    ],
  }),
  ...command('audit canary', canaryBase, {
    numeric: {
      '--text-length': ['0', '99', '1e9', '1.5'],
      '--canaries-per-count': ['0', '1001', '1.5'],
      '--epochs': ['0', '-1', '1e6'],
      '--batch-size': ['0', '-1', '1e7'],
      '--learning-rate': F32,
      '--seed': ['-1', '1.5', '4294967296'],
    },
    choices: ['--exposure', '--model', '--backend'],
    required: ['--text', '--canary', '--epochs', '--out'],
    repeat: ['--text', '--canary', '--epochs', '--insertions', '--json', '--out'],
    writesOut: true,
    extra: [
      { name: '--canary without a slot', edit: (a) => set(a, '--canary', 'no slot here') },
      { name: '--canary empty', edit: (a) => set(a, '--canary', '') },
      ...['', '0', '-1', '1,,2', 'a', '1e6', 'NaN', '1.5'].map((v) => ({ name: `--insertions ${JSON.stringify(v)}`, edit: (a: string[]) => set(a, '--insertions', v) })),
      { name: 'both noise flags', edit: (a) => [...a, '--noise-multiplier', '1', '--target-epsilon', '2', '--delta', '1e-5'] },
      { name: '--delta without DP', edit: (a) => [...a, '--delta', '1e-5'] },
      { name: 'DP without --delta', edit: (a) => [...a, '--noise-multiplier', '1'] },
      ...['0', '-1', '1e-300', '1e39', 'NaN'].map((v) => ({ name: `--noise-multiplier ${v}`, edit: (a: string[]) => [...a, '--noise-multiplier', v, '--delta', '1e-5'] })),
      ...['1e-300', '1e39', '0', 'NaN'].map((v) => ({ name: `DP --max-grad-norm ${v}`, edit: (a: string[]) => [...a, '--noise-multiplier', '1', '--delta', '1e-5', '--max-grad-norm', v] })),
      ...['0', '1', 'NaN'].map((v) => ({ name: `DP --delta ${v}`, edit: (a: string[]) => [...a, '--noise-multiplier', '1', '--delta', v] })),
      { name: 'DP --batch-size above the records', edit: (a) => [...a, '--noise-multiplier', '1', '--delta', '1e-5', '--batch-size', '100000'] },
      ...badInputs('--text').filter((c) => !c.name.includes('binary') && !c.name.includes('empty file')),
      ...badOutputs('--out'),
    ],
  }),
  ...command('demo', () => ['demo', '--quick', '--json'], {
    repeat: ['--quick', '--json', '--out', '--cache'],
    extra: [...badOutputs('--out'), ...badOutputs('--cache')],
  }),
  ...command('report', () => ['report', p.report, '--json'], {
    repeat: ['--json'],
    extra: [
      { name: '<dir> empty', edit: () => ['report', ''] },
      { name: '<dir> missing', edit: () => ['report', join(dir, 'nope')] },
      { name: '<dir> without a document', edit: () => ['report', p.reportNoDoc] },
      { name: '<dir> binary report.json', edit: () => ['report', p.reportBinary] },
      { name: '<dir> a binary file', edit: () => ['report', p.binary] },
      { name: '<dir> an empty file', edit: () => ['report', p.empty] },
      { name: '--out empty', edit: (a) => [...a, '--out', ''] },
      { name: '--out under a regular file', edit: (a) => [...a, '--out', join(p.aFile, 'x.html')] },
      { name: '--out a folder', edit: (a) => [...a, '--out', p.folder] },
      { name: '--out in /sys', edit: (a) => [...a, '--out', '/sys/privkit-sweep.html'] },
      { name: '--out in /proc', edit: (a) => [...a, '--out', '/proc/privkit-sweep/x.html'] },
      { name: '--out repeated', edit: (a) => [...a, '--out', join(dir, 'a.html'), '--out', join(dir, 'b.html')] },
    ],
  }),
];

describe('controls: every base invocation of the sweep is valid (so each case is bad because of its one change)', () => {
  it.each([
    ['epsilon', epsilonBase, false],
    ['noise', noiseBase, false],
    ['train', trainBase, true],
    ['audit mia --scores', miaScoresBase, true],
    ['audit mia --model', miaModelBase, true],
    ['audit dp', dpBase, true],
    ['audit canary', canaryBase, true],
    ['report', () => ['report', p.report, '--json'], false],
  ] as const)('%s', async (_name, base, writesOut) => {
    const r = await runCli([...base(), ...(writesOut ? ['--out', freshOut()] : [])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toBe('');
  });
});

describe(`bad input to every command and flag (${CASES.length} invocations): exit 2 or 3, one "privkit: " line on stderr, nothing on stdout`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { argv, out } = c.argv();
    const r = await runCli(argv);
    expect(r.stdout, `stdout of ${JSON.stringify(argv)}`).toBe('');
    expect([2, 3], `exit ${r.code}: ${r.stderr}`).toContain(r.code);
    expect(r.stderr, 'exactly one line').toMatch(/^privkit: [^\n]+\n$/);
    if (c.mention !== undefined) expect(r.stderr).toContain(c.mention);
    if (out !== undefined) expect(existsSync(out), `${out} left behind`).toBe(false);
  });
});
