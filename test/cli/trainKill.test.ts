/**
 * `privkit train --out` into a folder holding an earlier run, killed (SIGKILL) at every write and
 * rename of the output (PRIVKIT_TEST_CRASH_AT=n, the built executable in dist/ as a child process):
 * afterwards `--out` holds the complete earlier run, the complete new one, or nothing — never the
 * old privacy.json beside the new weights. A run is complete when its privacy.json's weightsSha256 is
 * the SHA-256 of the weights.bin beside it and its members.txt and model.json are there.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

let dir: string;
let csv: string;

function privkit(args: readonly string[], crashAt?: number): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PRIVKIT_DEBUG: '', ...(crashAt === undefined ? {} : { PRIVKIT_TEST_CRASH_AT: String(crashAt) }) },
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const trainArgs = (out: string, epochs: string): string[] => [
  'train', '--data', csv, '--model', 'mlp', '--epochs', epochs, '--batch-size', '8', '--learning-rate', '0.5',
  '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--backend', 'cpu', '--out', out, '--json',
];

/** 'none', or the run's step count when the folder is one complete run; 'mixed' otherwise. */
function state(out: string): 'none' | 'mixed' | number {
  if (!existsSync(out)) return 'none';
  const names = readdirSync(out).sort();
  if (names.join(',') !== 'members.txt,model.json,privacy.json,weights.bin') return 'mixed';
  const record = JSON.parse(readFileSync(join(out, 'privacy.json'), 'utf8')) as { steps: number; weightsSha256: string };
  const sha = createHash('sha256').update(readFileSync(join(out, 'weights.bin'))).digest('hex');
  return sha === record.weightsSha256 ? record.steps : 'mixed';
}

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  dir = mkdtempSync(join(tmpdir(), 'privkit-train-kill-'));
  csv = join(dir, 'data.csv');
  const rows = Array.from({ length: 40 }, (_, i) => `${(i % 2 ? 1.5 : -1.5) + ((i * 37) % 11) / 10},${i % 2}`);
  writeFileSync(csv, `a,label\n${rows.join('\n')}\n`);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('privkit train killed at every write and rename of --out', () => {
  it('leaves the complete earlier run, the complete new one, or none', () => {
    const earlier = join(dir, 'earlier');
    const first = privkit(trainArgs(earlier, '1'));
    expect(first.status, first.stderr).toBe(0);
    const oldSteps = state(earlier);
    expect(typeof oldSteps).toBe('number');
    const seen = new Set<string>();
    let finished = false;
    let points = 0;
    for (let n = 1; n <= 20 && !finished; n++) {
      const parent = join(dir, `kill-${n}`);
      const out = join(parent, 'run');
      cpSync(earlier, out, { recursive: true });
      const r = privkit(trainArgs(out, '3'), n);
      if (r.signal === null) {
        expect(r.status, r.stderr).toBe(0);
        finished = true;
      } else {
        expect(r.signal).toBe('SIGKILL');
        points = n;
      }
      const s = state(out);
      expect(s, `killed at crash point ${n}`).not.toBe('mixed');
      seen.add(s === 'none' ? 'none' : s === oldSteps ? 'old' : 'new');
      if (s !== 'none' && s !== oldSteps) expect(s).toBe(3 * (oldSteps as number));
    }
    expect(finished).toBe(true);
    expect(points).toBeGreaterThanOrEqual(7);
    expect([...seen].sort()).toEqual(['new', 'none', 'old']);
  });
});
