/**
 * Kill at every write (issue 11 §3): a child process (test/node/_fixtures/checkpointChild.ts, bundled
 * here from the sources) trains 5 steps and saves a checkpoint, trains 200 more and saves again to the
 * SAME folder; it is SIGKILLed at each crash point of the two saves in turn (PRIVKIT_TEST_CRASH_AT=k,
 * the points listed by PRIVKIT_TEST_CRASH_LOG=1). After every kill, loadPrivate here must give either
 * the old checkpoint (5 steps) or the new one (205 steps) — exactly the one the kill point implies —
 * with that save's own weights, optimizer state and sampler state, and ε equal to the accountant's for
 * that step count; a kill during the first save leaves nothing loadable (BAD_CHECKPOINT) or the
 * complete first checkpoint. Never a mix; never fewer accounted steps than the weights have seen. The
 * next save into the folder leaves one version and no leftovers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFastLane } from '../_support/lanes.js';
import { PrivkitError, RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { loadPrivate, saveCheckpoint } from '../../src/node/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const Q = 0.05;
const SIGMA = 1.1;
const DELTA = 1e-5;

interface Saved {
  steps: number;
  epsilon: number;
  weights: number[][];
  optimizer: number[][];
  sampler: number[] | null;
}

const dirs: string[] = [];
let bundle: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The child runs the TypeScript sources as they are, bundled (tfjs and node: stay external, resolved
  // from the repository's node_modules: the bundle lives under the ignored .tmp/).
  const { build } = await import('rolldown');
  bundle = join(ROOT, '.tmp', `checkpoint-child-${process.pid}.mjs`);
  await build({
    input: join(ROOT, 'test/node/_fixtures/checkpointChild.ts'),
    platform: 'node',
    external: [/^@tensorflow\//, /^node:/],
    output: { file: bundle, format: 'esm', codeSplitting: false },
    logLevel: 'silent',
  });
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (bundle !== undefined) rmSync(bundle, { force: true });
});

/** Runs the child; resolves with how it ended and its stderr. */
function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; work: string; dir: string }> {
  const work = mkdtempSync(join(tmpdir(), 'privkit-kill-'));
  dirs.push(work);
  const dir = join(work, 'ckpt');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { cwd: ROOT, env: { ...process.env, ...env, CKPT_DIR: dir, WORK: work }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, work, dir }));
  });
}

const epsilonOf = (steps: number) => new RdpAccountant().compose(poissonSampled(Q, gaussian(SIGMA)), steps).getEpsilon(DELTA);

function parts() {
  return {
    model: tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] }),
    optimizer: tf.train.adam(0.01),
  };
}

/** Loads the folder; returns what it holds, or the BAD_CHECKPOINT error. */
async function loadWhat(dir: string): Promise<Saved | PrivkitError> {
  const p = parts();
  try {
    const priv = await loadPrivate(dir, p);
    const s = await priv.state();
    const out: Saved = {
      steps: priv.dpOptimizer.stepCount,
      epsilon: priv.getEpsilon(DELTA),
      weights: p.model.getWeights().map((w) => Array.from(w.dataSync())),
      optimizer: s.optimizer.map((t) => Array.from(t.values)),
      sampler: priv.sampler.state(),
    };
    expect(s.steps).toBe(out.steps);
    // Resume and save again into the same folder: one version, nothing left of the killed save.
    await saveCheckpoint(priv, dir);
    const entries = readdirSync(dir).sort();
    expect(entries.length, entries.join(', ')).toBe(2);
    expect(entries[0]).toBe('CURRENT');
    expect(entries[1]).toMatch(new RegExp(`^ckpt-${out.steps}-[0-9a-f]{16}$`));
    return out;
  } catch (e) {
    if (e instanceof PrivkitError && e.code === 'BAD_CHECKPOINT') return e;
    throw e;
  } finally {
    p.model.dispose();
    p.optimizer.dispose();
  }
}

/** The loaded checkpoint is exactly `saved`: steps, its own weights, optimizer and sampler state, ε of its steps. */
function expectExactly(loaded: Saved, saved: Saved, randomness: 'seeded' | 'secure'): void {
  expect(loaded.steps).toBe(saved.steps);
  expect(loaded.epsilon).toBe(epsilonOf(loaded.steps));
  expect(Math.abs(loaded.epsilon - saved.epsilon)).toBeLessThan(1e-12 * saved.epsilon); // the run composed step by step, the load at once
  expect(loaded.weights).toEqual(saved.weights);
  expect(loaded.optimizer).toEqual(saved.optimizer);
  expect(loaded.sampler).toEqual(randomness === 'seeded' ? saved.sampler : null);
}

// Fast lane: the seeded run (every crash point); the reference lane adds the secure run's.
for (const randomness of isFastLane() ? (['seeded'] as const) : (['seeded', 'secure'] as const)) {
  describe(`kill at every crash point of save() (${randomness} run)`, () => {
    it('every kill leaves the old checkpoint (5 steps) or the new one (205 steps), whole, as the kill point implies', async () => {
      // The crash points, in order, from a run that is not killed.
      const full = await runChild({ PRIVKIT_TEST_CRASH_LOG: '1', RANDOMNESS: randomness });
      expect(full.code, full.stderr).toBe(0);
      const lines = full.stderr.split('\n');
      const points = lines.filter((l) => l.startsWith('crash point ')).map((l) => l.replace(/^crash point \d+: /, ''));
      const secondStart = lines.filter((l) => l.startsWith('crash point ') || l === 'save 2').indexOf('save 2');
      const first = points.slice(0, secondStart);
      const second = points.slice(secondStart);
      // After every change to the file system: the staging folders, each file, the manifest, the
      // version's rename, the pointer's write and rename; the second save also removes the first version.
      expect([...first].sort()).toEqual([
        'checkpoint:mkdir:staging',
        'checkpoint:mkdir:staging/model',
        'checkpoint:write:model/weights.bin',
        'checkpoint:write:model/model.json',
        'checkpoint:write:optimizer.bin',
        'checkpoint:write:state.json',
        'checkpoint:write:MANIFEST.json',
        'checkpoint:rename:version',
        'checkpoint:write:CURRENT.tmp',
        'checkpoint:rename:CURRENT',
      ].sort());
      expect(second.filter((p) => !p.startsWith('checkpoint:remove:')).sort()).toEqual([...first].sort());
      expect(second).toHaveLength(first.length + 1);
      expect(second.filter((p) => /^checkpoint:remove:ckpt-5-[0-9a-f]{16}$/.test(p))).toHaveLength(1);
      const saved1 = JSON.parse(readFileSync(join(full.work, 'save-1.json'), 'utf8')) as Saved;
      const saved2 = JSON.parse(readFileSync(join(full.work, 'save-2.json'), 'utf8')) as Saved;
      expect([saved1.steps, saved2.steps]).toEqual([5, 205]);
      expect(saved1.weights).not.toEqual(saved2.weights);
      expectExactly((await loadWhat(full.dir)) as Saved, saved2, randomness);

      // Either checkpoint, whole, is allowed; once the pointer is renamed, the new one must be live.
      const outcomes: string[] = [];
      for (let k = 1; k <= points.length; k++) {
        const run = await runChild({ PRIVKIT_TEST_CRASH_AT: String(k), RANDOMNESS: randomness });
        const at = `k = ${k} (${points[k - 1]})`;
        expect(run.signal, `${at}: ${run.stderr}`).toBe('SIGKILL');
        const inFirst = k <= first.length;
        const save = inFirst ? first : second;
        const index = inFirst ? k - 1 : k - 1 - first.length; // the point within its save
        const live = index >= save.indexOf('checkpoint:rename:CURRENT');
        const loaded = await loadWhat(run.dir);
        const savedAs = (n: number) => JSON.parse(readFileSync(join(run.work, `save-${n}.json`), 'utf8')) as Saved;
        if (loaded instanceof PrivkitError) {
          // Only a first save, killed before its pointer exists, may leave nothing loadable.
          expect(inFirst && !live, `${at}: ${loaded.message}`).toBe(true);
          expect(loaded.message).toMatch(/holds no checkpoint/);
          outcomes.push(`${at}: nothing`);
          continue;
        }
        const which = loaded.steps === 5 ? 1 : 2;
        if (inFirst) expect(which, at).toBe(1);
        if (!inFirst && live) expect(which, at).toBe(2);
        expectExactly(loaded, savedAs(which), randomness);
        outcomes.push(`${at}: ${loaded.steps} steps`);
      }
      expect(outcomes).toHaveLength(first.length + second.length);
      // Not vacuous: kills left nothing, the first checkpoint, the old one and the new one.
      for (const seen of [/nothing$/, /^k = \d+ .*: 5 steps$/, /: 205 steps$/]) expect(outcomes.some((o) => seen.test(o)), outcomes.join('\n')).toBe(true);
      expect(outcomes.slice(first.length).filter((o) => o.endsWith(': 5 steps')).length).toBeGreaterThan(0);
      process.stdout.write(`${randomness}: ${outcomes.join('; ')}\n`);
    });
  });
}
