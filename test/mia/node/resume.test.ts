/**
 * Issue acceptance: "kill a run part-way through shadow training, rerun → only the missing shadows
 * are trained and the result is identical". A child process (the BUILT modules from dist/: run
 * `npm run build` first) audits with a file cache and is SIGKILLed after it has saved k of 8 shadows,
 * holding a trained but unsaved shadow; a rerun here with the same settings must train exactly the
 * missing shadows, and its audit must equal, bit for bit, an uninterrupted run into a fresh cache.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditMembership, type MembershipAudit } from '../../../mia/auditMembership.js';
import { fileShadowRunner } from '../../../mia/node/fileShadowRunner.js';
import { fileShadowStore } from '../../../mia/node/fileShadowStore.js';
import { shadowInMasks } from '../../../mia/shadow/shadowInMasks.js';
import type { MembershipData, ShadowTrainingOptions } from '../../../mia/shadow/ShadowTrainingOptions.js';
import { trainShadowModel } from '../../../mia/shadow/trainShadowModel.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { loadModel, saveModel } from '../../../src/node/io/fileModelIO.js';
import { contextFor, imageData, mlp, topologyOf } from '../shadow/_fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COUNT = 8;
const BATCH_MODELS = 2;
const KILL_AFTER = 3; // mid-group: shadows 2 and 3 are trained together; 3 is trained but not saved
const SEED = 5;
const TRAIN: ShadowTrainingOptions = { epochs: 2, batchSize: 16, learningRate: 0.01 };

/**
 * The child: reads the population and target written by the parent, audits with a file cache, prints
 * each saved shadow, and after KILL_AFTER of them stops (holding the next shadow of its group) until
 * killed.
 */
const CHILD = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const env = process.env;
const dist = (p) => pathToFileURL(join(env.ROOT, 'dist', p)).href;
const { useBackend } = await import(dist('src/backend/useBackend.js'));
const { auditMembership } = await import(dist('mia/index.js'));
const { fileShadowRunner } = await import(dist('mia/node/index.js'));
const { loadModel } = await import(dist('src/node/io/fileModelIO.js'));
await useBackend('wasm');
const settings = JSON.parse(readFileSync(join(env.WORK, 'settings.json'), 'utf8'));
const bytes = (name) => { const b = readFileSync(join(env.WORK, name)); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };
const data = { x: new Float32Array(bytes('x.bin')), y: new Int32Array(bytes('y.bin')), exampleShape: settings.exampleShape, numClasses: settings.numClasses };
const targetModel = await loadModel(join(env.WORK, 'target'));
let saved = 0;
const onShadowSaved = (index) => {
  process.stdout.write('saved ' + index + '\\n');
  if (++saved === Number(env.KILL_AFTER)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
};
await auditMembership({
  targetModel, data, members: settings.members, seed: settings.seed,
  shadow: { count: settings.count, train: settings.train, runner: fileShadowRunner({ cacheDir: env.CACHE, batchModels: settings.batchModels, onShadowSaved }) },
});
process.stdout.write('finished\\n');
`;

const dirs: string[] = [];
let child: ChildProcess | undefined;
afterAll(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

let work: string;
let data: MembershipData;
let members: number[];
let targetModel: tf.LayersModel;

beforeAll(async () => {
  await useBackend('wasm'); // the child's backend
  work = mkdtempSync(join(tmpdir(), 'privkit-resume-'));
  dirs.push(work);
  // A deterministic population and a target trained on its first half (by a seeded mask).
  data = imageData(200, 17);
  const memberMask = shadowInMasks(200, 1, 99)[0];
  members = [...memberMask.keys()].filter((i) => memberMask[i] === 1);
  const architecture = mlp([8, 8, 1], 3, 16);
  const ctx = contextFor(data, topologyOf(architecture), { epochs: 3, batchSize: 16, learningRate: 0.01 });
  architecture.dispose();
  const trained = await trainShadowModel(ctx, { index: 0, seed: 123, mask: memberMask });
  ctx.dispose();
  await saveModel(trained, join(work, 'target'));
  trained.dispose();
  targetModel = await loadModel(join(work, 'target')); // exactly the child's target
  writeFileSync(join(work, 'x.bin'), new Uint8Array(data.x.buffer));
  writeFileSync(join(work, 'y.bin'), new Uint8Array(data.y.buffer));
  writeFileSync(
    join(work, 'settings.json'),
    JSON.stringify({ exampleShape: data.exampleShape, numClasses: data.numClasses, members, seed: SEED, count: COUNT, train: TRAIN, batchModels: BATCH_MODELS }),
  );
});
afterAll(() => targetModel?.dispose());

/** Starts the child and resolves with the shadows it reported once it has reported `k`, then SIGKILLs it. */
function runChildAndKill(cacheDir: string, k: number): Promise<{ saved: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const saved: number[] = [];
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, ROOT, WORK: work, CACHE: cacheDir, KILL_AFTER: String(k) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const c = child;
    const timer = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`the child did not report ${k} saved shadows in time; stdout: ${stdout} stderr: ${stderr}`));
    }, 60_000);
    c.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n').filter((l) => l.startsWith('saved '));
      saved.splice(0, saved.length, ...lines.map((l) => Number(l.slice(6))));
      if (saved.length >= k && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    c.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    c.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (saved.length < k) reject(new Error(`the child exited (code ${code}, signal ${signal}) after ${saved.length} shadows; stderr: ${stderr}`));
      else resolve({ saved: [...saved], signal });
    });
  });
}

async function audit(cacheDir: string, onShadowSaved?: (index: number) => void): Promise<MembershipAudit> {
  return auditMembership({
    targetModel,
    data,
    members,
    seed: SEED,
    shadow: { count: COUNT, train: TRAIN, runner: fileShadowRunner({ cacheDir, batchModels: BATCH_MODELS, onShadowSaved }) },
  });
}

describe('an audit killed during shadow training and rerun', () => {
  it('trains only the missing shadows and gives the result of an uninterrupted run, bit for bit', async () => {
    // Arrange: the killed run.
    const cache = join(work, 'cache');
    mkdirSync(cache);
    const killed = await runChildAndKill(cache, KILL_AFTER);
    const [key] = readdirSync(cache);
    const store = fileShadowStore(cache, key);
    const onDisk: number[] = [];
    for (let i = 0; i < COUNT; i++) if ((await store.load(i)) !== null) onDisk.push(i);
    // What a kill during a save leaves behind: a temporary folder with part of a shadow in it.
    mkdirSync(join(cache, key, `.tmp-0005-99999-deadbeef`));
    writeFileSync(join(cache, key, `.tmp-0005-99999-deadbeef`, 'mask.bin'), new Uint8Array(3));
    const onShadowSaved = vi.fn();

    // Act: the rerun, and an uninterrupted run into a fresh cache.
    const resumed = await audit(cache, onShadowSaved);
    const fresh = await audit(join(work, 'fresh-cache'));

    // Assert: the child was killed holding shadow 3, with exactly shadows 0, 1, 2 saved.
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.saved).toEqual([0, 1, 2]);
    expect(onDisk).toEqual([0, 1, 2]);
    // The rerun trained exactly the 5 missing shadows, each once.
    expect(onShadowSaved.mock.calls.map((c) => c[0]).sort()).toEqual([3, 4, 5, 6, 7]);
    // Same shadows, same scores: every attack's scores and metrics equal, bit for bit.
    expect(resumed.attacks.map((a) => a.name)).toEqual(['loss', 'shokri', 'lira', 'lira-offline', 'rmia']);
    for (const [k, report] of resumed.attacks.entries()) {
      expect(report.scores).toEqual(fresh.attacks[k].scores);
      expect(new Uint8Array(report.scores.buffer)).toEqual(new Uint8Array(fresh.attacks[k].scores.buffer));
    }
    expect(resumed).toEqual(fresh);
    const freshStore = fileShadowStore(join(work, 'fresh-cache'), key);
    for (let i = 0; i < COUNT; i++) expect((await store.load(i))!.logits).toEqual((await freshStore.load(i))!.logits);
  });
});
