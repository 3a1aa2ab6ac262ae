/**
 * The module boundaries, checked on the import graph of every package (accountant, src, mia, cli, and examples as a
 * consumer): no runtime cycle, no deep import across packages, nothing Node-only reachable from a browser entry point.
 * The checker (./_importGraph.ts) runs on the real tree, and on small planted trees that show it catches each kind of
 * violation: a cycle, a deep import, and a `node:fs` import reachable from a browser entry point.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PRIVKIT_LAYOUT, checkImportGraph, formatViolations, type ImportGraph } from './_importGraph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the real tree', () => {
  let graph: ImportGraph | undefined;
  const real = (): ImportGraph => (graph ??= checkImportGraph(root));

  it('covers every TypeScript file of every package and consumer', () => {
    const folders = [...Object.keys(PRIVKIT_LAYOUT.packages), ...Object.keys(PRIVKIT_LAYOUT.consumers)];
    expect(folders).toEqual(['accountant', 'src', 'mia', 'cli', 'examples']);
    const expected = folders
      .flatMap((f) => (readdirSync(join(root, f), { recursive: true }) as string[]).map((p) => `${f}/${p.split('\\').join('/')}`))
      .filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))
      .sort();
    const { files, entries, edges } = real();
    expect(files).toEqual(expected);
    for (const f of folders) expect(files.filter((x) => x.startsWith(`${f}/`)).length).toBeGreaterThan(0);
    // Entry points come from package.json; the Node ones are exactly those in node/ folders and the bin.
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const name of ['privkit', 'privkit/accountant', 'privkit/mia', 'privkit/testing']) expect(byName.get(name)?.browser).toBe(true);
    for (const name of ['privkit/node', 'privkit/mia/node', 'bin privkit']) expect(byName.get(name)?.browser).toBe(false);
    for (const e of entries) expect(files).toContain(e.file);
    // Every kind of edge is seen: the walk is not only over static imports.
    expect([...new Set(edges.map((e) => e.kind))]).toEqual(expect.arrayContaining(['static', 're-export', 'dynamic', 'type']));
  });

  it('has no cycle, no deep import and nothing Node-only reachable from a browser entry point', () => {
    expect(formatViolations(real().violations)).toEqual([]);
  });
});

// A small package laid out like privkit's, clean: the baseline that each planted case changes in one place.
const PACKAGE_JSON = JSON.stringify({
  name: 'privkit',
  type: 'module',
  bin: { privkit: 'dist/cli/main.js' },
  exports: {
    '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' },
    './accountant': { types: './dist/accountant/index.d.ts', default: './dist/accountant/index.js' },
    './mia': { types: './dist/mia/index.d.ts', default: './dist/mia/index.js' },
    './node': { types: './dist/src/node/index.d.ts', default: './dist/src/node/index.js' },
    './package.json': './package.json',
  },
});

const BASELINE: Record<string, string> = {
  'package.json': PACKAGE_JSON,
  'accountant/index.ts': `export { epsilon } from './epsilon.js';\nexport type { Budget } from './epsilon.js';\n`,
  'accountant/epsilon.ts': `export interface Budget { readonly delta: number }\nexport function epsilon(): number { return 1; }\n`,
  'src/index.ts': `export { train } from './train.js';\nexport { Budget, epsilon } from '../accountant/index.js';\n`,
  'src/train.ts': [
    `import * as tf from '@tensorflow/tfjs';`,
    `import type { Stats } from 'node:fs';`,
    `import { epsilon, type Budget } from '../accountant/index.js';`,
    `export function train(budget?: Budget, stats?: Stats): number { return epsilon() + tf.memory().numTensors; }`,
    '',
  ].join('\n'),
  'src/node/index.ts': `export { save } from './save.js';\n`,
  'src/node/save.ts': [
    `import { writeFileSync } from 'node:fs';`,
    `import { train } from '../train.js';`,
    `export function save(path: string): void { writeFileSync(path, String(train())); }`,
    '',
  ].join('\n'),
  'mia/index.ts': `export { audit } from './audit.js';\n`,
  'mia/audit.ts': [
    `import { train } from 'privkit';`,
    `import { epsilon } from '../accountant/index.js';`,
    `export const audit = (): number => train() + epsilon();`,
    '',
  ].join('\n'),
  'cli/main.ts': [
    `import { Command } from 'commander';`,
    `import { readFileSync } from 'node:fs';`,
    `import { save } from 'privkit/node';`,
    `import { audit } from '../mia/index.js';`,
    `new Command().action(async () => { const { run } = await import('./run.js'); save(readFileSync(run(), 'utf8') + audit()); });`,
    '',
  ].join('\n'),
  'cli/run.ts': `export const run = (): string => 'x';\n`,
  'examples/demo.ts': `import { train } from 'privkit';\nimport { audit } from 'privkit/mia';\nconsole.log(train(), audit());\n`,
};

const planted: string[] = [];
afterAll(() => {
  for (const dir of planted) rmSync(dir, { recursive: true, force: true });
});

/** Writes the baseline with `changes` applied to a fresh temp dir and checks it. */
function plant(changes: Record<string, string>): ImportGraph {
  const dir = mkdtempSync(join(tmpdir(), 'privkit-import-graph-'));
  planted.push(dir);
  for (const [file, text] of Object.entries({ ...BASELINE, ...changes })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return checkImportGraph(dir);
}

const found = (g: ImportGraph) => g.violations.map(({ rule, file, target }) => ({ rule, file, target }));

describe('planted trees', () => {
  it('the clean baseline has no violation (Node code in node/ and cli/, type-only node:fs and entry-point imports are fine)', () => {
    const g = plant({});
    expect(formatViolations(g.violations)).toEqual([]);
    expect(g.files).toHaveLength(Object.keys(BASELINE).length - 1);
    expect(g.edges.find((e) => e.from === 'src/train.ts' && e.target === 'node:fs')?.kind).toBe('type');
    expect(g.edges.find((e) => e.from === 'mia/audit.ts' && e.specifier === 'privkit')?.target).toBe('src/index.ts');
    // `Budget` is an interface, so that half of src/index.ts's re-export is erased; `epsilon` keeps it a runtime edge.
    expect(g.edges.find((e) => e.from === 'src/index.ts' && e.target === 'accountant/index.ts')?.kind).toBe('re-export');
  });

  describe('a planted cycle', () => {
    const helper = `import { train } from './train.js';\nexport const helper = (): number => train();\n`;
    const trainUsingHelper = `${BASELINE['src/train.ts']}import { helper } from './helper.js';\nexport const twice = (): number => helper() * 2;\n`;

    it('is reported with its files', () => {
      const g = plant({ 'src/helper.ts': helper, 'src/train.ts': trainUsingHelper });
      expect(found(g)).toEqual([{ rule: 'cycle', file: 'src/helper.ts', target: 'src/helper.ts → src/train.ts → src/helper.ts' }]);
      expect(formatViolations(g.violations)[0]).toBe('src/helper.ts:1 → src/helper.ts → src/train.ts → src/helper.ts  [cycle] runtime import cycle');
    });

    it('through a dynamic import() is a cycle too', () => {
      const g = plant({ 'src/helper.ts': helper, 'src/train.ts': `${BASELINE['src/train.ts']}export const later = () => import('./helper.js');\n` });
      expect(found(g)).toEqual([{ rule: 'cycle', file: 'src/helper.ts', target: 'src/helper.ts → src/train.ts → src/helper.ts (dynamic import)' }]);
    });

    it('closed only by a type-only use is no cycle (the compiler erases it)', () => {
      const typeOnlyHelper = `import { train } from './train.js';\nexport type Trainer = typeof train;\nexport const helper = (): number => 1;\n`;
      expect(found(plant({ 'src/helper.ts': typeOnlyHelper, 'src/train.ts': trainUsingHelper }))).toEqual([]);
    });
  });

  describe('a planted deep import', () => {
    it('is reported at the importing line', () => {
      const g = plant({ 'mia/audit.ts': BASELINE['mia/audit.ts'].replace("'../accountant/index.js'", "'../accountant/epsilon.js'") });
      expect(found(g)).toEqual([{ rule: 'deep-import', file: 'mia/audit.ts', target: 'accountant/epsilon.ts' }]);
      expect(g.violations[0].line).toBe(2);
      expect(g.violations[0].message).toContain('accountant/index.ts');
    });

    it('counts when it is type-only', () => {
      const g = plant({ 'mia/audit.ts': `import type { Budget } from '../accountant/epsilon.js';\n${BASELINE['mia/audit.ts']}export type B = Budget;\n` });
      expect(found(g)).toEqual([{ rule: 'deep-import', file: 'mia/audit.ts', target: 'accountant/epsilon.ts' }]);
      expect(g.violations[0].message).toMatch(/^type-only deep import/);
    });

    it('into a package that may not be used at all is a direction violation (src → mia, even through its entry point)', () => {
      const g = plant({ 'src/train.ts': `import type { audit } from '../mia/index.js';\n${BASELINE['src/train.ts']}export type A = typeof audit;\n` });
      expect(found(g)).toEqual([{ rule: 'direction', file: 'src/train.ts', target: 'mia/index.ts' }]);
    });
  });

  describe('a planted node:fs import reachable from a browser entry point', () => {
    it('is reported with the entry points that reach it and the path', () => {
      const g = plant({ 'src/train.ts': `import { readFileSync } from 'node:fs';\n${BASELINE['src/train.ts']}export const read = (p: string): string => readFileSync(p, 'utf8');\n` });
      expect(found(g)).toEqual([{ rule: 'browser-node', file: 'src/train.ts', target: 'node:fs' }]);
      expect(g.violations[0].message).toBe(
        "Node built-in 'node:fs' is reachable from the browser entry points privkit, privkit/mia via src/index.ts → src/train.ts",
      );
    });

    it('by a dynamic import() of a node/ file is reported (bundlers follow literal dynamic imports)', () => {
      const g = plant({
        'src/node/progress.ts': `import { stdout } from 'node:process';\nexport const tick = (): boolean => stdout.write('.');\n`,
        'src/train.ts': `${BASELINE['src/train.ts']}export const progress = () => import('./node/progress.js');\n`,
      });
      expect(found(g)).toEqual([{ rule: 'browser-node', file: 'src/train.ts', target: 'src/node/progress.ts' }]);
      expect(g.violations[0].message).toContain('by dynamic import()');
    });

    it('through a Node-only npm package, or a non-literal import(), is reported', () => {
      const g = plant({
        'src/train.ts': `import { SingleBar } from 'cli-progress';\n${BASELINE['src/train.ts']}export const bar = new SingleBar({});\nexport const load = (m: string) => import(m);\n`,
      });
      expect(found(g)).toEqual([
        { rule: 'browser-node', file: 'src/train.ts', target: 'cli-progress' },
        { rule: 'non-literal-import', file: 'src/train.ts', target: '<expression>' },
      ]);
    });

    it('outside node/ but unreachable from any entry point is still reported (Node code lives in node/ folders)', () => {
      const g = plant({ 'src/tools.ts': `import { join } from 'node:path';\nexport const at = (d: string): string => join(d, 'x');\n` });
      expect(found(g)).toEqual([{ rule: 'node-outside-node-folder', file: 'src/tools.ts', target: 'node:path' }]);
    });
  });
});
