/**
 * After `useBackend('wasm')` a user's uncaught error or unhandled rejection behaves exactly as in plain
 * Node: exit code 1 and the user's own stack trace. (tfjs-backend-wasm's Emscripten runtime installs
 * `uncaughtException` / `unhandledRejection` handlers that rethrow, which made Node exit with code 7 and
 * a trace inside tf-backend-wasm.) Each scenario runs one script twice in a child process, with and
 * without the wasm backend (the BUILT modules from dist/: run `npm run build` first); the two runs must
 * exit alike and print the same stderr, and the wasm run must still compute a matMul.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USE_BACKEND = join(ROOT, 'dist/src/backend/useBackend.js');

/**
 * The child. With WASM=1 it starts the wasm backend (and a user handler registered before it, when
 * USER_HANDLER=1) and prints a matMul; then it fails the way FAIL says, from user code.
 */
const CHILD = `
import { pathToFileURL } from 'node:url';
const env = process.env;
if (env.USER_HANDLER === '1') {
  process.on('uncaughtException', (e) => { process.stderr.write('user handler: ' + e.message + '\\n'); process.exit(42); });
}
if (env.WASM === '1') {
  const { useBackend } = await import(pathToFileURL(env.USE_BACKEND).href);
  const tf = await import('@tensorflow/tfjs');
  const backend = await useBackend('wasm');
  const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();
  process.stdout.write(backend + ' ' + tf.getBackend() + ' ' + Array.from(product).join(',') + '\\n');
  process.stdout.write('listeners ' + process.listeners('uncaughtException').length + ' ' + process.listeners('unhandledRejection').length + '\\n');
}
await Promise.resolve(); // both runs fail from a resumed module body (identical stack traces)
function failInUserCode() {
  throw new Error('user failure 314159');
}
if (env.FAIL === 'throw') setTimeout(failInUserCode, 0);
if (env.FAIL === 'reject') Promise.reject(new Error('user rejection 271828'));
if (env.FAIL === 'top-level') failInUserCode();
`;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string | undefined;
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function script(): string {
  if (work === undefined) {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true }); // inside the repo, so '@tensorflow/tfjs' resolves
    work = mkdtempSync(join(ROOT, '.tmp', 'wasm-handlers-'));
    writeFileSync(join(work, 'child.mjs'), CHILD);
  }
  return join(work, 'child.mjs');
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script()], {
      env: { ...process.env, USE_BACKEND, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('useBackend("wasm") leaves process-wide error handling to Node', () => {
  it('dist is built', () => {
    expect(existsSync(USE_BACKEND), 'run `npm run build` first').toBe(true);
  });

  it.each([
    ['an uncaught error thrown later', 'throw', 'user failure 314159'],
    ['an uncaught error at top level', 'top-level', 'user failure 314159'],
    ['an unhandled rejection', 'reject', 'user rejection 271828'],
  ])('%s: exit code 1 and the same stderr as plain Node, not a tf-backend-wasm trace', async (_name, fail, message) => {
    const [plain, wasm] = await Promise.all([runChild({ FAIL: fail }), runChild({ FAIL: fail, WASM: '1' })]);

    expect(plain.code).toBe(1);
    expect(wasm.code).toBe(1);
    expect(wasm.stderr).toContain(`Error: ${message}`);
    expect(wasm.stderr).toContain('child.mjs');
    expect(wasm.stderr).not.toMatch(/tf-backend-wasm/);
    expect(wasm.stderr).toBe(plain.stderr);
    // the backend still works after its handlers are gone, and none are left behind
    expect(wasm.stdout).toBe('wasm wasm 17,39\nlisteners 0 0\n');
  });

  it("keeps the user's own handler registered before the backend started", async () => {
    const wasm = await runChild({ FAIL: 'throw', WASM: '1', USER_HANDLER: '1' });

    expect(wasm.code).toBe(42);
    expect(wasm.stderr).toBe('user handler: user failure 314159\n');
    expect(wasm.stdout).toBe('wasm wasm 17,39\nlisteners 1 0\n');
  });
});
