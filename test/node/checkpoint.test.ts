/**
 * Checkpoints (issue 11 §3, §4): a round trip restores every part (weights, optimizer state, steps,
 * ε recomputed from the steps, sampler state); a secure checkpoint holds no seed and resumes with fresh
 * randomness; every kind of damage or tampering is BAD_CHECKPOINT (BAD_MODEL_FILE for another
 * architecture) before anything is set; a far-along sampler state restores in O(1); no tensor leaks;
 * a folder that cannot be written is IO_ERROR naming the path, with nothing left behind.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError, RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { makePrivate, restorePrivate, type PrivateTraining } from '../../src/makePrivate.js';
import { loadPrivate, saveCheckpoint } from '../../src/node/index.js';
import type { PrivateTrainingState } from '../../src/optimizer/trainingState.js';

const N = 60;
const Q = 0.1;
const SIGMA = 1.1;
const DELTA = 1e-5;
const STEPS = 10; // one epoch

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'privkit-ckpt-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) {
    try {
      chmodSync(d, 0o755);
    } catch {
      /* gone */
    }
    rmSync(d, { recursive: true, force: true });
  }
});

function mlp(units = 6): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
}

let x: tf.Tensor;
let y: tf.Tensor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.randomNormal([N, 4], 0, 1, 'float32', 3);
  y = tf.oneHot(tf.tensor1d(Array.from({ length: N }, (_, i) => i % 2), 'int32'), 2);
});

const settings = { loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: SIGMA, sampleRate: Q, datasetSize: N };

async function trained(seed?: number): Promise<{ priv: PrivateTraining; model: tf.LayersModel }> {
  const model = mlp();
  const priv = makePrivate({ ...settings, model, optimizer: tf.train.adam(0.01), ...(seed === undefined ? {} : { seed }) });
  await priv.fit(x, y, { epochs: 1, delta: DELTA });
  return { priv, model };
}

const fresh = (units?: number) => ({ model: mlp(units), optimizer: tf.train.adam(0.01) });
const values = (ts: readonly tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
const epsilonOf = (steps: number) => new RdpAccountant().compose(poissonSampled(Q, gaussian(SIGMA)), steps).getEpsilon(DELTA);
const versionOf = (dir: string) => join(dir, readFileSync(join(dir, 'CURRENT'), 'utf8').trim());
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Makes MANIFEST.json agree with the file's new contents (tampering that a hash cannot catch). */
function rehash(dir: string, file: string): void {
  const version = versionOf(dir);
  const manifestPath = join(version, 'MANIFEST.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const data = readFileSync(join(version, file));
  manifest.files[file] = { sha256: sha256(data), bytes: data.byteLength };
  writeFileSync(manifestPath, JSON.stringify(manifest));
}

/** Edits state.json (parsed), by default updating its hash in MANIFEST.json. */
function editState(dir: string, mutate: (s: any) => void, updateHash = true): void {
  const path = join(versionOf(dir), 'state.json');
  const s = JSON.parse(readFileSync(path, 'utf8'));
  mutate(s);
  writeFileSync(path, JSON.stringify(s));
  if (updateHash) rehash(dir, 'state.json');
}

/** Edits a file's bytes, optionally updating its hash. */
function editBytes(dir: string, file: string, mutate: (b: Buffer) => Buffer, updateHash: boolean): void {
  const path = join(versionOf(dir), file);
  writeFileSync(path, mutate(readFileSync(path)));
  if (updateHash) rehash(dir, file);
}

/** Loads and returns the PrivkitError (fails the test if it loads). */
async function loadError(dir: string, parts: { model: tf.LayersModel; optimizer: tf.Optimizer } = fresh()): Promise<PrivkitError> {
  try {
    await loadPrivate(dir, parts);
  } catch (e) {
    expect(e).toBeInstanceOf(PrivkitError);
    return e as PrivkitError;
  }
  throw new Error(`${dir} loaded`);
}

/** Templates, saved once, copied for each tampering case. */
let seededTemplate: string;
let secureTemplate: string;
let seededRun: { priv: PrivateTraining; model: tf.LayersModel };
let secureRun: { priv: PrivateTraining; model: tf.LayersModel };
beforeAll(async () => {
  seededRun = await trained(41);
  seededTemplate = tempDir();
  await saveCheckpoint(seededRun.priv, seededTemplate);
  secureRun = await trained();
  secureTemplate = tempDir();
  await saveCheckpoint(secureRun.priv, secureTemplate);
});
function copyOf(template: string): string {
  const d = tempDir();
  cpSync(template, d, { recursive: true });
  return d;
}

describe('round trip', () => {
  it('restores the weights, the optimizer state, the step count, ε (recomputed from the steps) and the sampler state', async () => {
    const parts = fresh();
    const resumed = await loadPrivate(seededTemplate, parts);
    expect(values(parts.model.getWeights())).toEqual(values(seededRun.model.getWeights()));
    const saved = await seededRun.priv.state();
    const restored = await resumed.state();
    expect(restored.optimizer.map((t) => Array.from(t.values))).toEqual(saved.optimizer.map((t) => Array.from(t.values)));
    expect(restored.optimizer.length).toBe(1 + 2 * 4); // adam: iterations, then two moments per weight
    expect(resumed.dpOptimizer.stepCount).toBe(STEPS);
    expect(resumed.getEpsilon(DELTA)).toBe(epsilonOf(STEPS));
    expect(resumed.getEpsilon(DELTA)).toBe(seededRun.priv.getEpsilon(DELTA));
    expect(resumed.sampler.state()).toEqual(seededRun.priv.sampler.state());
    expect(resumed.randomness).toBe('seeded');
    expect(resumed.dpOptimizer.noiseSeed).toBe(41);
  });

  it('a secure checkpoint holds no seed and no sampler state; resuming it draws fresh randomness (two resumes differ), a seeded one does not', async () => {
    const text = readFileSync(join(versionOf(secureTemplate), 'state.json'), 'utf8');
    const state = JSON.parse(text);
    expect(state.randomness).toBe('secure');
    expect(state.seeded).toBeNull();
    expect(text).not.toMatch(/noiseSeed|sampler/);
    const a = fresh();
    const b = fresh();
    const ra = await loadPrivate(secureTemplate, a);
    const rb = await loadPrivate(secureTemplate, b);
    expect(ra.randomness).toBe('secure');
    expect(ra.sampler.state()).toBeNull();
    expect(ra.dpOptimizer.noiseSeed).toBeNull();
    expect(values(a.model.getWeights())).toEqual(values(b.model.getWeights()));
    await ra.fit(x, y, { epochs: 1, delta: DELTA });
    await rb.fit(x, y, { epochs: 1, delta: DELTA });
    expect(values(a.model.getWeights())).not.toEqual(values(b.model.getWeights()));
    expect(ra.getEpsilon(DELTA)).toBe(epsilonOf(2 * STEPS));

    const c = fresh();
    const d = fresh();
    await (await loadPrivate(seededTemplate, c)).fit(x, y, { epochs: 1, delta: DELTA });
    await (await loadPrivate(seededTemplate, d)).fit(x, y, { epochs: 1, delta: DELTA });
    expect(values(c.model.getWeights())).toEqual(values(d.model.getWeights()));
  });

  it('a second save to the same folder replaces the first: one version, no leftovers', async () => {
    const dir = copyOf(seededTemplate);
    const { priv } = await trained(5);
    await saveCheckpoint(priv, dir);
    await saveCheckpoint(priv, dir);
    const entries = readdirSync(dir).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe('CURRENT');
    expect(entries[1]).toMatch(/^ckpt-10-[0-9a-f]{16}$/);
    expect(readdirSync(join(dir, entries[1])).sort()).toEqual(['MANIFEST.json', 'model', 'optimizer.bin', 'state.json']);
  });
});

/** The JSON text of a ledger event nested `depth` levels deep (a hostile state.json; too deep for JSON.stringify). */
function nestedEventText(depth: number): string {
  return `${'{"kind":"poissonSampled","sampleRate":0.1,"event":'.repeat(depth)}{"kind":"gaussian","noiseMultiplier":${SIGMA}}${'}'.repeat(depth)}`;
}

type Tamper = readonly [what: string, template: 'seeded' | 'secure', mutate: (s: any) => void, message: RegExp, code?: string];

const STATE_TAMPERING: readonly Tamper[] = [
  ['the ledger removed (it would load with ε = 0)', 'seeded', (s) => delete s.accountant.ledger, /no accountant ledger/],
  ['the accountant removed', 'secure', (s) => delete s.accountant, /no accountant ledger/],
  ['the ledger emptied (ε = 0)', 'seeded', (s) => (s.accountant.ledger = []), /accounts for 0 steps but 10 were applied/],
  ['a ledger one step short', 'secure', (s) => s.accountant.ledger.pop(), /accounts for 9 steps but 10/],
  ['a ledger one step over', 'seeded', (s) => s.accountant.ledger.push(s.accountant.ledger[0]), /accounts for 11 steps but 10/],
  ['a ledger merged into one entry with a count one short', 'seeded', (s) => (s.accountant.ledger = [{ event: s.accountant.ledger[0].event, count: STEPS - 1 }]), /accounts for 9 steps but 10/],
  ['a ledger count NaN (null)', 'seeded', (s) => (s.accountant.ledger[0].count = null), /ledger entry 0 is not a count/],
  ['a ledger count negative', 'seeded', (s) => (s.accountant.ledger[3].count = -1), /ledger entry 3 is not a count/],
  ['a ledger count 1.5', 'seeded', (s) => (s.accountant.ledger[3].count = 1.5), /ledger entry 3 is not a count/],
  ['ledger counts adding up past 2^53', 'secure', (s) => (s.accountant.ledger = [{ event: s.accountant.ledger[0].event, count: 2 ** 53 - 1 }, { event: s.accountant.ledger[0].event, count: 2 ** 53 - 1 }]), /more than 2\^53 steps/],
  ['a ledger event with another σ', 'seeded', (s) => (s.accountant.ledger[0].event.event.noiseMultiplier = 5), /ledger entry 0 is not a count of this run's step event/],
  ['a ledger event with another q', 'secure', (s) => (s.accountant.ledger[0].event.sampleRate = 0.01), /ledger entry 0 is not a count/],
  ['a non-private ledger event', 'seeded', (s) => (s.accountant.ledger[0].event = { kind: 'nonPrivate' }), /ledger entry 0 is not a count/],
  ['a ledger event with an extra field', 'seeded', (s) => (s.accountant.ledger[0].event.extra = 1), /ledger entry 0 is not a count/],
  ['σ in the settings edited (the ledger says otherwise)', 'seeded', (s) => (s.settings.noiseMultiplier = 5), /ledger entry 0 is not a count/],
  ['q in the settings edited', 'secure', (s) => (s.settings.sampleRate = 0.5), /ledger entry 0 is not a count/],
  ['the ledger of another accountant', 'seeded', (s) => (s.accountant.accountant = 'pld'), /the ledger is a pld accountant's, the settings say rdp/],
  ['steps NaN (null in JSON)', 'seeded', (s) => (s.steps = null), /steps null is not an integer ≥ 0/],
  ['steps removed', 'secure', (s) => delete s.steps, /steps undefined is not an integer ≥ 0/],
  ['steps negative', 'seeded', (s) => (s.steps = -10), /steps -10 is not an integer ≥ 0/],
  ['steps 1e12', 'seeded', (s) => (s.steps = 1e12), /accounts for 10 steps but 1000000000000 were applied/],
  ['steps 1e300', 'seeded', (s) => (s.steps = 1e300), /steps 1e\+300 is not an integer ≥ 0/],
  ['steps non-integer', 'secure', (s) => (s.steps = 10.5), /steps 10.5 is not an integer ≥ 0/],
  ['steps a string', 'seeded', (s) => (s.steps = '10'), /steps 10 is not an integer ≥ 0/],
  ['steps and ledger both 0 (the weights saw 10 steps)', 'seeded', (s) => ((s.steps = 0), (s.accountant.ledger = [])), /says 0 steps; its version ckpt-10-[0-9a-f]+ was saved after 10/],
  ['steps and ledger both 1e12', 'secure', (s) => ((s.steps = 1e12), (s.accountant.ledger = [{ event: s.accountant.ledger[0].event, count: 1e12 }])), /says 1000000000000 steps; its version ckpt-10-/],
  ['a seeded state in a secure checkpoint', 'secure', (s) => (s.seeded = { noiseSeed: 7, sampler: [1, 2, 3, 4] }), /secure run must carry no seeds/],
  ['a secure checkpoint given a sampler state', 'secure', (s) => (s.seeded = { sampler: [1, 2, 3, 4] }), /secure run must carry no seeds/],
  ['a secure checkpoint whose seeded field is removed', 'secure', (s) => delete s.seeded, /secure run must carry no seeds/],
  ['randomness "insecure"', 'secure', (s) => (s.randomness = 'insecure'), /randomness must be "secure" or "seeded"; got "insecure"/],
  ['randomness removed from a seeded checkpoint', 'seeded', (s) => delete s.randomness, /randomness must be "secure" or "seeded"/],
  ['a seeded checkpoint without seeds', 'seeded', (s) => (s.seeded = null), /seeded run needs its noise seed/],
  ['sampler state all zeros', 'seeded', (s) => (s.seeded.sampler = [0, 0, 0, 0]), /sampler state \(four 32-bit words, not all 0\)/],
  ['sampler state not words (2^32)', 'seeded', (s) => (s.seeded.sampler[0] = 2 ** 32), /sampler state/],
  ['sampler state not words (1.5)', 'seeded', (s) => (s.seeded.sampler[1] = 1.5), /sampler state/],
  ['sampler state not words (strings)', 'seeded', (s) => (s.seeded.sampler = ['1', '2', '3', '4']), /sampler state/],
  ['sampler state three words', 'seeded', (s) => s.seeded.sampler.pop(), /sampler state/],
  ['sampler state a replay count { drawn: 1e12 } (privkit 0.1 style)', 'seeded', (s) => (s.seeded.sampler = { drawn: 1e12 }), /sampler state/],
  ['noise seed removed', 'seeded', (s) => delete s.seeded.noiseSeed, /noise seed/],
  ['noise seed 2^32', 'seeded', (s) => (s.seeded.noiseSeed = 2 ** 32), /noise seed/],
  ['another format', 'seeded', (s) => (s.format = 'something'), /not a version-2 privkit training state/],
  ['another version', 'secure', (s) => (s.version = 1), /not a version-2 privkit training state/],
  ['settings removed', 'secure', (s) => delete s.settings, /it has no settings/],
  ['datasetSize 0', 'secure', (s) => (s.settings.datasetSize = 0), /datasetSize 0 is not an integer ≥ 1/],
  ['maxGradNorm −1', 'seeded', (s) => (s.settings.maxGradNorm = -1), /its settings are invalid: .*maxGradNorm/],
  ['a weight spec with another shape', 'seeded', (s) => (s.weights[0].shape = [4, 5]), /model\/weights.bin is longer than its tensor specs/],
  ['a weight spec with more values than the file', 'seeded', (s) => (s.weights[0].shape = [4, 7]), /model\/weights.bin is shorter than its tensor specs/],
  ['an optimizer spec removed', 'seeded', (s) => s.optimizer.pop(), /optimizer.bin is longer than its tensor specs/],
  ['a weight spec malformed', 'secure', (s) => (s.weights[1] = { name: 'x', shape: 'big', dtype: 'float32' }), /a tensor spec of model\/weights.bin is malformed/],
  ['a weight as int32', 'seeded', (s) => (s.weights[0].dtype = 'int32'), /do not fit the model given/, 'BAD_MODEL_FILE'],
  ['optimizerClass not a name', 'seeded', (s) => (s.optimizerClass = { kind: 'Adam' }), /optimizerClass .* is not a name/],
];

describe('tampering with state.json (its hash updated in MANIFEST.json): the consistency checks refuse it', () => {
  for (const [what, template, mutate, message, code = 'BAD_CHECKPOINT'] of STATE_TAMPERING) {
    it(`${what} → ${code}`, async () => {
      const dir = copyOf(template === 'seeded' ? seededTemplate : secureTemplate);
      editState(dir, mutate);
      const parts = fresh();
      const before = values(parts.model.getWeights());
      const t0 = performance.now();
      const error = await loadError(dir, parts);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      // Refused before anything was set.
      expect(values(parts.model.getWeights())).toEqual(before);
    });
  }

  it('a ledger event nested 100,000 levels deep is refused at once (no stack overflow, no exponential time)', async () => {
    const dir = copyOf(seededTemplate);
    const path = join(versionOf(dir), 'state.json');
    const s = JSON.parse(readFileSync(path, 'utf8'));
    s.accountant.ledger[0].event = '@EVENT@';
    writeFileSync(path, JSON.stringify(s).replace('"@EVENT@"', nestedEventText(100_000)));
    rehash(dir, 'state.json');
    const t0 = performance.now();
    const error = await loadError(dir);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(error.code).toBe('BAD_CHECKPOINT');
    expect(error.message).toMatch(/ledger entry 0 is not a count of this run's step event/);
  });

  it('the same checks guard restorePrivate (browser-safe) for the parts of state() that JSON carries', async () => {
    const state = await seededRun.priv.state();
    const cases: [(s: any) => void, RegExp][] = [
      [(s) => (s.accountant = { ...s.accountant, ledger: [] }), /accounts for 0 steps but 10/],
      [(s) => (s.steps = NaN), /steps NaN is not an integer/],
      [(s) => (s.steps = Infinity), /steps Infinity is not an integer/],
      [(s) => (s.seeded = { ...s.seeded, sampler: [0, 0, 0, 0] }), /sampler state/],
      [(s) => (s.randomness = 'secure'), /secure run must carry no seeds/],
      [(s) => (s.weights = s.weights.map((w: any, i: number) => (i === 0 ? { ...w, values: w.values.map((v: number, k: number) => (k === 3 ? NaN : v)) } : w))), /non-finite/],
      [(s) => (s.optimizer = s.optimizer.map((w: any, i: number) => (i === 1 ? { ...w, values: w.values.map(() => Infinity) } : w))), /non-finite/],
      [(s) => (s.weights = s.weights.map((w: any) => ({ ...w, values: Array.from(w.values) }))), /weights\[0\] .* has no float32 values/],
    ];
    for (const [mutate, message] of cases) {
      const s = { ...state } as any;
      mutate(s);
      const parts = fresh();
      await expect(restorePrivate(s as PrivateTrainingState, parts)).rejects.toSatisfy((e: unknown) => e instanceof PrivkitError && e.code === 'BAD_CHECKPOINT' && message.test(e.message));
    }
  });
});

describe('damaged files and pointers → BAD_CHECKPOINT', () => {
  const nanAt = (offset: number) => (b: Buffer) => {
    const c = Buffer.from(b);
    c.writeFloatLE(NaN, offset);
    return c;
  };
  const flipByte = (offset: number) => (b: Buffer) => {
    const c = Buffer.from(b);
    c[offset] ^= 0x01;
    return c;
  };
  const cases: readonly [what: string, damage: (dir: string) => void, message: RegExp][] = [
    ['a weight file with one byte changed (hash mismatch)', (d) => editBytes(d, 'model/weights.bin', flipByte(17), false), /weights.bin does not match its hash in MANIFEST.json/],
    ['the optimizer file with one byte changed', (d) => editBytes(d, 'optimizer.bin', flipByte(40), false), /optimizer.bin does not match its hash/],
    ['model.json with one byte changed', (d) => editBytes(d, 'model/model.json', flipByte(3), false), /model.json does not match its hash/],
    ['state.json edited, its hash not updated', (d) => editState(d, (s) => (s.accountant.ledger = []), false), /state.json does not match its hash/],
    ['a weight file truncated (hash updated)', (d) => editBytes(d, 'model/weights.bin', (b) => b.subarray(0, b.length - 4), true), /weights.bin is shorter than its tensor specs/],
    ['a weight file extended (hash updated)', (d) => editBytes(d, 'model/weights.bin', (b) => Buffer.concat([b, Buffer.alloc(4)]), true), /weights.bin is longer than its tensor specs/],
    ['a NaN weight (hash updated)', (d) => editBytes(d, 'model/weights.bin', nanAt(8), true), /weights\[0\] \(".*"\) holds a non-finite value/],
    ['an infinite optimizer moment (hash updated)', (d) => editBytes(d, 'optimizer.bin', (b) => { const c = Buffer.from(b); c.writeFloatLE(Infinity, 12); return c; }, true), /optimizer\[\d\] \(".*"\) holds a non-finite value/],
    ['a weight file missing', (d) => rmSync(join(versionOf(d), 'model/weights.bin')), /weights.bin is missing/],
    ['state.json not JSON (hash updated)', (d) => editBytes(d, 'state.json', () => Buffer.from('{"steps": NaN}'), true), /state.json is not JSON/],
    ['CURRENT pointing nowhere', (d) => writeFileSync(join(d, 'CURRENT'), 'ckpt-10-0123456789abcdef\n'), /MANIFEST.json is missing or not JSON/],
    ['CURRENT pointing to ../x', (d) => writeFileSync(join(d, 'CURRENT'), '../x\n'), /CURRENT does not name a checkpoint version/],
    ['CURRENT pointing to an absolute path', (d) => writeFileSync(join(d, 'CURRENT'), `${versionOf(d)}\n`), /CURRENT does not name a checkpoint version/],
    ['CURRENT empty', (d) => writeFileSync(join(d, 'CURRENT'), ''), /CURRENT does not name a checkpoint version/],
    ['CURRENT removed', (d) => rmSync(join(d, 'CURRENT')), /holds no checkpoint \(no CURRENT file\)/],
    ['MANIFEST.json missing', (d) => rmSync(join(versionOf(d), 'MANIFEST.json')), /MANIFEST.json is missing or not JSON/],
    ['MANIFEST.json not JSON', (d) => writeFileSync(join(versionOf(d), 'MANIFEST.json'), '{'), /MANIFEST.json is missing or not JSON/],
    ['MANIFEST.json of another format', (d) => writeFileSync(join(versionOf(d), 'MANIFEST.json'), '{"format":"x","version":2,"files":{}}'), /is not a version-2 privkit manifest/],
    [
      'MANIFEST.json without the state file',
      (d) => {
        const p = join(versionOf(d), 'MANIFEST.json');
        const m = JSON.parse(readFileSync(p, 'utf8'));
        delete m.files['state.json'];
        writeFileSync(p, JSON.stringify(m));
      },
      /must list exactly .*; it lists model\/model.json, model\/weights.bin, optimizer.bin\./,
    ],
  ];
  for (const [what, damage, message] of cases) {
    it(what, async () => {
      const dir = copyOf(seededTemplate);
      damage(dir);
      const parts = fresh();
      const before = values(parts.model.getWeights());
      const error = await loadError(dir, parts);
      expect(error.code).toBe('BAD_CHECKPOINT');
      expect(error.message).toMatch(message);
      expect(values(parts.model.getWeights())).toEqual(before);
    });
  }

  it('an empty folder, a missing folder and a file are not checkpoints', async () => {
    const empty = tempDir();
    for (const dir of [empty, join(empty, 'missing')]) expect((await loadError(dir)).message).toMatch(/holds no checkpoint/);
    writeFileSync(join(empty, 'file'), 'x');
    expect((await loadError(join(empty, 'file'))).code).toBe('BAD_CHECKPOINT');
  });

  it('an old-format (privkit 0.1: privacy.json + optimizer.json + model/) folder is BAD_CHECKPOINT saying so', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'model.json'), '{}');
    writeFileSync(join(dir, 'privacy.json'), JSON.stringify({ epsilon: 2.9, steps: 5 }));
    writeFileSync(join(dir, 'optimizer.json'), '{}');
    const error = await loadError(dir);
    expect(error.code).toBe('BAD_CHECKPOINT');
    expect(error.message).toMatch(/privkit 0\.1 checkpoint .*cannot be verified/);
  });

  it('an optimizer of another kind (an Adam run resumed with SGD) → INVALID_ARGUMENT naming both, before anything is set', async () => {
    const parts = { model: mlp(), optimizer: tf.train.sgd(0.1) };
    const before = values(parts.model.getWeights());
    const error = await loadError(seededTemplate, parts);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/trained with the optimizer Adam; its state cannot be loaded into SGD\. Pass a fresh Adam optimizer/);
    expect(values(parts.model.getWeights())).toEqual(before);
    expect(JSON.parse(readFileSync(join(versionOf(seededTemplate), 'state.json'), 'utf8')).optimizerClass).toBe('Adam');
  });

  it('a model of another architecture → BAD_MODEL_FILE', async () => {
    const parts = fresh(7);
    const error = await loadError(seededTemplate, parts);
    expect(error.code).toBe('BAD_MODEL_FILE');
    expect(error.message).toMatch(/different architecture/);
  });
});

describe('sampler resume is O(1) (no replay)', () => {
  it('a seeded run whose sampler is 2·10^5 batches along saves and resumes instantly, continuing the same batches', async () => {
    const { priv } = await trained(8);
    for (let b = 0; b < 200_000; b++) priv.sampler.next();
    const dir = tempDir();
    await saveCheckpoint(priv, dir);
    expect(JSON.parse(readFileSync(join(versionOf(dir), 'state.json'), 'utf8')).seeded.sampler).toEqual(priv.sampler.state());
    const t0 = performance.now();
    const resumed = await loadPrivate(dir, fresh());
    expect(performance.now() - t0).toBeLessThan(1000);
    for (let b = 0; b < 50; b++) expect(Array.from(resumed.sampler.next())).toEqual(Array.from(priv.sampler.next()));
  });

  it('any four words are a position of the stream: a hand-edited sampler state (hash updated) resumes at once from exactly that state', async () => {
    const dir = copyOf(seededTemplate);
    const far = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced1234];
    editState(dir, (s) => (s.seeded.sampler = far));
    const t0 = performance.now();
    const resumed = await loadPrivate(dir, fresh());
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(resumed.sampler.state()).toEqual(far);
  });
});

describe('no tensor leaks', () => {
  // restorePrivate disposes what it hands to optimizer.setWeights (tfjs copies it into its own variables).
  it('repeated save and load (into the same model, a fresh optimizer each, disposed) keep tf.memory().numTensors stable', async () => {
    const { priv, model } = await trained(9);
    const dir = tempDir();
    const once = async () => {
      await saveCheckpoint(priv, dir);
      const optimizer = tf.train.adam(0.01);
      await loadPrivate(dir, { model, optimizer });
      optimizer.dispose();
    };
    await once();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) await once();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('state() and a refused load leak nothing', async () => {
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) await seededRun.priv.state();
    const dir = copyOf(seededTemplate);
    editState(dir, (s) => (s.accountant.ledger = []));
    const parts = fresh();
    const withModel = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) await loadError(dir, parts);
    expect(tf.memory().numTensors).toBe(withModel);
    parts.model.dispose();
    parts.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a folder that cannot be written → IO_ERROR naming the path, nothing left behind', () => {
  async function saveError(priv: PrivateTraining, dir: string): Promise<PrivkitError> {
    try {
      await saveCheckpoint(priv, dir);
    } catch (e) {
      expect(e).toBeInstanceOf(PrivkitError);
      return e as PrivkitError;
    }
    throw new Error(`saved into ${dir}`);
  }

  it('under a regular file, or at a regular file', async () => {
    const root = tempDir();
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    for (const target of [join(file, 'ckpt'), join(file, 'a', 'b'), file]) {
      const error = await saveError(secureRun.priv, target);
      expect(error.code).toBe('IO_ERROR');
      expect(error.message).toContain(JSON.stringify(target));
      expect(readdirSync(root)).toEqual(['file']);
      expect(readFileSync(file, 'utf8')).toBe('x');
    }
  });

  it('where the file system refuses to create anything (read-only folder, /sys, /proc): no hang, nothing left', async () => {
    const targets: string[] = [];
    if (process.platform === 'linux') targets.push('/sys/privkit-checkpoint-test', '/proc/self/privkit-checkpoint-test/a');
    if (process.getuid?.() !== 0) {
      const ro = tempDir();
      chmodSync(ro, 0o555);
      targets.push(join(ro, 'ckpt'));
    }
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const error = await saveError(secureRun.priv, target);
      expect(error.code).toBe('IO_ERROR');
      expect(error.message).toContain(JSON.stringify(target));
      expect(existsSync(target)).toBe(false);
    }
  });

  it('a pointer that cannot be replaced (CURRENT is a folder): IO_ERROR, and the new version and temporary files are removed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'CURRENT'));
    const error = await saveError(seededRun.priv, dir);
    expect(error.code).toBe('IO_ERROR');
    expect(error.message).toContain(JSON.stringify(dir));
    expect(readdirSync(dir)).toEqual(['CURRENT']);
  });
});
