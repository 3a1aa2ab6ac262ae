/**
 * `useBackend('tensorflow' | 'auto')` loads `@tensorflow/tfjs-node(-gpu)` at run time in Node when the
 * user installed it, without an `import()` that bundlers would follow (see src/backend/useBackend.ts):
 * a child Node process (the BUILT module from dist/: run `npm run build` first) finds a stand-in
 * `@tensorflow/tfjs-node` through NODE_PATH — a CommonJS package that, like the real one, registers a
 * 'tensorflow' backend with the engine of `@tensorflow/tfjs` — and ends on it; `-gpu` is tried first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USE_BACKEND = join(ROOT, 'dist/src/backend/useBackend.js');

const CHILD = `
import { pathToFileURL } from 'node:url';
const { useBackend } = await import(pathToFileURL(process.env.USE_BACKEND).href);
const tf = await import('@tensorflow/tfjs');
const picked = await useBackend(process.env.CHOICE);
const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
process.stdout.write(JSON.stringify({ picked, active: tf.getBackend(), loaded: globalThis.__standIns ?? [], sum: Array.from(sum) }) + '\\n');
`;

/** A stand-in package: records that it was loaded and registers 'tensorflow' (a cpu backend inside). */
function standIn(name: string): string {
  return `globalThis.__standIns = [...(globalThis.__standIns ?? []), ${JSON.stringify(name)}];
const tf = require('@tensorflow/tfjs');
const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');
tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
`;
}

describe('tfjs-node is loaded at run time in Node, not by an import bundlers follow', () => {
  let dir: string;
  beforeAll(() => {
    expect(existsSync(USE_BACKEND), 'run `npm run build` first').toBe(true);
    // Inside the repository, so that the child's own imports (@tensorflow/tfjs) resolve from its node_modules.
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'tfjs-node-'));
    writeFileSync(join(dir, 'child.mjs'), CHILD);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(choice: string, installed: readonly string[]): { picked: string; active: string; loaded: string[]; sum: number[] } {
    const modules = join(dir, `modules-${installed.join('+') || 'none'}`);
    for (const name of installed) {
      const pkg = join(modules, '@tensorflow', name);
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: `@tensorflow/${name}`, version: '4.22.0', main: 'index.js' }));
      writeFileSync(join(pkg, 'index.js'), standIn(name));
    }
    const r = spawnSync(process.execPath, [join(dir, 'child.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, USE_BACKEND, CHOICE: choice, NODE_PATH: [modules, join(ROOT, 'node_modules')].join(delimiter) },
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string);
  }

  it.each(['tensorflow', 'auto'])("'%s' ends on tfjs-node when it is installed", (choice) => {
    const r = run(choice, ['tfjs-node']);
    expect(r).toEqual({ picked: 'tensorflow', active: 'tensorflow', loaded: ['tfjs-node'], sum: [4, 6] });
  });

  it('tfjs-node-gpu is preferred when both are installed', () => {
    expect(run('tensorflow', ['tfjs-node-gpu', 'tfjs-node']).loaded).toEqual(['tfjs-node-gpu']);
  });

  it("without either, 'auto' falls back to wasm", () => {
    expect(run('auto', [])).toMatchObject({ picked: 'wasm', active: 'wasm', loaded: [] });
  });
});
