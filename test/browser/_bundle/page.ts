/**
 * The test page's script (bundled by test/browser/bundle.test.ts with esbuild for the browser): runs the
 * scenario, then what only a browser can show — which backend `auto` picks, what `webgl` does (and the
 * DP-SGD steps on it where it starts) —
 * and writes the result as JSON into `<pre id="privkit-result">`.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { PrivkitError, useBackend } from 'privkit';
import { dpSgd, runScenario, type DpSgdRun } from './scenario.js';

setWasmPaths('/wasm/'); // the test's server serves node_modules/@tensorflow/tfjs-backend-wasm/dist here

async function outcome(p: Promise<string>): Promise<string> {
  try {
    return await p;
  } catch (e) {
    return e instanceof PrivkitError ? `${e.code}: ${e.message}` : `untyped: ${String(e)}`;
  }
}

async function main(): Promise<unknown> {
  const scenario = await runScenario();
  const webgl = await outcome(useBackend('webgl'));
  const dpSgdOnWebgl: DpSgdRun | null = webgl === 'webgl' ? await dpSgd('webgl') : null;
  const tensorflow = await outcome(useBackend('tensorflow'));
  const auto = await outcome(useBackend('auto'));
  return { scenario, backends: { auto, webgl, tensorflow }, dpSgdOnWebgl, userAgent: navigator.userAgent };
}

function write(value: unknown): void {
  const pre = document.createElement('pre');
  pre.id = 'privkit-result';
  pre.textContent = JSON.stringify(value);
  document.body.append(pre);
}

main().then(
  (result) => write({ ok: true, result }),
  (e: unknown) => write({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) }),
);
