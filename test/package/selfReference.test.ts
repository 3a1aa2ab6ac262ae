/**
 * The package as users get it: after `npm run build` (part of `npm test`), `import … from 'privkit'`
 * and every subpath resolve from inside the repo (package self-reference), and the bin runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runNode(code: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

describe('package self-reference', () => {
  it('privkit, privkit/accountant, privkit/mia and privkit/testing resolve to the built entry points', () => {
    const r = runNode(`
      const main = await import('privkit');
      const acc = await import('privkit/accountant');
      const mia = await import('privkit/mia');
      if (typeof mia.auditMembership !== 'function') throw new Error('privkit/mia lacks auditMembership');
      const miaNode = await import('privkit/mia/node');
      if (typeof miaNode.fileShadowRunner !== 'function') throw new Error('privkit/mia/node lacks fileShadowRunner');
      const testing = await import('privkit/testing');
      const node = await import('privkit/node');
      if (typeof node.loadDataset !== 'function') throw new Error('privkit/node lacks loadDataset');
      const e = new main.RdpAccountant().compose(main.poissonSampled(0.01, main.gaussian(1)), 100).getEpsilon(1e-5);
      console.log(JSON.stringify({ e, same: main.RdpAccountant === acc.RdpAccountant, testing: Object.keys(testing).length }));
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.e).toBeGreaterThan(0);
    expect(out.same).toBe(true);
  });

  it.each(['dist/src/index.js', 'dist/mia/index.js'])('%s imports nothing Node-only: fs and friends live behind privkit/node and privkit/mia/node', (entry) => {
    const r = runNode(`
      import { readFileSync } from 'node:fs';
      import { dirname, join, resolve } from 'node:path';
      const seen = new Set();
      const bad = [];
      const visit = (file) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from ['"]([^'"]+)['"]/gm)) {
          const s = m[1];
          if (s.startsWith('.')) visit(resolve(dirname(file), s));
          else if (s.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|module)$/.test(s)) bad.push(file + ': ' + s);
        }
      };
      visit(resolve(${JSON.stringify(entry)}));
      console.log(JSON.stringify(bad));
    `);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('the accountant entry point imports nothing outside accountant/ (it must run in a browser)', () => {
    const r = runNode(`
      import { readFileSync, readdirSync } from 'node:fs';
      import { join } from 'node:path';
      const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]);
      const bad = [];
      for (const f of walk('dist/accountant').filter((f) => f.endsWith('.js'))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/from ['"]([^'"]+)['"]/g)) {
          const s = m[1];
          if (s.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|@tensorflow)/.test(s) || (s.startsWith('.') && s.includes('/src/'))) bad.push(f + ': ' + s);
        }
      }
      console.log(JSON.stringify(bad));
    `);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('package.json declares the bin and the subpath exports', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
    expect(pkg.name).toBe('privkit');
    expect(pkg.type).toBe('module');
    expect(pkg.bin.privkit).toBe('dist/cli/main.js');
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './accountant', './mia', './mia/node', './testing', './node']));
  });
});
