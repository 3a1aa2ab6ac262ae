/**
 * `privkit audit dp` and `privkit audit canary` end to end on tiny inputs (seconds): the --json
 * objects carry exactly the fields, the measured bound never exceeds the claimed ε, the
 * reports are written, and bad input is a one-line usage error with exit code 2 and nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../_support/prng.js';
import { expectUsageError, parseJsonLine, runCli } from './runCli.js';

let dir: string;
let csv: string;
let corpus: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-audit-cd-'));
  // 300 rows, 4 features, 2 classes (blobs).
  const r = mulberry32(5);
  const rows = ['f0,f1,f2,f3,label'];
  for (let i = 0; i < 300; i++) {
    const y = i % 2;
    rows.push([0, 1, 2, 3].map(() => ((y ? 0.5 : -0.5) + r() - 0.5).toFixed(4)).join(',') + `,${y}`);
  }
  csv = join(dir, 'data.csv');
  writeFileSync(csv, `${rows.join('\n')}\n`);
  corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(30));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('privkit audit dp', () => {
  it('--json gives the claimed ε beside a lower bound that does not exceed it, and writes the report', async () => {
    const out = join(dir, 'dp');
    const r = await runCli(['audit', 'dp', '--data', csv, '--canaries', '40', '--noise-multiplier', '1', '--delta', '1e-5', '--epochs', '2', '--batch-size', '32', '--backend', 'cpu', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const json = parseJsonLine(r.stdout) as Record<string, number | string>;
    expect(Object.keys(json)).toEqual(['claimedEpsilon', 'delta', 'epsilonLowerBound', 'confidence', 'method', 'canaries', 'guesses', 'correct']);
    expect(json.method).toBe('one-run');
    expect(json.confidence).toBe(0.95);
    expect(json.canaries).toBe(40);
    expect(json.epsilonLowerBound as number).toBeLessThanOrEqual(json.claimedEpsilon as number);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.claimedEpsilon).toBe(json.claimedEpsilon);
    expect(report.randomness).toBe('seeded'); // audits are reproducible experiments (--seed defaults to 0)
  });

  it.each([
    [['--canary-type', 'bogus'], '--canary-type'],
    [['--delta', '1.5'], '--delta'],
    [['--canaries', '1'], '--canaries'],
  ])('refuses %j with exit code 2 and writes nothing', async (bad, message) => {
    const out = join(dir, `dp-bad-${String(bad[0])}`);
    const args = { '--canaries': '40', '--noise-multiplier': '1', '--delta': '1e-5', '--epochs': '1', '--canary-type': 'mislabel' } as Record<string, string>;
    args[bad[0] as string] = bad[1] as string;
    const r = await runCli(['audit', 'dp', '--data', csv, ...Object.entries(args).flat(), '--out', out]);
    expectUsageError(r, message as string);
    expect(existsSync(out)).toBe(false);
  });
});

describe('privkit audit canary', () => {
  it('--json lists every canary with the issue\'s fields and maxExposure = log2|R|', async () => {
    const out = join(dir, 'canary');
    const r = await runCli(['audit', 'canary', '--text', corpus, '--canary', 'my pin is {d2}', '--insertions', '8', '--canaries-per-count', '2', '--epochs', '1', '--backend', 'cpu', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const json = parseJsonLine(r.stdout) as { canaries: Record<string, unknown>[]; maxExposure: number };
    expect(json.maxExposure).toBeCloseTo(Math.log2(100), 12);
    expect(json.canaries).toHaveLength(4); // 2 inserted 8 times, 2 never inserted
    for (const c of json.canaries) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['secret', 'insertions', 'exposure', 'exposureExtrapolated', 'extracted', 'rank']));
      expect(c.exposure as number).toBeGreaterThanOrEqual(0);
      expect(c.exposure as number).toBeLessThanOrEqual(json.maxExposure + 1e-12);
    }
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it.each([
    [['--canary', 'no slot here'], /--canary must contain at least one slot/],
    [['--canary', 'pin {d7}', '--exposure', 'interpolation'], /1e6|10⁶|extrapolation/],
  ])('refuses %j with exit code 2 (or 2 from the library) and writes nothing', async (bad, message) => {
    const out = join(dir, `canary-bad-${bad.length}`);
    const r = await runCli(['audit', 'canary', '--text', corpus, '--epochs', '1', ...bad, '--backend', 'cpu', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });
});
