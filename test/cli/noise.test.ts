/**
 * `privkit noise`, run in-process: the calibrated σ against the published MNIST figure and against
 * the accountant (achieved ε ≤ target, and σ minimal to the calibration tolerance), the JSON
 * contract, the batch form, an unreachable target (exit 3), and usage errors.
 */
import { describe, expect, it } from 'vitest';
import { dpSgdEpsilon } from '../../accountant/index.js';
import { MNIST, expectOneLine, expectUsageError, parseJsonLine, runCli, withFlag, withoutFlag } from './runCli.js';

const mnistArgs = ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', String(MNIST.sampleRate), '--steps', String(MNIST.steps)];

describe('privkit noise --json', () => {
  it('calibrates σ ≈ 1.0140 for ε = 3 on MNIST and reports the ε achieved, ≤ 3', async () => {
    // Act
    const result = await runCli([...mnistArgs, '--json']);
    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = parseJsonLine(result.stdout);
    expect(Object.keys(json)).toEqual(['noiseMultiplier', 'epsilon', 'delta', 'accountant']);
    const sigma = json.noiseMultiplier as number;
    expect(Math.abs(sigma / 1.014 - 1)).toBeLessThan(1e-3);
    expect(json.epsilon as number).toBeLessThanOrEqual(3);
    expect(json).toMatchObject({ delta: 1e-5, accountant: 'rdp' });
  });

  it('reports the ε that the accountant gives at the returned σ, and σ is minimal to 0.1%', async () => {
    const json = parseJsonLine((await runCli([...mnistArgs, '--json'])).stdout);
    const sigma = json.noiseMultiplier as number;
    const { sampleRate, steps, delta } = MNIST;
    expect(json.epsilon).toBe(dpSgdEpsilon('rdp', sigma, sampleRate, steps, delta));
    expect(dpSgdEpsilon('rdp', sigma * (1 - 1e-3), sampleRate, steps, delta)).toBeGreaterThan(3);
  });

  it('gives the same answer from --batch-size 256 --dataset-size 60000 --epochs 60', async () => {
    const batch = await runCli(['noise', '--target-epsilon', '3', '--delta', '1e-5', '--batch-size', '256', '--dataset-size', '60000', '--epochs', '60', '--json']);
    const direct = await runCli([...mnistArgs, '--json']);
    expect(batch.code).toBe(0);
    expect(batch.stdout).toBe(direct.stdout);
  });

  // The only PLD calibration in the CLI tests (a few seconds).
  it('with --accountant pld needs less noise than RDP, and still meets the target', async () => {
    const pld = parseJsonLine((await runCli([...mnistArgs, '--accountant', 'pld', '--json'])).stdout);
    expect(pld.accountant).toBe('pld');
    expect(pld.noiseMultiplier as number).toBeLessThan(1.014);
    expect(pld.noiseMultiplier as number).toBeGreaterThan(0.9);
    expect(pld.epsilon as number).toBeLessThanOrEqual(3);
  });
});

describe('privkit noise, human output', () => {
  it('is one line with σ, the achieved ε, the target, δ, q and steps', async () => {
    const result = await runCli(mnistArgs);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expectOneLine(result.stdout);
    expect(result.stdout).toMatch(/^σ = 1\.01\d\d gives ε = 2\.99\d\d ≤ 3 at δ = 1e-05 \(RDP; q = 0\.0042667, steps = 14063\)\n$/);
  });

  it('shows where q and steps came from in the batch form', async () => {
    const result = await runCli(['noise', '--target-epsilon', '3', '--delta', '1e-5', '--batch-size', '256', '--dataset-size', '60000', '--epochs', '60']);
    expect(result.stdout).toContain('q = 256/60000 = 0.0042667, steps = 14063 from 60 epochs');
  });
});

describe('privkit noise, unreachable target', () => {
  it('exits 3 with the library message on one stderr line and nothing on stdout', async () => {
    // ε = 1e-6 at δ = 1e-5 over 1000 full-batch steps would need σ far beyond the search limit.
    const result = await runCli(['noise', '--target-epsilon', '1e-6', '--delta', '1e-5', '--sample-rate', '1', '--steps', '1000', '--json']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/^privkit: .*cannot be reached/);
    expect(result.stderr).toMatch(/^privkit: --target-epsilon 1e-06 cannot be reached .* at --delta 1e-05 \(RDP; q = 1, steps = 1000\)\n$/);
  });
});

describe('privkit noise usage errors', () => {
  const base = ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '100'];
  const cases: readonly { readonly name: string; readonly argv: readonly string[]; readonly mention: string }[] = [
    { name: '--target-epsilon 0', argv: withFlag(base, '--target-epsilon', '0'), mention: '--target-epsilon must be a finite number > 0; got 0' },
    { name: '--target-epsilon -1', argv: withFlag(base, '--target-epsilon', '-1'), mention: '--target-epsilon' },
    { name: '--target-epsilon abc', argv: withFlag(base, '--target-epsilon', 'abc'), mention: '--target-epsilon' },
    { name: '--target-epsilon 1e999', argv: withFlag(base, '--target-epsilon', '1e999'), mention: '--target-epsilon' },
    { name: 'missing --target-epsilon', argv: withoutFlag(base, '--target-epsilon'), mention: '--target-epsilon is required' },
    { name: 'missing --delta', argv: withoutFlag(base, '--delta'), mention: '--delta is required' },
    { name: '--delta 1', argv: withFlag(base, '--delta', '1'), mention: '--delta must be in (0, 1); got 1' },
    { name: '--sample-rate 1.5', argv: withFlag(base, '--sample-rate', '1.5'), mention: '--sample-rate must be in (0, 1]; got 1.5' },
    { name: '--steps 0', argv: withFlag(base, '--steps', '0'), mention: '--steps' },
    { name: 'missing --sample-rate', argv: withoutFlag(base, '--sample-rate'), mention: '--sample-rate is required with --steps' },
    { name: '--accountant PLD (names are lower case)', argv: [...base, '--accountant', 'PLD'], mention: '--accountant' },
    { name: 'both forms', argv: [...base, '--dataset-size', '1000'], mention: '--dataset-size' },
    {
      name: '--epochs -1',
      argv: ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--batch-size', '5', '--dataset-size', '50', '--epochs', '-1'],
      mention: '--epochs',
    },
    { name: '--noise-multiplier belongs to epsilon', argv: [...base, '--noise-multiplier', '1'], mention: '--noise-multiplier' },
  ];

  it.each(cases)('$name → exit 2, empty stdout, one stderr line naming it', async ({ argv, mention }) => {
    expectUsageError(await runCli(argv), mention);
  });
});

describe('privkit noise at hostile but valid values (issue 11: they hung for minutes)', () => {
  const base = ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '100', '--json'];

  it.each([
    ['--sample-rate 1e-300', withFlag(base, '--sample-rate', '1e-300'), 1e-300, 1e-5],
    ['--delta 0.99', withFlag(base, '--delta', '0.99'), 0.01, 0.99],
  ])('--accountant pld %s: σ = 0.001 (the smallest searched) gives ε = 0, because every σ does', async (_name, argv, q, delta) => {
    // Reference: whatever σ, the record is used in some step with probability 1 − (1 − q)^100 ≤ δ,
    // so the run is (0, δ)-DP: the answer is the search's floor, at ε = 0 exactly.
    expect(1 - (1 - q) ** 100).toBeLessThanOrEqual(delta);
    const start = performance.now();
    const result = await runCli([...argv, '--accountant', 'pld']);
    expect(performance.now() - start).toBeLessThan(30_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(parseJsonLine(result.stdout)).toEqual({ noiseMultiplier: 0.001, epsilon: 0, delta, accountant: 'pld' });
  });

  it.each([
    ['--sample-rate 1e-300', withFlag(base, '--sample-rate', '1e-300'), 1e-300, 1e-5],
    ['--delta 0.99', withFlag(base, '--delta', '0.99'), 0.01, 0.99],
  ])('--accountant rdp %s: σ meets the target and σ·(1 − 1e-3) does not, or it is the floor, in seconds (q = 1e-300 took 40 s)', async (_name, argv, q, delta) => {
    const start = performance.now();
    const json = parseJsonLine((await runCli(argv)).stdout);
    expect(performance.now() - start).toBeLessThan(20_000);
    const sigma = json.noiseMultiplier as number;
    expect(json.epsilon).toBe(dpSgdEpsilon('rdp', sigma, q, 100, delta));
    expect(json.epsilon as number).toBeLessThanOrEqual(3);
    if (sigma > 0.001) expect(dpSgdEpsilon('rdp', sigma * (1 - 1e-3), q, 100, delta)).toBeGreaterThan(3);
  });

  it('an unreachable target names the flags: --target-epsilon, --delta, and why (PLD below its truncated tails)', async () => {
    const result = await runCli([...withFlag(base, '--delta', '1e-300'), '--accountant', 'pld']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr);
    expect(result.stderr).toBe(
      'privkit: --target-epsilon 3 cannot be reached with a noise multiplier ≤ 10000 at --delta 1e-300 (PLD; q = 0.01, steps = 100); the PLD accountant certifies no finite ε at this --delta\n',
    );
  });
});
