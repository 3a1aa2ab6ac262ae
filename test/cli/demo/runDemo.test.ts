/**
 * The main job (`npm start`, `privkit demo`, cli/demo/runDemo.ts) at toy sizes: it trains both models, audits both,
 * writes the report, and its numbers say what the README claims (the DP model's measured ε stays below
 * its claim; PLD ≤ RDP ≤ the target; shadows are shared through one cache entry).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSummary, formatDemoSummary, runDemo, type DemoResult } from '../../../cli/demo/runDemo.js';
import { shadowProgress, showEpsilon, trainingProgress } from '../../../cli/demo/progress.js';

const TOY = {
  population: 240,
  canaries: 40,
  hiddenUnits: 16,
  epochs: 3,
  batchSize: 32,
  dpEpochs: 3,
  dpBatchSize: 48,
  shadowModels: 4,
  workers: 1,
};

describe('cli/demo (toy sizes)', () => {
  let dir: string;
  let result: DemoResult;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'privkit-demo-'));
    result = await runDemo({
      quick: true,
      out: join(dir, 'report'),
      cacheDir: join(dir, 'cache'),
      sizes: TOY,
      io: { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes index.html and report.json, and nothing to stdout', () => {
    expect(stdout).toBe('');
    expect(result.wrote.html).toBe(join(dir, 'report', 'index.html'));
    const html = readFileSync(result.wrote.html, 'utf8');
    expect(html.match(/<figure>\s*<svg/g)).toHaveLength(4);
    expect(html).not.toMatch(/<script/i);
    const json = JSON.parse(readFileSync(result.wrote.json, 'utf8'));
    expect(json.format).toBe('privkit-report/1');
    expect(json.html).toBe('index.html');
    expect(json.document.sections.map((s: { title: string }) => s.title)).toEqual([
      'What was run',
      'Privacy spent during training',
      'Membership inference (LiRA)',
      'Claimed vs measured ε',
    ]);
    // ε = ∞ is written 1e999 (privkit's JSON convention), which JSON.parse reads back as Infinity.
    expect(readFileSync(result.wrote.json, 'utf8')).toMatch(/"claimedEpsilonRdp": 1e999,/);
    expect(json.summary.models[0].claimedEpsilonRdp).toBe(Infinity);
  });

  it('shows progress on stderr: a line per epoch of each training, a line per shadow', () => {
    expect(stderr).toContain(`non-private epoch ${TOY.epochs}/${TOY.epochs}`);
    expect(stderr).toMatch(new RegExp(`DP-SGD +epoch ${TOY.dpEpochs}/${TOY.dpEpochs}: .*ε \\d\\.\\d{3}`));
    expect(stderr).toContain(`shadow models: ${TOY.shadowModels}/${TOY.shadowModels} trained and cached`);
  });

  it('the DP-SGD model: σ calibrated to ε ≤ 3, PLD ≤ RDP at every epoch, measured lower bound ≤ claimed', () => {
    const [plain, dp] = result.models;
    expect(dp.noiseMultiplier).toBeGreaterThan(0);
    expect(dp.claimedEpsilon.rdp).toBeLessThanOrEqual(3 + 1e-9);
    expect(dp.claimedEpsilon.rdp).toBeGreaterThan(2.9);
    expect(dp.claimedEpsilon.pld).toBeLessThan(dp.claimedEpsilon.rdp);
    expect(dp.oneRun.epsilonLowerBound).toBeLessThanOrEqual(dp.claimedEpsilon.pld);
    expect(dp.epochs).toHaveLength(TOY.dpEpochs);
    for (let i = 0; i < dp.epochs.length; i++) {
      const e = dp.epochs[i];
      expect(e.pldEpsilon).toBeLessThanOrEqual(e.epsilon);
      if (i > 0) expect(e.epsilon).toBeGreaterThan(dp.epochs[i - 1].epsilon);
    }
    expect(plain.claimedEpsilon).toEqual({ rdp: Infinity, pld: Infinity });
    expect(plain.noiseMultiplier).toBeNull();
    for (const m of result.models) {
      expect(m.heldOutAccuracy).toBeGreaterThan(0.1); // better than chance on 10 classes
      expect(m.lira.auc).toBeGreaterThanOrEqual(0);
      expect(m.lira.auc).toBeLessThanOrEqual(1);
      expect(m.lira.roc.fpr.length).toBe(m.lira.roc.tpr.length);
      expect(m.oneRun.canaries).toBe(TOY.canaries);
    }
  });

  it('both targets are attacked with the same shadow models: one cache entry holding all of them', () => {
    expect(result.shadowModels).toMatchObject({ count: TOY.shadowModels, trained: TOY.shadowModels });
    const entries = readdirSync(join(dir, 'cache')).filter((f) => !f.startsWith('.'));
    expect(entries).toHaveLength(1);
    const shadows = readdirSync(join(dir, 'cache', entries[0])).filter((f) => f.startsWith('shadow-'));
    expect(shadows).toHaveLength(TOY.shadowModels);
    for (const s of shadows) expect(existsSync(join(dir, 'cache', entries[0], s, 'meta.json'))).toBe(true);
  });

  it('prints a summary table with both models and every figure the issue asks for', () => {
    const text = formatDemoSummary(result);
    for (const row of ['held-out accuracy', 'claimed ε (RDP)', 'claimed ε (PLD)', 'measured ε lower bound (95%)', 'LiRA AUC', 'LiRA TPR at 0.1% FPR']) {
      expect(text).toContain(row);
    }
    expect(text).toContain('non-private');
    expect(text).toContain('DP-SGD (ε = 3)');
    expect(text).toContain(result.models[1].claimedEpsilon.rdp.toFixed(3));
    expect(demoSummary(result).models).toHaveLength(2);
  });
});

describe('cli/demo progress on a terminal', () => {
  it('draws bars with loss, accuracy and ε (training) and finished shadows (shadow training), on stderr only', () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), stderrTerminal: { columns: 120 } };
    const bar = trainingProgress(io, 'DP-SGD', { epochs: 2, totalSteps: 4 });
    bar.step(2.3);
    bar.step(2.1);
    bar.epoch(0, { loss: 2.2, accuracy: 0.5, epsilon: 1.25 });
    bar.stop();
    bar.stop();
    expect(stderr).toMatch(/DP-SGD +\[.*\] epoch 2\/2 \| loss 2\.2000 \| accuracy 50\.0% \| ε 1\.250/);
    stderr = '';
    const shadows = shadowProgress(io, { count: 2, epochs: 3 });
    shadows.epoch([0, 1], 0);
    shadows.saved(0);
    shadows.stop();
    expect(stderr).toContain('shadow models [');
    expect(stderr).toContain('1/2 done');
    expect(stdout).toBe('');
    expect(showEpsilon(Infinity)).toBe('∞');
  });
});
