/**
 * `privkit epsilon`, run in-process: values against the accountant and published figures, the JSON
 * contract, the batch form, and the usage-error contract (exit 2, empty stdout, one stderr line
 * naming the flag).
 */
import { describe, expect, it } from 'vitest';
import { PldAccountant, RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { packageVersion } from '../../cli/_internals/packageVersion.js';
import { MNIST, expectOneLine, expectUsageError, parseJsonLine, runCli, withFlag, withoutFlag } from './runCli.js';

const mnistArgs = [
  'epsilon',
  '--sample-rate',
  String(MNIST.sampleRate),
  '--noise-multiplier',
  '1.1',
  '--steps',
  String(MNIST.steps),
  '--delta',
  '1e-5',
];

describe('privkit epsilon --json', () => {
  it('prints the RDP ε of MNIST DP-SGD (2.5967 at order 8.1) as one JSON object with exactly the contract keys', async () => {
    // Act
    const result = await runCli([...mnistArgs, '--json']);
    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = parseJsonLine(result.stdout);
    expect(Object.keys(json)).toEqual(['epsilon', 'delta', 'accountant', 'order']);
    expect((json.epsilon as number).toFixed(4)).toBe('2.5967');
    expect(json).toMatchObject({ delta: 1e-5, accountant: 'rdp', order: 8.1 });
  });

  it('agrees with the accountant API bit for bit', async () => {
    const result = await runCli([...mnistArgs, '--json']);
    const expected = new RdpAccountant().compose(poissonSampled(MNIST.sampleRate, gaussian(1.1)), MNIST.steps).getEpsilonAndOrder(1e-5);
    expect(parseJsonLine(result.stdout)).toMatchObject({ epsilon: expected.epsilon, order: expected.order });
  });

  // The published figure is 6.7128 (dp_accounting, whose fractional-order series is an upper bound);
  // the exact ε is 6.712738… (see test/accountant/rdpExact.test.ts), so: within one unit of the 4th decimal.
  it('gives ≈ 6.7128 (exactly 6.712738…) for q = 0.01, σ = 1, 10000 steps, at order 4.1', async () => {
    const result = await runCli(['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '10000', '--delta', '1e-5', '--json']);
    expect(result.code).toBe(0);
    const json = parseJsonLine(result.stdout);
    expect(Math.abs((json.epsilon as number) - 6.7128)).toBeLessThan(1e-4);
    expect(json.order).toBe(4.1);
  });

  it('with --accountant pld gives ≈ 2.382 (within 1%), below RDP, and order null', async () => {
    const result = await runCli([...mnistArgs, '--accountant', 'pld', '--json']);
    expect(result.code).toBe(0);
    const json = parseJsonLine(result.stdout);
    expect(Object.keys(json)).toEqual(['epsilon', 'delta', 'accountant', 'order']);
    expect(json.accountant).toBe('pld');
    expect(json.order).toBeNull();
    expect(Math.abs((json.epsilon as number) / 2.382 - 1)).toBeLessThan(0.01);
    expect(json.epsilon as number).toBeLessThan(2.5967);
  });

  it('accepts --steps in scientific notation when it is an integer (1e3 = 1000)', async () => {
    const base = ['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--delta', '1e-5', '--json'];
    const a = await runCli([...base, '--steps', '1e3']);
    const b = await runCli([...base, '--steps', '1000']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('writes an infinite ε as 1e999, which JSON.parse reads back as Infinity, with order null', async () => {
    const result = await runCli(['epsilon', '--sample-rate', '1', '--noise-multiplier', '1e-200', '--steps', '1', '--delta', '1e-5', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"epsilon":1e999');
    expect(parseJsonLine(result.stdout)).toEqual({ epsilon: Infinity, delta: 1e-5, accountant: 'rdp', order: null });
  });
});

describe('privkit epsilon with --batch-size/--dataset-size/--epochs', () => {
  const batchArgs = ['epsilon', '--batch-size', '256', '--dataset-size', '60000', '--epochs', '60', '--noise-multiplier', '1.1', '--delta', '1e-5'];

  it('uses q = B/N and steps = ⌈E·N/B⌉ = 14063, giving the same ε as the direct form', async () => {
    // Act
    const batch = await runCli([...batchArgs, '--json']);
    const direct = await runCli([...mnistArgs, '--json']);
    const human = await runCli(batchArgs);
    // Assert
    expect(batch.code).toBe(0);
    expect(batch.stdout).toBe(direct.stdout);
    expect(human.stdout).toContain('steps = 14063');
    expect(human.stdout).toContain('q = 256/60000');
  });

  it('rounds a fractional step count up (E = 1, N = 10, B = 3: ⌈10/3⌉ = 4 steps)', async () => {
    const result = await runCli(['epsilon', '--batch-size', '3', '--dataset-size', '10', '--epochs', '1', '--noise-multiplier', '1', '--delta', '1e-5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('steps = 4 from 1 epoch)');
  });
});

describe('privkit epsilon, human output', () => {
  it('is one line with ε, δ, the accountant and the order', async () => {
    const result = await runCli(mnistArgs);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expectOneLine(result.stdout);
    expect(result.stdout).toBe('ε = 2.5967 at δ = 1e-05 (RDP, order 8.1; σ = 1.1, q = 0.0042667, steps = 14063)\n');
  });

  it('names PLD and no order with --accountant pld', async () => {
    const result = await runCli(['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '2', '--steps', '100', '--delta', '1e-5', '--accountant', 'pld']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ε = \d+\.\d{4} at δ = 1e-05 \(PLD; /);
    expect(result.stdout).not.toContain('order');
  });
});

describe('privkit epsilon usage errors', () => {
  const base = ['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1e-5'];
  const cases: readonly { readonly name: string; readonly argv: readonly string[]; readonly mention: string }[] = [
    { name: '--delta 0', argv: withFlag(base, '--delta', '0'), mention: '--delta must be in (0, 1); got 0' },
    { name: '--delta 1', argv: withFlag(base, '--delta', '1'), mention: '--delta must be in (0, 1); got 1' },
    { name: '--delta 1.5', argv: withFlag(base, '--delta', '1.5'), mention: '--delta must be in (0, 1); got 1.5' },
    { name: '--delta abc', argv: withFlag(base, '--delta', 'abc'), mention: '--delta must be a number in (0, 1); got "abc"' },
    { name: '--delta 0x1', argv: withFlag(base, '--delta', '0x1'), mention: '--delta' },
    { name: '--delta without a value', argv: [...withoutFlag(base, '--delta'), '--delta'], mention: '--delta' },
    { name: 'missing --delta', argv: withoutFlag(base, '--delta'), mention: '--delta is required: a number in (0, 1)' },
    { name: '--sample-rate 0', argv: withFlag(base, '--sample-rate', '0'), mention: '--sample-rate must be in (0, 1]; got 0' },
    { name: '--sample-rate 1.5', argv: withFlag(base, '--sample-rate', '1.5'), mention: '--sample-rate must be in (0, 1]' },
    { name: '--sample-rate -0.1', argv: withFlag(base, '--sample-rate', '-0.1'), mention: '--sample-rate' },
    { name: '--steps 0', argv: withFlag(base, '--steps', '0'), mention: '--steps must be an integer ≥ 1; got 0' },
    { name: '--steps 2.5', argv: withFlag(base, '--steps', '2.5'), mention: '--steps must be an integer ≥ 1; got 2.5' },
    { name: '--steps ""', argv: withFlag(base, '--steps', ''), mention: '--steps' },
    { name: '--steps 1e20 (beyond 2^53)', argv: withFlag(base, '--steps', '1e20'), mention: '--steps must be an integer in [1, 9007199254740991]' },
    { name: 'missing --steps', argv: withoutFlag(base, '--steps'), mention: '--steps is required with --sample-rate' },
    { name: '--noise-multiplier -1', argv: withFlag(base, '--noise-multiplier', '-1'), mention: '--noise-multiplier must be a finite number > 0; got -1' },
    { name: '--noise-multiplier 0', argv: withFlag(base, '--noise-multiplier', '0'), mention: '--noise-multiplier' },
    { name: '--noise-multiplier Infinity', argv: withFlag(base, '--noise-multiplier', 'Infinity'), mention: '--noise-multiplier' },
    { name: '--noise-multiplier 1e999', argv: withFlag(base, '--noise-multiplier', '1e999'), mention: '--noise-multiplier' },
    { name: 'missing --noise-multiplier', argv: withoutFlag(base, '--noise-multiplier'), mention: '--noise-multiplier is required' },
    { name: '--accountant foo', argv: [...base, '--accountant', 'foo'], mention: '--accountant must be one of rdp, pld; got "foo"' },
    { name: 'both --sample-rate and --batch-size', argv: [...base, '--batch-size', '10'], mention: '--batch-size' },
    { name: 'both --steps and --epochs', argv: [...withoutFlag(base, '--sample-rate'), '--epochs', '2'], mention: '--epochs' },
    {
      name: '--batch-size > --dataset-size',
      argv: ['epsilon', '--batch-size', '500', '--dataset-size', '50', '--epochs', '1', '--noise-multiplier', '1', '--delta', '1e-5'],
      mention: '--batch-size must be ≤ --dataset-size (50); got 500',
    },
    {
      name: 'batch form without --epochs',
      argv: ['epsilon', '--batch-size', '5', '--dataset-size', '50', '--noise-multiplier', '1', '--delta', '1e-5'],
      mention: '--epochs is required',
    },
    {
      name: '--epochs 0',
      argv: ['epsilon', '--batch-size', '5', '--dataset-size', '50', '--epochs', '0', '--noise-multiplier', '1', '--delta', '1e-5'],
      mention: '--epochs must be a finite number > 0; got 0',
    },
    {
      name: '--batch-size 2.5',
      argv: ['epsilon', '--batch-size', '2.5', '--dataset-size', '50', '--epochs', '1', '--noise-multiplier', '1', '--delta', '1e-5'],
      mention: '--batch-size must be an integer ≥ 1',
    },
    { name: 'neither sampling form', argv: ['epsilon', '--noise-multiplier', '1', '--delta', '1e-5'], mention: '--sample-rate' },
    { name: 'unknown option', argv: [...base, '--foo', '1'], mention: '--foo' },
    { name: 'misspelt option, with the suggestion on the same line', argv: [...withoutFlag(base, '--delta'), '--delt', '1e-5'], mention: 'Did you mean --delta?' },
    { name: 'an extra argument', argv: [...base, 'extra'], mention: 'too many arguments' },
    { name: 'unknown command', argv: ['epsilons', '--delta', '1e-5'], mention: "unknown command 'epsilons'" },
    { name: 'no command', argv: [], mention: 'expected a command' },
    { name: 'help for an unknown command', argv: ['help', 'nope'], mention: 'expected a command' },
  ];

  it.each(cases)('$name → exit 2, empty stdout, one stderr line naming it', async ({ argv, mention }) => {
    expectUsageError(await runCli(argv), mention);
  });
});

describe('privkit --help and --version', () => {
  it('epsilon --help lists every flag with its default and an example, on stdout, exit 0', async () => {
    const result = await runCli(['epsilon', '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const flag of ['--sample-rate', '--noise-multiplier', '--steps', '--delta', '--batch-size', '--dataset-size', '--epochs', '--accountant', '--json']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('(default: "rdp")');
    expect(result.stdout).toContain('Example');
  });

  it('the examples in the help texts print what the help says they print', async () => {
    for (const argv of [['--help'], ['epsilon', '--help'], ['noise', '--help']]) {
      const help = (await runCli(argv)).stdout;
      const match = /^ {2}\$ privkit (.+)\n {2}(.+)$/m.exec(help);
      expect(match, `an example in ${argv.join(' ')}`).not.toBeNull();
      const [, command, shown] = match as RegExpExecArray;
      const result = await runCli(command.split(' '));
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${shown}\n`);
    }
  });

  it('--version prints the version of package.json', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${packageVersion()}\n`);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('help epsilon prints the same as epsilon --help', async () => {
    const a = await runCli(['help', 'epsilon']);
    const b = await runCli(['epsilon', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('privkit epsilon at hostile but valid values (issue 11)', () => {
  const base = ['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1e-5', '--json'];

  it('--accountant pld --steps 1e12 (it died with "Maximum call stack size exceeded") gives the accountant’s finite ε, below RDP’s', async () => {
    const result = await runCli([...withFlag(base, '--steps', '1e12'), '--accountant', 'pld']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = parseJsonLine(result.stdout);
    // The value itself is checked against the central limit theorem in test/accountant/hostileInputs.test.ts.
    expect(json.epsilon).toBe(new PldAccountant().compose(poissonSampled(0.01, gaussian(1)), 1e12).getEpsilon(1e-5));
    expect(Number.isFinite(json.epsilon)).toBe(true);
    expect(json.epsilon as number).toBeLessThan(new RdpAccountant().compose(poissonSampled(0.01, gaussian(1)), 1e12).getEpsilon(1e-5));
  });

  it.each(['1e100', '1e200', '1.7976931348623157e308'])('--noise-multiplier %s (PLD: "loss range [0, 0]"; RDP: "rdp[9] … got NaN") gives ε = 0 with both accountants', async (sigma) => {
    // Closed form: 100 steps with TV ≤ q·erf(1/(2√2σ)) < 1e-100 each are (0, 1e-98)-DP, and δ = 1e-5 ≥ that.
    for (const accountant of ['rdp', 'pld']) {
      const result = await runCli([...withFlag(base, '--noise-multiplier', sigma), '--accountant', accountant]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(parseJsonLine(result.stdout)).toMatchObject({ epsilon: 0, accountant });
    }
  });

  it('--noise-multiplier 1e-300 gives ε = ∞ (written 1e999) with both accountants: the loss 1/(2σ²) overflows', async () => {
    for (const accountant of ['rdp', 'pld']) {
      const result = await runCli([...withFlag(base, '--noise-multiplier', '1e-300'), '--accountant', accountant]);
      expect(result.code).toBe(0);
      expect(parseJsonLine(result.stdout)).toMatchObject({ epsilon: Infinity, accountant, order: null });
    }
  });
});
