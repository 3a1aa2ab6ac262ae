/**
 * The built executable (`node dist/cli/main.js`, run after `npm run build`): exit statuses, stdout
 * JSON, one stderr line. RDP only, to stay fast.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOneLine } from './runCli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function privkit(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PRIVKIT_DEBUG: '', ...env },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" (or npx tsc -p tsconfig.json) first`);
});

describe('node dist/cli/main.js', () => {
  it('starts with a node shebang', () => {
    expect(readFileSync(main, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('epsilon --json: exit 0, one JSON line on stdout, nothing on stderr', () => {
    const r = privkit(['epsilon', '--batch-size', '256', '--dataset-size', '60000', '--epochs', '60', '--noise-multiplier', '1.1', '--delta', '1e-5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectOneLine(r.stdout);
    const json = JSON.parse(r.stdout) as { epsilon: number; order: number; accountant: string; delta: number };
    expect(json.epsilon.toFixed(4)).toBe('2.5967');
    expect(json).toMatchObject({ delta: 1e-5, accountant: 'rdp', order: 8.1 });
  });

  it('noise --json: exit 0, σ ≈ 1.014 and ε ≤ 3', () => {
    const r = privkit(['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', String(256 / 60000), '--steps', '14063', '--json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { noiseMultiplier: number; epsilon: number };
    expect(Math.abs(json.noiseMultiplier / 1.014 - 1)).toBeLessThan(1e-3);
    expect(json.epsilon).toBeLessThanOrEqual(3);
  });

  it('human output: exit 0, one line with ε', () => {
    const r = privkit(['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1e-5']);
    expect(r.status).toBe(0);
    expectOneLine(r.stdout);
    expect(r.stdout).toMatch(/^ε = /);
  });

  it.each([
    [['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1.5', '--json'], '--delta must be in (0, 1); got 1.5'],
    [['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--json'], '--delta is required'],
    [['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', '0.01', '--batch-size', '10'], '--batch-size'],
    [['epsilon', '--bogus'], "unknown option '--bogus'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [[], 'expected a command'],
  ])('usage error %j: exit 2, empty stdout, one stderr line', (args, mention) => {
    const r = privkit(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr);
    expect(r.stderr).toContain(mention);
  });

  it('an unreachable target: exit 3, one stderr line', () => {
    const r = privkit(['noise', '--target-epsilon', '1e-6', '--delta', '1e-5', '--sample-rate', '1', '--steps', '1000']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr);
  });

  it('--version and --help: exit 0 on stdout', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const version = privkit(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const help = privkit(['noise', '--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('--target-epsilon <ε>');
  });

  it('train failing after tfjs started (cpu backend): exactly one stderr line, no tfjs banner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-binary-'));
    try {
      const rows = Array.from({ length: 20 }, (_, i) => `${i % 2 ? 1 : -1},${i % 2}`);
      writeFileSync(join(dir, 'd.csv'), `a,label\n${rows.join('\n')}\n`);
      const r = privkit(['train', '--data', join(dir, 'd.csv'), '--model', 'mlp', '--epochs', '1', '--batch-size', '4', '--learning-rate', '1e30',
        '--max-grad-norm', '1', '--noise-multiplier', '1', '--delta', '1e-5', '--backend', 'cpu', '--out', join(dir, 'out'), '--json']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('Hi, looks like');
      const errors = r.stderr.split('\n').filter((l) => !l.startsWith('epoch ') && l !== '');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^privkit: training diverged .*--learning-rate \(1e\+30\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a flag given twice: exit 2 naming it', () => {
    const r = privkit(['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--noise-multiplier', '0.5', '--steps', '100', '--delta', '1e-5']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr);
    expect(r.stderr).toBe('privkit: --noise-multiplier was given twice ("1", then "0.5"); give each flag at most once\n');
  });
});
