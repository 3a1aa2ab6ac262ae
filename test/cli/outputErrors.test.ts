/**
 * A disk that fills up during the final write (ENOSPC injected into node:fs for the files a command
 * writes last, after its probe write passed): exit 2, one stderr line naming the flag and the path,
 * nothing on stdout, and the output left as it was (an earlier run intact, no new folder, no
 * temporary files).
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectUsageError, runCli } from './runCli.js';

/** Paths matching this fail with ENOSPC (none while undefined). */
const failing: { pattern: RegExp | undefined } = vi.hoisted(() => ({ pattern: undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof actual.writeFileSync = (path, data, options) => {
    if (typeof path === 'string' && failing.pattern?.test(path) === true) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', syscall: 'write', path });
    }
    return actual.writeFileSync(path, data, options);
  };
  return { ...actual, writeFileSync, default: { ...actual, writeFileSync } };
});

const { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } = fs;

let dir: string;
let csv: string;
let count = 0;
const fresh = (): string => join(dir, `out-${++count}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-enospc-'));
  csv = join(dir, 'data.csv');
  const rows = Array.from({ length: 60 }, (_, i) => `${(i % 2 ? 1 : -1) + ((i * 37) % 11) / 10},${(i % 2 ? 1 : -1) - ((i * 53) % 7) / 10},${i % 2}`);
  writeFileSync(csv, `a,b,label\n${rows.join('\n')}\n`);
});

afterEach(() => {
  failing.pattern = undefined;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const train = (out: string, epochs = '1'): string[] => [
  'train', '--data', csv, '--model', 'mlp', '--epochs', epochs, '--batch-size', '12', '--learning-rate', '0.5',
  '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--out', out, '--json',
];

describe('ENOSPC during the final write', () => {
  it('train: exit 2 naming --out; the earlier run stays complete, nothing beside it', async () => {
    const parent = fresh();
    const out = join(parent, 'run');
    expect((await runCli(train(out))).code).toBe(0);
    const before = readFileSync(join(out, 'privacy.json'), 'utf8');
    failing.pattern = /\.privkit-tmp-[^/]*\/weights\.bin$/;
    const r = await runCli(train(out, '2'));
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    const last = r.stderr.trimEnd().split('\n').pop() as string;
    expect(last).toBe(`privkit: --out must be a folder that can be created and written; got ${JSON.stringify(out)}: no space left on the device (ENOSPC)`);
    expect(readFileSync(join(out, 'privacy.json'), 'utf8')).toBe(before);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('audit mia --scores: exit 2 naming --out; no report folder is left', async () => {
    const n = 40;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const logits = (shift: number): number[][] => labels.map((l, i) => [l === 0 ? shift + (i % 5) / 10 : 0, l === 1 ? shift + (i % 3) / 10 : 0]);
    const scores = join(dir, 'scores.json');
    writeFileSync(scores, JSON.stringify({ labels, target: logits(1), shadows: [0, 1, 2, 3].map((j) => ({ logits: logits(j / 2), inMask: labels.map((_, i) => (i + j) % 2) })) }));
    const members = join(dir, 'members.txt');
    writeFileSync(members, `${Array.from({ length: n / 2 }, (_, i) => 2 * i).join('\n')}\n`);
    const out = join(fresh(), 'audit');
    failing.pattern = /report\.html\.tmp-/;
    const r = await runCli(['audit', 'mia', '--scores', scores, '--members', members, '--attack', 'loss', '--out', out, '--json']);
    expectUsageError(r, '--out must be a folder that can be created and written');
    expect(r.stderr).toContain('(ENOSPC)');
    expect(existsSync(out)).toBe(false);
  });

  it('report: exit 2 naming --out; the page is not written', async () => {
    const source = fresh();
    fs.mkdirSync(source);
    writeFileSync(join(source, 'report.json'), JSON.stringify({ document: { title: 't', generatedAt: 'now', sections: [], settings: {} } }));
    const page = join(dir, 'page.html');
    failing.pattern = /page\.html\.tmp-/;
    const r = await runCli(['report', source, '--out', page]);
    expectUsageError(r, `--out must be a file that can be written; got ${JSON.stringify(page)}: no space left on the device`);
    expect(existsSync(page)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('page.html'))).toEqual([]);
  });
});
