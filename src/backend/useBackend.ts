/**
 * Backend selection. privkit runs on whatever tfjs backend is active; this picks one:
 * - `tensorflow`: libtensorflow through `@tensorflow/tfjs-node-gpu` (CUDA) or `@tensorflow/tfjs-node`,
 *   optional peer dependencies the user installs (their install downloads libtensorflow); Node only;
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD), ~25× the pure-JS backend on matmul; in a browser
 *   say where its `.wasm` files are served (`{ wasmPaths }`, or the package's own `setWasmPaths` first);
 * - `webgl`: the WebGL backend that `@tensorflow/tfjs` registers in a browser;
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu`, which the user installs and imports first (privkit does
 *   not import it, so that bundles without it still build);
 * - `cpu`: the pure-JS backend;
 * - `auto`: in Node `tensorflow` when installed, else `wasm`, else `cpu`; in a browser `webgl` when it
 *   renders float32, else `wasm`, else `cpu`. The result says which one started.
 * A backend that is already registered (e.g. the program imported `@tensorflow/tfjs-node` itself) is
 * reused, nothing is imported again. The environment variable `PRIVKIT_BACKEND` overrides the default
 * of `auto` in Node. Everything shares the one tfjs-core engine the user's model lives in.
 *
 * Bundlers: `@tensorflow/tfjs-backend-wasm` (a peer dependency) is imported by a literal `import()`,
 * which esbuild, Vite, Rollup and webpack follow. `@tensorflow/tfjs-node(-gpu)` must not be followed: a
 * literal `import()` of a package that is not installed fails a Vite build ("failed to resolve import";
 * esbuild lets it pass inside try/catch), and where it is installed esbuild would bundle its native
 * addon; a computed `import(x)` passes both but cannot be checked by the import-graph test. So it is
 * loaded only in Node, by `require` from `process.getBuiltinModule('node:module')`, which no bundler
 * sees as an import: a browser bundle builds whether or not it is installed, and Node still loads it at
 * run time when it is.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { registerWasmKernels } from '../kernels/wasm/registerWasmKernels.js';

/** Names accepted by {@link useBackend}. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'webgl' | 'webgpu' | 'cpu';
/** The backends {@link useBackend} can end up on. */
export type ActiveBackend = 'tensorflow' | 'wasm' | 'webgl' | 'webgpu' | 'cpu';

/** Every {@link BackendChoice}, in the order the documentation lists them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'webgl', 'webgpu', 'cpu'];

const IN_NODE = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function registered(name: ActiveBackend): boolean {
  return tf.engine().findBackendFactory(name) != null;
}

/** Whether the backend has been initialised (`tf.findBackend` would initialise it). */
function started(name: ActiveBackend): boolean {
  return tf.engine().registry[name] !== undefined;
}

async function activate(name: ActiveBackend): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

interface NodeModuleApi {
  createRequire(from: string): (id: string) => unknown;
}

/**
 * Loads an optional CommonJS package that bundlers must not follow (see the file comment), in Node
 * only, through `require` from `process.getBuiltinModule('node:module')` (Node ≥ 20.16): no `import`
 * names the package or `node:module`, so no bundler resolves either and no browser bundle contains
 * them, and Node resolves the package from privkit's own location at run time, as `import()` did. The
 * package lands in the same module cache as `@tensorflow/tfjs` (its Node entry is CommonJS too), so
 * both share one engine.
 */
function requireUnbundled(specifier: string): boolean {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return false;
  try {
    const { createRequire } = getBuiltinModule('node:module') as NodeModuleApi;
    // import.meta.url is empty where a user bundles privkit to CommonJS: resolve from the working directory then.
    createRequire(import.meta.url || `${process.cwd()}/`)(specifier);
    return true;
  } catch {
    return false;
  }
}

async function startTensorflow(): Promise<boolean> {
  if (registered('tensorflow')) return activate('tensorflow');
  if (!IN_NODE) return false;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    if (requireUnbundled(pkg) && (await activate('tensorflow'))) return true;
  }
  return false;
}

/** The process-wide events whose handlers the Emscripten runtime of tfjs-backend-wasm installs. */
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type Listener = (...args: unknown[]) => void;
interface ProcessListeners {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
}

/**
 * Runs `start` and then removes every `uncaughtException` / `unhandledRejection` handler it added.
 * tfjs-backend-wasm's Emscripten runtime, when its module starts under Node, installs handlers that
 * rethrow from inside the handler (`process.on('uncaughtException', ex => { throw ex })`); Node then
 * exits with code 7 ("internal exception handler run-time failure") and a trace that points into
 * tf-backend-wasm, for every later uncaught error or unhandled rejection of the user's program.
 * Without them Node's default applies again: exit code 1 and the user's own stack trace. The handlers
 * only filter Emscripten's `ExitStatus`, which tfjs' wasm library never throws (it has no `main`).
 * Handlers that were present before `start` (the user's) stay.
 */
async function withoutAddedProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  if (typeof process === 'undefined' || typeof process.listeners !== 'function') return start();
  const emitter = process as unknown as ProcessListeners;
  const before = PROCESS_EVENTS.map((event) => new Set(emitter.listeners(event)));
  const exitCode = process.exitCode;
  try {
    return await start();
  } finally {
    PROCESS_EVENTS.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[i].has(listener)) emitter.removeListener(event, listener);
      }
    });
    process.exitCode = exitCode;
  }
}

/** The file names tfjs-backend-wasm 4.22 loads, one of which it picks for the browser's features. */
const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Where tfjs-backend-wasm fetches its binaries: a URL prefix ending in `/`, or one URL per binary. */
export type WasmPaths = string | Readonly<Record<(typeof WASM_BINARIES)[number], string>>;

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * Passed to tfjs-backend-wasm's `setWasmPaths` before the wasm backend starts (ignored when it has
   * already started): in a browser, where its `dist/*.wasm` files are served, e.g. `'/wasm/'` or the
   * three asset URLs a bundler gives (`import simd from '…/tfjs-backend-wasm-simd.wasm?url'` in Vite).
   * @defaultValue none: the backend's own default (next to its script; in Node, its package folder)
   */
  readonly wasmPaths?: WasmPaths;
}

function checkWasmPaths(paths: unknown): void {
  const ok =
    paths === undefined ||
    (typeof paths === 'string' && paths !== '') ||
    (typeof paths === 'object' && paths !== null && WASM_BINARIES.every((k) => typeof (paths as Record<string, unknown>)[k] === 'string'));
  if (!ok) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `\`wasmPaths\` must be a non-empty URL prefix or an object with a URL for each of ${WASM_BINARIES.join(', ')}; got ${JSON.stringify(paths)}.`,
    );
  }
}

async function startWasm(paths: WasmPaths | undefined): Promise<boolean> {
  return withoutAddedProcessHandlers(async () => {
    if (!registered('wasm') || (paths !== undefined && !started('wasm'))) {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (paths !== undefined && !started('wasm')) wasm.setWasmPaths(paths);
      } catch {
        return false;
      }
    }
    registerWasmKernels(); // the training kernels wasm lacks or gets wrong (src/kernels/wasm/registerWasmKernels.ts)
    return activate('wasm');
  });
}

/** WebGL, for `auto` only when it renders float32 textures: half-precision noise would not be the calibrated Gaussian. */
async function startWebgl(requireFloat32: boolean): Promise<boolean> {
  if (!registered('webgl') || !(await activate('webgl'))) return false;
  if (requireFloat32 && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) return false;
  return true;
}

function defaultChoice(): BackendChoice {
  const env = IN_NODE ? process.env?.PRIVKIT_BACKEND : undefined;
  return env === undefined || env === '' ? 'auto' : (env as BackendChoice);
}

function unavailable(message: string): PrivkitError {
  return new PrivkitError('BACKEND_UNAVAILABLE', message);
}

/**
 * Selects and starts a tfjs backend.
 * @param choice - see {@link BackendChoice}. @defaultValue `PRIVKIT_BACKEND`, else 'auto'
 * @param options - see {@link UseBackendOptions}.
 * The wasm backend's Emscripten runtime installs process-wide `uncaughtException` /
 * `unhandledRejection` handlers when it starts in Node; they are removed again, so an uncaught error in
 * the program behaves as in plain Node (exit code 1, the program's own stack trace) instead of exiting
 * with code 7 from inside tf-backend-wasm. Handlers the program installed itself stay.
 * Starting `wasm` also registers the training kernels it lacks ({@link registerWasmKernels}).
 * @returns the backend now active (for `auto`, the one it picked).
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name or bad `wasmPaths`; `BACKEND_UNAVAILABLE` when the named
 *   backend cannot start here (the message says what to install or call).
 * @example
 * ```ts
 * await useBackend('wasm', { wasmPaths: '/wasm/' }); // browser: where tfjs-backend-wasm's dist/*.wasm are served
 * ```
 */
export async function useBackend(choice: BackendChoice = defaultChoice(), options: UseBackendOptions = {}): Promise<ActiveBackend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`backend\` must be one of ${BACKEND_CHOICES.join(', ')}; got ${JSON.stringify(choice)}.`);
  }
  checkWasmPaths(options.wasmPaths);
  switch (choice) {
    case 'tensorflow':
      if (await startTensorflow()) return 'tensorflow';
      throw unavailable(
        IN_NODE
          ? typeof process.getBuiltinModule === 'function'
            ? 'The tensorflow backend needs `npm i @tensorflow/tfjs-node` (CPU) or `npm i @tensorflow/tfjs-node-gpu` (CUDA 11.2, cuDNN 8.1).'
            : `Loading @tensorflow/tfjs-node needs Node >= 20.16 (process.getBuiltinModule; this is ${process.version}); or \`import '@tensorflow/tfjs-node'\` before useBackend('tensorflow').`
          : 'The tensorflow backend runs only in Node (`@tensorflow/tfjs-node`); in a browser use webgl, wasm or cpu.',
      );
    case 'wasm':
      if (await startWasm(options.wasmPaths)) return 'wasm';
      throw unavailable(
        IN_NODE
          ? 'The wasm backend failed to start (is `@tensorflow/tfjs-backend-wasm` installed?).'
          : 'The wasm backend failed to start: give `wasmPaths` (or call `setWasmPaths` of `@tensorflow/tfjs-backend-wasm` first) with the URL its dist/*.wasm files are served from.',
      );
    case 'webgl':
      if (await startWebgl(false)) return 'webgl';
      throw unavailable(
        registered('webgl') ? 'The webgl backend failed to start (no WebGL context in this browser?).' : 'The webgl backend needs a browser with WebGL; it is not available here.',
      );
    case 'webgpu':
      if (registered('webgpu') && (await activate('webgpu'))) return 'webgpu';
      throw unavailable(
        registered('webgpu')
          ? 'The webgpu backend failed to start (no WebGPU adapter in this browser?).'
          : "The webgpu backend needs `npm i @tensorflow/tfjs-backend-webgpu` and `import '@tensorflow/tfjs-backend-webgpu'` before useBackend('webgpu'), in a browser with WebGPU.",
      );
    case 'cpu':
      if (await activate('cpu')) return 'cpu';
      break;
    case 'auto':
      if (await startTensorflow()) return 'tensorflow';
      if (!IN_NODE && (await startWebgl(true))) return 'webgl';
      if (await startWasm(options.wasmPaths)) return 'wasm';
      if (await activate('cpu')) return 'cpu';
      break;
  }
  throw unavailable('No tfjs backend could be started.');
}
