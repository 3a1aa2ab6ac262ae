/**
 * privkit in a real browser, as a user's page gets it: `privkit`, `privkit/accountant`, `privkit/mia`
 * and `privkit/testing` (with fast-check) bundled by esbuild for the browser from a small page
 * (`_bundle/page.ts`, through the package's own `exports`, i.e. the built dist/: `npm run build` first),
 * served over HTTP with tfjs-backend-wasm's `.wasm` files, and run in headless Chromium (skipped
 * where Chromium is absent; `.ci/run` installs it). The bundle must build with no error and no warning;
 * the page's numbers must equal Node's, computed here by the same `_bundle/scenario.ts`:
 * ε by RDP bit-identical and by PLD within 1e-8, DP-SGD steps on cpu and on wasm (`setWasmPaths`), a
 * plain Conv2D fit on wasm, `checkDp`'s verdicts, and LiRA scores on synthetic logits.
 */
import { build, type Metafile } from 'esbuild';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, findChromium } from './_chromium.js';
import { runScenario, type DpSgdRun, type ScenarioResult } from './_bundle/scenario.js';

const chromium = findChromium();
const WASM_DIR = resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');

interface PageResult {
  readonly scenario: ScenarioResult;
  readonly backends: { readonly auto: string; readonly webgl: string; readonly tensorflow: string };
  readonly dpSgdOnWebgl: DpSgdRun | null;
  readonly userAgent: string;
}

/** Serves the page, its bundle and tfjs-backend-wasm's .wasm files under /wasm/. */
function serve(bundle: string): Promise<{ server: Server; url: string }> {
  const html = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>privkit bundle</title></head><body><script type="module" src="/page.js"></script></body></html>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(bundle));
    } else if (path.startsWith('/wasm/') && existsSync(join(WASM_DIR, basename(path))) && path.endsWith('.wasm')) {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      createReadStream(join(WASM_DIR, basename(path))).pipe(res);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** max |a − b| / max(|b|, 1e-3) over the entries (float32 weights: a relative error, floored near 0). */
function maxRelDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-3)));
}

describe.skipIf(chromium === null)('the browser bundle in headless chromium', () => {
  let dir: string;
  let metafile: Metafile;
  let warnings: string[];
  let bundleBytes: number;
  let page: PageResult;
  let consoleLines: string[];
  let node: ScenarioResult;

  beforeAll(async () => {
    expect(existsSync('dist/src/index.js'), 'the test bundles the built package: run `npm run build` first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'privkit-bundle-'));
    const out = join(dir, 'page.js');
    const result = await build({
      entryPoints: [resolve('test/browser/_bundle/page.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      outfile: out,
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: '{}', // resolve privkit as a user's bundler does (package exports → dist), not through the repo's tsconfig paths
    });
    metafile = result.metafile;
    warnings = result.warnings.map((w) => `${w.text} (${w.location?.file ?? '?'})`);
    bundleBytes = statSync(out).size;

    const { server, url } = await serve(out);
    try {
      // The virtual-time budget lets the page's timers run to the end before the DOM is dumped.
      const run = await browse(chromium as string, url, ['--dump-dom', '--virtual-time-budget=600000'], 240_000);
      consoleLines = run.console;
      const m = /<pre id="privkit-result">([\s\S]*?)<\/pre>/.exec(run.stdout);
      expect(m, `no result in the page; status ${run.status}; console:\n${run.console.join('\n')}`).not.toBeNull();
      const parsed = JSON.parse(unescapeHtml((m as RegExpExecArray)[1])) as { ok: boolean; result?: PageResult; error?: string };
      expect(parsed.error).toBeUndefined();
      page = parsed.result as PageResult;
    } finally {
      server.close();
    }
    node = await runScenario();
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles with no error and no warning, no Node built-in in it, and tfjs-backend-wasm in it (a literal import)', () => {
    expect(warnings).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((f) => f.startsWith('node:') || /(^|\/)(fs|path|os|child_process|worker_threads|readline)$/.test(f))).toEqual([]);
    for (const entry of ['dist/src/index.js', 'dist/accountant/index.js', 'dist/mia/index.js', 'dist/src/testing/index.js']) expect(inputs).toContain(entry);
    expect(inputs.some((f) => f.includes('node_modules/fast-check/'))).toBe(true);
    expect(inputs.some((f) => f.includes('node_modules/@tensorflow/tfjs-backend-wasm/dist/'))).toBe(true);
    expect(inputs.filter((f) => f.startsWith('dist/') && /\/node\//.test(f))).toEqual([]); // nothing of privkit/node or privkit/mia/node
    console.log(`page bundle (minified): ${(bundleBytes / 1024).toFixed(0)} KiB from ${inputs.length} modules`);
  });

  it('ε by RDP is bit-identical to Node, by PLD within 1e-8', () => {
    expect(page.scenario.epsilon.rdp).toBe(node.epsilon.rdp);
    expect(Math.abs(page.scenario.epsilon.pld - node.epsilon.pld)).toBeLessThanOrEqual(1e-8);
    console.log(`ε rdp ${page.scenario.epsilon.rdp} (node ${node.epsilon.rdp}); pld ${page.scenario.epsilon.pld} (node ${node.epsilon.pld})`);
  });

  it.each(['cpu', 'wasm'] as const)('DP-SGD steps on %s run as in Node: same steps and ε, the same weights to float32 rounding, no tensor leaked', (backend) => {
    const b: DpSgdRun = page.scenario.dpSgd[backend];
    const n: DpSgdRun = node.dpSgd[backend];
    expect(b.backend).toBe(backend);
    expect(b.steps).toBe(n.steps);
    expect(b.steps).toBeGreaterThan(0);
    expect(b.epsilon).toBe(n.epsilon);
    expect(b.leakedTensors).toBe(0);
    const d = maxRelDiff(b.weights, n.weights);
    expect(d).toBeLessThan(1e-5);
    expect(Math.abs(b.loss[0] - n.loss[0])).toBeLessThan(1e-5);
    console.log(`DP-SGD on ${backend}: ${b.steps} steps, loss ${b.loss[0]} (node ${n.loss[0]}), ε ${b.epsilon}, max rel. weight diff to node ${d}`);
  });

  it('a plain tfjs fit of a Conv2D model trains on wasm (registerWasmKernels), as in Node', () => {
    const b = page.scenario.plainFitOnWasm.loss;
    expect(b).toHaveLength(3);
    expect(maxRelDiff(b, node.plainFitOnWasm.loss)).toBeLessThan(1e-5);
  });

  it('checkDp (privkit/testing, fast-check bundled) passes the sound claim, refutes the broken one, as in Node', () => {
    const { sound, broken } = page.scenario.checkDp;
    expect(sound.passed).toBe(true);
    expect(broken.passed).toBe(false);
    for (const k of ['sound', 'broken'] as const) {
      const [b, n] = [page.scenario.checkDp[k], node.checkDp[k]];
      expect(b.event).toBe(n.event);
      // Same draws and counts; the bound's Math.log/betaincinv may differ by an ulp between V8 versions.
      expect(Math.abs(b.epsilonLowerBound - n.epsilonLowerBound)).toBeLessThanOrEqual(1e-12 * n.epsilonLowerBound);
    }
    console.log(`checkDp: ε=1 claim ${sound.passed} (ε_lb ${sound.epsilonLowerBound}); ε=0.25 claim ${broken.passed} (ε_lb ${broken.epsilonLowerBound}, ${broken.event})`);
  });

  it('LiRA (privkit/mia) on logits gives Node’s scores and AUC', () => {
    const { scores, auc } = page.scenario.lira;
    expect(scores).toHaveLength(node.lira.scores.length);
    expect(maxRelDiff(scores, node.lira.scores)).toBeLessThan(1e-12);
    expect(auc).toBe(node.lira.auc);
    console.log(`LiRA AUC ${auc}`);
  });

  it("'auto' does not land on cpu in a browser; 'tensorflow' is refused with a typed error; 'webgl' starts or is refused typed", () => {
    const { auto, webgl, tensorflow } = page.backends;
    expect(['webgl', 'wasm']).toContain(auto);
    expect(tensorflow).toMatch(/^BACKEND_UNAVAILABLE: The tensorflow backend runs only in Node/);
    expect(webgl === 'webgl' || webgl.startsWith('BACKEND_UNAVAILABLE: ')).toBe(true);
    console.log(`${page.userAgent}: auto → ${auto}; webgl → ${webgl}; console:\n${consoleLines.join('\n')}`);
  });

  it('where webgl starts, the same DP-SGD steps on it end near Node’s cpu weights (float32 on a GPU or SwiftShader)', (ctx) => {
    const w = page.dpSgdOnWebgl;
    if (w === null) return ctx.skip();
    expect(w.backend).toBe('webgl');
    expect(w.steps).toBe(node.dpSgd.cpu.steps);
    expect(w.epsilon).toBe(node.dpSgd.cpu.epsilon);
    expect(w.leakedTensors).toBe(0);
    const d = maxRelDiff(w.weights, node.dpSgd.cpu.weights);
    expect(d).toBeLessThan(1e-3);
    console.log(`DP-SGD on webgl: loss ${w.loss[0]} (node cpu ${node.dpSgd.cpu.loss[0]}), max rel. weight diff to node cpu ${d}`);
  });
});
