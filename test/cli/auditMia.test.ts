/**
 * `privkit audit mia`, in-process: the --scores path (JSON line, report files, an AUC checked against
 * a pairwise count over scores.csv), the usage-error contract with nothing written to --out, a tiny
 * saved model audited with shadow models (cache reuse, shape mismatch), --shard runs into a shared
 * cache, and --help.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/index.js';
import { loadDataset, saveModel } from '../../src/node/index.js';
import { mulberry32 } from '../_support/prng.js';
import { expectOneLine, expectUsageError, parseJsonLine, runCli, type CliResult } from './runCli.js';

const SUMMARY_KEYS = ['attacks', 'members', 'nonMembers', 'shadowModels'];
const ATTACK_KEYS = ['name', 'auc', 'tprAtFpr', 'advantage'];
const FPR_KEYS = ['0.001', '0.01', '0.1'];
const ALL_ATTACKS = ['loss', 'shokri', 'lira', 'lira-offline', 'rmia'];

let dir: string;
let outCount = 0;
/** A fresh output (or cache) folder path, not created. */
const fresh = (what = 'out'): string => join(dir, `${what}-${++outCount}`);

/** A standard normal draw (Box–Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * A --scores file: n examples, k classes, `shadows` shadows in complementary pairs (shadow 2j+1 is IN
 * exactly where 2j is OUT); every model's logits are a per-example base plus noise, plus `shift` on the
 * true class where the model trained on the example. Members are the rows with `isMember[i] = 1`.
 */
function scoresFixture(n: number, k: number, shadows: number, seed: number): { json: object; members: number[] } {
  const rand = mulberry32(seed);
  const shift = 2;
  const labels = Array.from({ length: n }, () => Math.floor(rand() * k));
  const base = Array.from({ length: n }, () => Array.from({ length: k }, () => gaussian(rand)));
  const logits = (isIn: (i: number) => boolean): number[][] =>
    base.map((row, i) => row.map((z, c) => z + 0.3 * gaussian(rand) + (isIn(i) && c === labels[i] ? shift : 0)));
  const members: number[] = [];
  for (let i = 0; i < n; i++) if (rand() < 0.5) members.push(i);
  const memberSet = new Set(members);
  const shadowList = [];
  for (let j = 0; j < shadows; j += 2) {
    const mask = Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
    for (const m of j + 1 < shadows ? [mask, mask.map((v) => 1 - v)] : [mask]) shadowList.push({ logits: logits((i) => m[i] === 1), inMask: m });
  }
  return { json: { labels, target: logits((i) => memberSet.has(i)), shadows: shadowList }, members };
}

/** Writes a members file: a comment, a blank line, then one index per line. */
function writeMembers(path: string, lines: readonly (number | string)[]): string {
  writeFileSync(path, `# rows the target trained on\n\n${lines.join('\n')}\n`);
  return path;
}

/** AUC as the fraction of (member, non-member) pairs ranked right, ties counting one half. */
function pairwiseAuc(scores: readonly number[], isMember: readonly number[]): number {
  const m = scores.filter((_, i) => isMember[i] === 1);
  const o = scores.filter((_, i) => isMember[i] === 0);
  let wins = 0;
  for (const a of m) for (const b of o) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (m.length * o.length);
}

/** Asserts the `--json` summary shape: exactly the documented keys, at every level. */
function expectSummaryShape(summary: Record<string, unknown>, attacks: readonly string[]): void {
  expect(Object.keys(summary)).toEqual(SUMMARY_KEYS);
  const list = summary.attacks as Record<string, unknown>[];
  expect(list.map((a) => a.name)).toEqual(attacks);
  for (const a of list) {
    expect(Object.keys(a)).toEqual(ATTACK_KEYS);
    expect(Object.keys(a.tprAtFpr as object)).toEqual(FPR_KEYS);
    for (const v of [a.auc, a.advantage, ...Object.values(a.tprAtFpr as object)]) {
      expect(typeof v).toBe('number');
      expect(v as number).toBeGreaterThanOrEqual(0);
      expect(v as number).toBeLessThanOrEqual(1);
    }
  }
}

/** The progress lines a non-terminal stderr gets for finished shadows. */
const progressLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('shadow models:'));

/** `<cache>/<key>/shadow-XXXX` folders and their modification times. */
function shadowFolders(cache: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of readdirSync(cache)) {
    if (!statSync(join(cache, key)).isDirectory()) continue;
    for (const f of readdirSync(join(cache, key))) {
      if (f.startsWith('shadow-')) out.set(`${key}/${f}`, statSync(join(cache, key, f)).mtimeMs);
    }
  }
  return out;
}

const N = 200;
const SHADOWS = 8;
let scoresPath: string;
let oneShadowPath: string;
let membersPath: string;
let memberIndices: number[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-audit-'));
  const { json, members } = scoresFixture(N, 10, SHADOWS, 20240601);
  scoresPath = join(dir, 'scores.json');
  writeFileSync(scoresPath, JSON.stringify(json));
  const one = scoresFixture(N, 10, 1, 7);
  oneShadowPath = join(dir, 'one-shadow.json');
  writeFileSync(oneShadowPath, JSON.stringify(one.json));
  memberIndices = members;
  membersPath = writeMembers(join(dir, 'members.txt'), members);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('privkit audit mia --scores (bring your own logits)', () => {
  it('prints one JSON line with the documented keys, and writes the same head to report.json, a script-free report.html and scores.csv', async () => {
    const out = fresh();
    const r = await runCli(['audit', 'mia', '--scores', scoresPath, '--members', membersPath, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = parseJsonLine(r.stdout);
    expectSummaryShape(summary, ALL_ATTACKS);
    expect(summary).toMatchObject({ members: memberIndices.length, nonMembers: N - memberIndices.length, shadowModels: SHADOWS });
    // Members are shifted up on their true class: LiRA must find them well above chance.
    const lira = (summary.attacks as { name: string; auc: number }[]).find((a) => a.name === 'lira');
    expect(lira?.auc).toBeGreaterThan(0.8);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, SUMMARY_KEYS.length)).toEqual(SUMMARY_KEYS);
    expect(Object.fromEntries(SUMMARY_KEYS.map((key) => [key, report[key]]))).toEqual(summary);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script/i);

    const csv = readFileSync(join(out, 'scores.csv'), 'utf8');
    expect(csv.endsWith('\n')).toBe(true);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(N + 1);
    expect(lines[0]).toBe(['row', 'member', ...ALL_ATTACKS].join(','));
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: N }, (_, i) => i));
    const memberSet = new Set(memberIndices);
    expect(rows.map((row) => row[1])).toEqual(rows.map((_, i) => (memberSet.has(i) ? 1 : 0)));
    for (const row of rows) expect(row.every(Number.isFinite)).toBe(true);

    // Independent check: the AUC of each attack is the pairwise ranking count over its scores.csv column.
    const isMember = rows.map((row) => row[1]);
    for (const [c, name] of ALL_ATTACKS.entries()) {
      const printed = (summary.attacks as { name: string; auc: number }[])[c];
      expect(printed.name).toBe(name);
      expect(printed.auc).toBeCloseTo(pairwiseAuc(rows.map((row) => row[2 + c]), isMember), 12);
    }
  });

  it('--attack picks attacks in the given order; without --json prints one line per attack and the files written', async () => {
    const out = fresh();
    const json = await runCli(['audit', 'mia', '--scores', scoresPath, '--members', membersPath, '--attack', 'rmia,loss', '--out', out, '--json']);
    expect(json.code).toBe(0);
    expectSummaryShape(parseJsonLine(json.stdout), ['rmia', 'loss']);
    expect(readFileSync(join(out, 'scores.csv'), 'utf8').split('\n')[0]).toBe('row,member,rmia,loss');

    const human = await runCli(['audit', 'mia', '--scores', scoresPath, '--members', membersPath, '--attack', 'rmia,loss', '--out', out]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Membership inference on \d+ members and \d+ non-members with 8 shadow models:$/);
    expect(lines[1]).toMatch(/^ {2}rmia +AUC \d\.\d{4} /);
    expect(lines[2]).toMatch(/^ {2}loss +AUC \d\.\d{4} /);
    expect(lines[3]).toContain(join(out, 'report.json'));
  });
});

describe('privkit audit mia: bad input → exit 2, one stderr line, nothing in --out', () => {
  const scoresArgs = (out: string, members = membersPath): string[] => ['audit', 'mia', '--scores', scoresPath, '--members', members, '--out', out, '--json'];
  let k = 0;
  const membersFile = (lines: (number | string)[]): string => writeMembers(join(dir, `bad-members-${++k}.txt`), lines);
  const badScores = (out: string, text: string): string[] => {
    const path = join(dir, `bad-scores-${++k}.json`);
    writeFileSync(path, text);
    return ['audit', 'mia', '--scores', path, '--members', membersPath, '--attack', 'loss', '--out', out];
  };

  const cases: { name: string; argv: (out: string) => string[]; mention: string | RegExp }[] = [
    { name: 'a duplicate member index', argv: (out) => scoresArgs(out, membersFile([3, 5, 3])), mention: 'member index 3 appears twice' },
    { name: 'an out-of-range member index', argv: (out) => scoresArgs(out, membersFile([0, N])), mention: `must be an integer in [0, ${N - 1}]` },
    { name: 'a non-integer line in --members', argv: (out) => scoresArgs(out, membersFile([0, '1.5'])), mention: /line 4: expected a 0-based row index; got "1\.5"/ },
    {
      name: 'too few shadows for lira',
      argv: (out) => ['audit', 'mia', '--scores', oneShadowPath, '--members', membersPath, '--attack', 'lira', '--out', out],
      mention: 'attack `lira` needs at least 2 shadow models; got 1',
    },
    { name: '--attack bogus', argv: (out) => [...scoresArgs(out), '--attack', 'bogus'], mention: '--attack must be all or a comma-separated list' },
    { name: '--shard 3/2', argv: (out) => [...scoresArgs(out), '--shard', '3/2', '--cache', join(dir, 'unused-cache')], mention: '--shard must be i/n with 0 ≤ i < n' },
    { name: '--shard without --cache', argv: (out) => [...scoresArgs(out), '--shard', '0/2'], mention: '--shard needs --cache' },
    { name: '--model and --scores together', argv: (out) => [...scoresArgs(out), '--model', dir], mention: 'not both' },
    { name: 'a missing --out', argv: () => ['audit', 'mia', '--scores', scoresPath, '--members', membersPath, '--json'], mention: '--out is required' },
    { name: '--scores holding JSON null', argv: (out) => badScores(out, 'null'), mention: 'expected a JSON object {"labels", "target", "shadows"}' },
    {
      name: '--scores with a null shadow',
      argv: (out) => badScores(out, JSON.stringify({ labels: [0, 1], target: [[1, 2], [3, 4]], shadows: [null] })),
      mention: '"shadows[0]" must be an object',
    },
    {
      name: '--scores with a ragged target',
      argv: (out) => badScores(out, JSON.stringify({ labels: [0, 1], target: [[1, 2], [3]], shadows: [] })),
      mention: '"target" row 1 must be 2 numbers',
    },
    { name: 'a missing --members file', argv: (out) => scoresArgs(out, join(dir, 'nope.txt')), mention: '--members' },
  ];

  it.each(cases)('$name', async ({ argv, mention }) => {
    const out = fresh();
    const r = await runCli(argv(out));
    if (typeof mention === 'string') {
      expectUsageError(r, mention);
    } else {
      expectUsageError(r, '--members');
      expect(r.stderr).toMatch(mention);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a failed run leaves an existing --out folder without report files', async () => {
    const out = fresh();
    const ok = await runCli(['audit', 'mia', '--scores', oneShadowPath, '--members', membersPath, '--attack', 'loss', '--out', out]);
    expect(ok.code).toBe(0);
    for (const f of ['report.json', 'report.html', 'scores.csv']) rmSync(join(out, f));
    const r = await runCli(['audit', 'mia', '--scores', oneShadowPath, '--members', membersPath, '--attack', 'loss,lira', '--out', out]);
    expectUsageError(r, 'needs at least 2 shadow models');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('privkit audit mia --model (shadow models on dataset:mnist)', () => {
  let modelDir: string;
  let wrongModelDir: string;
  let modelMembers: string;
  let referenceCache: string;
  let reference: Promise<CliResult> | undefined;

  const modelArgs = (cache: string, out: string): string[] => [
    'audit',
    'mia',
    '--model',
    modelDir,
    '--data',
    'dataset:mnist',
    '--population-size',
    '200',
    '--members',
    modelMembers,
    '--shadow-models',
    '4',
    '--epochs',
    '2',
    '--batch-size',
    '32',
    '--attack',
    'lira,loss',
    '--cache',
    cache,
    '--out',
    out,
    '--json',
  ];
  /** One unsharded run into a fresh cache, shared by the tests that compare against it. */
  const unshardedReference = (): Promise<CliResult> => (reference ??= runCli(modelArgs(referenceCache, fresh())));

  beforeAll(async () => {
    await useBackend('auto'); // the backend the CLI picks
    // The CLI's row order for dataset:mnist; the target trains on rows 0…99 of it.
    const data = loadDataset('dataset:mnist', { split: 'all', seed: 0 });
    const per = 28 * 28;
    const x = tf.tensor(data.x.slice(0, 100 * per), [100, 28, 28, 1]);
    const y = tf.tensor1d(Float32Array.from(data.y.slice(0, 100)));
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 16, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
    });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
    modelDir = join(dir, 'target');
    await saveModel(model, modelDir);
    const wrong = tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 10, activation: 'softmax' })] });
    wrongModelDir = join(dir, 'wrong-input');
    await saveModel(wrong, wrongModelDir);
    tf.dispose([x, y]);
    model.dispose();
    wrong.dispose();
    modelMembers = writeMembers(join(dir, 'model-members.txt'), Array.from({ length: 100 }, (_, i) => i));
    referenceCache = fresh('cache');
  });

  it('audits with 4 shadows, then a second identical run reuses the cached shadows and prints the same JSON', async () => {
    const first = await unshardedReference();
    expect(first.code).toBe(0);
    const summary = parseJsonLine(first.stdout);
    expectSummaryShape(summary, ['lira', 'loss']);
    expect(summary).toMatchObject({ members: 100, nonMembers: 100, shadowModels: 4 });
    expect(progressLines(first.stderr)).toEqual(['shadow models: 1/4', 'shadow models: 2/4', 'shadow models: 3/4', 'shadow models: 4/4']);
    const before = shadowFolders(referenceCache);
    expect([...before.keys()].map((p) => p.split('/')[1]).sort()).toEqual(['shadow-0000', 'shadow-0001', 'shadow-0002', 'shadow-0003']);

    const out = fresh();
    const second = await runCli(modelArgs(referenceCache, out));
    expect(second.code).toBe(0);
    expect(progressLines(second.stderr)).toEqual([]);
    expect(shadowFolders(referenceCache)).toEqual(before);
    expect(second.stdout).toBe(first.stdout);
    for (const f of ['report.json', 'report.html', 'scores.csv']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('a model whose input shape does not fit the data → exit 2 naming both shapes, nothing written', async () => {
    const out = fresh();
    const cache = fresh('cache');
    const argv = modelArgs(cache, out);
    argv[argv.indexOf('--model') + 1] = wrongModelDir;
    const r = await runCli(argv);
    expectUsageError(r, 'the target model takes examples shaped [10]');
    expect(r.stderr).toContain('the data has examples shaped [28, 28, 1]');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(cache) ? shadowFolders(cache).size : 0).toBe(0);
  });

  it('a member index beyond the rows of --data → exit 2 before any training', async () => {
    const out = fresh();
    const argv = modelArgs(fresh('cache'), out);
    argv[argv.indexOf('--members') + 1] = writeMembers(join(dir, 'beyond.txt'), [0, 1, 10_000]);
    const r = await runCli(argv);
    expectUsageError(r, 'must be an integer in [0, 199] (the data has 200 rows); got 10000');
    expect(progressLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('members in --data but beyond --population-size are left out (train\'s members.txt covers all rows)', async () => {
    const reference = await unshardedReference();
    const argv = modelArgs(referenceCache, fresh());
    argv[argv.indexOf('--members') + 1] = writeMembers(join(dir, 'wider.txt'), [...Array.from({ length: 100 }, (_, i) => i), 200, 5000, 9999]);
    const r = await runCli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(reference.stdout); // the same 100 members, the same cached shadows
  });

  it('--shard 0/2 and 1/2 fill one cache; a final run trains nothing and matches an unsharded run', async () => {
    const cache = fresh('cache');
    const shardOut = fresh();
    const shard0 = await runCli([...modelArgs(cache, shardOut), '--shard', '0/2']);
    expect(shard0.code).toBe(0);
    expect(parseJsonLine(shard0.stdout)).toEqual({ shard: '0/2', shadowModels: 4, trained: [0, 2] });
    expect(progressLines(shard0.stderr)).toEqual(['shadow models: 1/2', 'shadow models: 2/2']);
    const shard1 = await runCli([...modelArgs(cache, shardOut), '--shard', '1/2']);
    expect(shard1.code).toBe(0);
    expect(parseJsonLine(shard1.stdout)).toEqual({ shard: '1/2', shadowModels: 4, trained: [1, 3] });
    // A shard run only fills the cache.
    expect(existsSync(shardOut)).toBe(false);
    const trained = shadowFolders(cache);
    expect(trained.size).toBe(4);

    const final = await runCli(modelArgs(cache, fresh()));
    expect(final.code).toBe(0);
    expect(progressLines(final.stderr)).toEqual([]);
    expect(shadowFolders(cache)).toEqual(trained);
    const reference = await unshardedReference();
    expect(reference.code).toBe(0);
    expectOneLine(final.stdout);
    expect(JSON.parse(final.stdout)).toEqual(JSON.parse(reference.stdout));
  });
});

describe('privkit audit mia --help', () => {
  it('lists every flag with its default and an example line', async () => {
    const r = await runCli(['audit', 'mia', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // commander wraps long descriptions: compare with runs of white space folded.
    const help = r.stdout.replace(/\s+/g, ' ');
    const flags = [
      '--model <dir>',
      '--data <file.csv|dataset:NAME>',
      '--members <file>',
      '--scores <file>',
      '--attack <names>',
      '--shadow-models <N>',
      '--epochs <E>',
      '--batch-size <B>',
      '--learning-rate <L>',
      '--optimizer <name>',
      '--population-size <N>',
      '--jobs <N>',
      '--cache <dir>',
      '--shard <i/n>',
      '--seed <S>',
      '--out <dir>',
      '--json',
    ];
    for (const flag of flags) expect(help).toContain(flag);
    for (const d of ['(default: "all")', '(default: "16")', '(default: "10")', '(default: "128")', '(default: "0.001")', '(default: "adam")', '(default: "1")', '(default: "0")']) {
      expect(help).toContain(d);
    }
    for (const attack of ['lira', 'lira-offline', 'rmia', 'shokri', 'loss']) expect(help).toContain(attack);
    expect(r.stdout).toMatch(/^ {2}\$ privkit audit mia /m);
  });
});
