/**
 * Backend selection. privkit runs on whatever tfjs backend is active; this picks one:
 * - `tensorflow`: libtensorflow through `@tensorflow/tfjs-node-gpu` (CUDA) or `@tensorflow/tfjs-node`,
 *   optional peer dependencies the user installs (their install downloads libtensorflow);
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD), the default, ~25× the pure-JS backend on matmul;
 * - `cpu`: the pure-JS backend;
 * - `auto`: `tensorflow` when installed, else `wasm`, else `cpu`.
 * The environment variable `PRIVKIT_BACKEND` overrides the default of `auto`. Everything shares the one
 * tfjs-core engine the user's model lives in.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { registerWasmKernels } from '../kernels/wasm/registerWasmKernels.js';

/** Names accepted by {@link useBackend}. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
/** The backends {@link useBackend} can end up on. */
export type ActiveBackend = 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: ActiveBackend): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function startTensorflow(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    if ((await tryImport(pkg)) && (await activate('tensorflow'))) return true;
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

async function startWasm(): Promise<boolean> {
  return withoutAddedProcessHandlers(async () => {
    if (!(await tryImport('@tensorflow/tfjs-backend-wasm'))) return false;
    registerWasmKernels(); // the training kernels wasm lacks (Conv2DBackpropFilter, UnsortedSegmentSum)
    return activate('wasm');
  });
}

function defaultChoice(): BackendChoice {
  const env = typeof process !== 'undefined' ? process.env?.PRIVKIT_BACKEND : undefined;
  return env === undefined || env === '' ? 'auto' : (env as BackendChoice);
}

/**
 * Selects and starts a tfjs backend.
 * @param choice - see {@link BackendChoice}. @defaultValue `PRIVKIT_BACKEND`, else 'auto'
 * The wasm backend's Emscripten runtime installs process-wide `uncaughtException` /
 * `unhandledRejection` handlers when it starts; they are removed again, so an uncaught error in the
 * program behaves as in plain Node (exit code 1, the program's own stack trace) instead of exiting with
 * code 7 from inside tf-backend-wasm. Handlers the program installed itself stay.
 * @returns the backend now active.
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name; `BACKEND_UNAVAILABLE` when the named
 *   backend cannot start (the message says what to install).
 * @example
 * ```ts
 * await useBackend('wasm');
 * ```
 */
export async function useBackend(choice: BackendChoice = defaultChoice()): Promise<ActiveBackend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`backend\` must be one of ${BACKEND_CHOICES.join(', ')}; got ${JSON.stringify(choice)}.`);
  }
  if (choice === 'tensorflow' || choice === 'auto') {
    if (await startTensorflow()) return 'tensorflow';
    if (choice === 'tensorflow') {
      throw new PrivkitError(
        'BACKEND_UNAVAILABLE',
        'The tensorflow backend needs `npm i @tensorflow/tfjs-node` (CPU) or `npm i @tensorflow/tfjs-node-gpu` (CUDA 11.2, cuDNN 8.1).',
      );
    }
  }
  if (choice === 'wasm' || choice === 'auto') {
    if (await startWasm()) return 'wasm';
    if (choice === 'wasm') throw new PrivkitError('BACKEND_UNAVAILABLE', 'The wasm backend failed to start (is `@tensorflow/tfjs-backend-wasm` installed?).');
  }
  if (await activate('cpu')) return 'cpu';
  throw new PrivkitError('BACKEND_UNAVAILABLE', 'No tfjs backend could be started.');
}
