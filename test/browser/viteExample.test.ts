/**
 * The browser example (examples/browser: index.html + main.ts) built by Vite as a user's project
 * would build it (its `privkit` resolves through the package's `exports` to dist/: `npm run build`
 * first): the build succeeds with no warning at all — in particular no "externalized for browser
 * compatibility", which a Node built-in reachable from the page would cause (shown on a planted
 * `node:fs` import). Then the built page runs in headless Chromium (skipped where absent): it trains on
 * the wasm backend and shows the ε that Node's accountants give.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { build, createLogger, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpSgdEpsilon } from '../../accountant/index.js';
import { browse, findChromium } from './_chromium.js';

const chromium = findChromium();
const EXAMPLE = resolve('examples/browser');

/** Runs `vite build` on `root`; returns every line Vite logged, by level, and whether it succeeded. */
async function viteBuild(root: string, outDir: string, configFile: string | false): Promise<{ ok: boolean; warnings: string[]; errors: string[]; info: string[] }> {
  const warnings: string[] = [];
  const errors: string[] = [];
  const info: string[] = [];
  const base = createLogger('info');
  const logger: Logger = {
    ...base,
    info: (m) => {
      info.push(m);
    },
    warn: (m) => {
      warnings.push(m);
    },
    warnOnce: (m) => {
      warnings.push(m);
    },
    error: (m) => {
      errors.push(m);
    },
    clearScreen: () => {},
  };
  // As `vite build` runs from a shell: vitest sets NODE_ENV=test, under which Vite builds in its
  // non-production way (and says nothing about modules externalized for the browser).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, configFile, logLevel: 'info', customLogger: logger, build: { outDir, emptyOutDir: true } });
    return { ok: true, warnings, errors, info };
  } catch (e) {
    errors.push(String(e));
    return { ok: false, warnings, errors, info };
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

describe('the browser example built by Vite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'privkit-vite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the check works: a page importing node:fs gets the "externalized for browser compatibility" warning', async () => {
    const root = join(dir, 'planted');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!DOCTYPE html><html><body><script type="module" src="./main.js"></script></body></html>');
    writeFileSync(join(root, 'main.js'), "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
    const r = await viteBuild(root, join(dir, 'planted-out'), false);
    expect(r.warnings.join('\n')).toMatch(/Module "node:fs" has been externalized for browser compatibility/);
  });

  describe('examples/browser', () => {
    const out = () => join(dir, 'example-out');
    let result: Awaited<ReturnType<typeof viteBuild>>;
    beforeAll(async () => {
      expect(existsSync('dist/src/index.js'), 'the example bundles the built package: run `npm run build` first').toBe(true);
      result = await viteBuild(EXAMPLE, out(), join(EXAMPLE, 'vite.config.ts'));
    }, 300_000);

    it('builds with no error and no warning (no module externalized for browser compatibility)', () => {
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.warnings.join('\n')).not.toMatch(/externalized for browser compatibility/);
      expect(result.warnings).toEqual([]);
      const html = readFileSync(join(out(), 'index.html'), 'utf8');
      expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js"><\/script>/);
      console.log(result.info.filter((l) => /assets\//.test(l)).join('\n'));
    });

    it.skipIf(chromium === null)('the built page trains on wasm in headless chromium and shows Node’s ε', async () => {
      const server = createServer((req, res) => {
        const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
        const file = join(out(), path === '/' ? 'index.html' : path);
        if (!file.startsWith(out()) || !existsSync(file)) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      });
      const url = await new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)));
      let dom: string;
      try {
        const run = await browse(chromium as string, url, ['--dump-dom', '--virtual-time-budget=600000'], 240_000);
        dom = run.stdout;
        expect(dom, run.console.join('\n')).toContain('<p id="status">Done on the wasm backend.</p>');
      } finally {
        server.close();
      }
      const cells = (id: string) =>
        [...(new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(dom)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[dh]>([^<]*)<\/t[dh]>/g)].map((c) => c[1]));
      expect(cells('budget')).toEqual([
        ['accountant', 'ε at δ = 1e-5'],
        ['rdp', dpSgdEpsilon('rdp', 1.1, 0.01, 1000, 1e-5).toFixed(4)],
        ['pld', dpSgdEpsilon('pld', 1.1, 0.01, 1000, 1e-5).toFixed(4)],
      ]);
      const training = cells('training');
      expect(training).toHaveLength(5); // header, three epochs, accuracy
      for (let epoch = 1; epoch <= 3; epoch++) {
        const [e, loss, eps] = training[epoch];
        expect(e).toBe(String(epoch));
        expect(Number.isFinite(Number(loss))).toBe(true);
        expect(eps).toBe(dpSgdEpsilon('rdp', 1.1, 64 / 512, 8 * epoch, 1e-5).toFixed(3)); // ⌈1/q⌉ = 8 steps an epoch
      }
      expect(training[4][1]).toMatch(/^\d+\.\d %$/);
      console.log(training.map((r) => r.join(' | ')).join('\n'));
    });
  });
});
