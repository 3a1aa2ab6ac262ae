/**
 * `privkit demo`: flags, help, the `--json` line, and Ctrl-C during shadow training (the built
 * executable, interrupted for real): nothing on stdout, no report, and a shadow cache whose every
 * shadow loads. The demo's numbers are tested at toy sizes in test/cli/demo/runDemo.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoJson } from '../../cli/_internals/demoRun.js';
import { parseDemoFlags } from '../../cli/commands/demo.js';
import type { DemoResult } from '../../cli/demo/runDemo.js';
import { fileShadowStore } from '../../mia/node/index.js';
import { expectUsageError, parseJsonLine, runCli } from './runCli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('privkit demo: flags and output', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'privkit-demo-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every flag with its default, and one example', async () => {
    const r = await runCli(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/--quick[\s\S]*\(default: false\)/);
    expect(r.stdout).toMatch(/--out <dir>[\s\S]*\(default: "privkit-report"\)/);
    expect(r.stdout).toMatch(/--cache <dir>[\s\S]*\(default: ".privkit-cache"\)/);
    expect(r.stdout).toContain('Example:\n  $ privkit demo --quick');
  });

  it('defaults, and --out / --cache naming a file are usage errors (exit 2, one line)', async () => {
    expect(parseDemoFlags({})).toEqual({ quick: false, out: 'privkit-report', cache: '.privkit-cache' });
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expectUsageError(await runCli(['demo', '--out', file]), '--out must be a folder');
    expectUsageError(await runCli(['demo', '--cache', file]), '--cache must be a folder');
  });

  it('--json: one line, the non-private claim written 1e999', () => {
    const model = (name: string, epsilon: number) => ({
      name,
      heldOutAccuracy: 0.9,
      claimedEpsilon: { rdp: epsilon, pld: epsilon },
      noiseMultiplier: Number.isFinite(epsilon) ? 3 : null,
      oneRun: { epsilonLowerBound: 0.5, confidence: 0.95, canaries: 10, guesses: 4, correct: 3 },
      lira: { auc: 0.6, tprAtFpr: { '0.001': 0.02, '0.01': 0.05, '0.1': 0.2 }, advantage: 0.1, roc: { fpr: [0, 1], tpr: [0, 1] } },
      epochs: [],
      steps: 10,
      trainingSeconds: 1,
    });
    const result = {
      targetEpsilon: 3,
      delta: 1e-5,
      members: 5,
      nonMembers: 5,
      canaries: 10,
      shadowModels: { count: 4, trained: 4, cacheDir: 'c' },
      seconds: { total: 12.4, shadows: 5 },
      models: [model('non-private', Infinity), model('DP-SGD (ε = 3)', 2.9)],
      wrote: { html: 'r/index.html', json: 'r/report.json' },
    } as unknown as DemoResult;
    const line = demoJson(result);
    expect(line).toContain('"claimedEpsilonRdp":1e999');
    const json = parseJsonLine(line) as { models: { claimedEpsilonRdp: number }[]; report: string; seconds: number };
    expect(json.models.map((m) => m.claimedEpsilonRdp)).toEqual([Infinity, 2.9]);
    expect(json.report).toBe('r/index.html');
    expect(json.seconds).toBe(12);
  });
});

describe('privkit demo: Ctrl-C during shadow training', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
    dir = mkdtempSync(join(tmpdir(), 'privkit-demo-sigint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops with SIGINT, prints nothing on stdout, writes no report, and leaves only complete shadows in the cache', async () => {
    const out = join(dir, 'report');
    const cache = join(dir, 'cache');
    const child = spawn(process.execPath, [main, 'demo', '--quick', '--json', '--out', out, '--cache', cache], { cwd: root, env: { ...process.env, PRIVKIT_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    let interrupted = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!interrupted && /shadow models: 1\/\d+ trained and cached/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (c, s) => done({ code: c, signal: s })));
    clearTimeout(timer);

    expect(interrupted, stderr).toBe(true);
    expect(signal === 'SIGINT' || code === 130, `exit ${code}, signal ${signal}`).toBe(true);
    expect(stdout).toBe('');
    expect(stderr).toContain('privkit demo: interrupted. Finished shadow models stay in');
    expect(existsSync(out)).toBe(false);
    const keys = readdirSync(cache).filter((f) => !f.startsWith('.'));
    expect(keys).toHaveLength(1);
    const shadows = readdirSync(join(cache, keys[0])).filter((f) => f.startsWith('shadow-'));
    expect(shadows.length).toBeGreaterThanOrEqual(1);
    const store = fileShadowStore(cache, keys[0]);
    for (const s of shadows) {
      const loaded = await store.load(Number(s.slice('shadow-'.length)));
      expect(loaded?.inMask.length).toBe(1000);
    }
  });
});
