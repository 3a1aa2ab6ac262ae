/**
 * The CLI's internal helpers: step counting from epochs, strict number parsing, formatting, JSON
 * lines, the exit-code mapping and the package version lookup.
 */
import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { PrivkitError } from '../../accountant/index.js';
import { EXIT, exitCodeFor } from '../../cli/_internals/exitCodes.js';
import { errorLine, formatFourDecimals, formatNumber, jsonLine } from '../../cli/_internals/format.js';
import { packageVersion } from '../../cli/_internals/packageVersion.js';
import { SAMPLING_FLAGS } from '../../cli/_internals/commonOptions.js';
import { readFlags } from '../../cli/_internals/flagTable.js';
import { RANGES, parseNumericFlag } from '../../cli/_internals/parseOptions.js';
import { resolveSampling, stepsFromEpochs } from '../../cli/_internals/resolveSampling.js';
import { UsageError } from '../../cli/_internals/UsageError.js';

describe('stepsFromEpochs', () => {
  it.each([
    [60, 60000, 256, 14063], // 14062.5 → 14063
    [1, 10, 3, 4],
    [3, 100, 10, 30],
    [0.1, 30, 1, 3], // 0.1·30 = 3.0000000000000004 in floating point: still 3 steps
    [1e-9, 10, 10, 1], // never 0 steps
  ])('E = %s, N = %s, B = %s → %s steps', (epochs, n, b, steps) => {
    expect(stepsFromEpochs(epochs, n, b)).toBe(steps);
  });

  it('rejects a step count beyond 2^53 − 1 as an --epochs error', () => {
    expect(() => resolveSampling(readFlags(SAMPLING_FLAGS, { batchSize: '1', datasetSize: '1000000', epochs: '1e300' }))).toThrow(/--epochs must give at most/);
  });
});

describe('parseNumericFlag', () => {
  it.each(['1', '1.', '.5', '+2', '1e3', '1E-3', '0.25e+1'])('accepts %j', (raw) => {
    expect(parseNumericFlag({ ...RANGES.targetEpsilon, flag: '--target-epsilon' }, raw)).toBe(Number(raw));
  });

  it.each(['', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1e', '1,5', '--json', '١'])('rejects %j with a UsageError naming the flag', (raw) => {
    expect(() => parseNumericFlag({ ...RANGES.targetEpsilon, flag: '--target-epsilon' }, raw)).toThrow(UsageError);
    expect(() => parseNumericFlag({ ...RANGES.targetEpsilon, flag: '--target-epsilon' }, raw)).toThrow(/^--target-epsilon must be a finite number > 0; got "/);
  });

  it('a UsageError is a PrivkitError INVALID_ARGUMENT that names its flag', () => {
    try {
      parseNumericFlag({ ...RANGES.delta, flag: '--delta' }, '2');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PrivkitError);
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', flag: '--delta', message: '--delta must be in (0, 1); got 2' });
    }
  });
});

describe('formatting', () => {
  it.each([
    [1e-5, '1e-05'],
    [256 / 60000, '0.0042667'],
    [14063, '14063'],
    [123456, '1.2346e+05'],
    [99999.7, '1e+05'],
    [1.1, '1.1'],
    [0, '0'],
    [Infinity, '∞'],
  ])('formatNumber(%s) = %s', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });

  it('formatFourDecimals', () => {
    expect(formatFourDecimals(2.596655528680917)).toBe('2.5967');
    expect(formatFourDecimals(1.014)).toBe('1.0140');
    expect(formatFourDecimals(Infinity)).toBe('∞');
    expect(formatFourDecimals(1e-7)).toBe('1e-07');
  });

  it('jsonLine keeps key order, is one line, and writes +∞ as 1e999', () => {
    const line = jsonLine({ epsilon: Infinity, delta: 1e-5, accountant: 'rdp', order: null });
    expect(line).toBe('{"epsilon":1e999,"delta":0.00001,"accountant":"rdp","order":null}\n');
    expect(JSON.parse(line)).toEqual({ epsilon: Infinity, delta: 1e-5, accountant: 'rdp', order: null });
    expect(JSON.parse(jsonLine({ x: 2.5 }))).toEqual({ x: 2.5 });
  });

  it('errorLine folds commander messages onto one line', () => {
    expect(errorLine("error: unknown option '--delt'\n(Did you mean --delta?)\n")).toBe("privkit: unknown option '--delt' (Did you mean --delta?)\n");
  });
});

describe('exitCodeFor', () => {
  it.each([
    [new PrivkitError('INVALID_ARGUMENT', 'x'), EXIT.USAGE],
    [new UsageError('x', '--x'), EXIT.USAGE],
    [new PrivkitError('UNREACHABLE_TARGET', 'x'), EXIT.UNREACHABLE_TARGET],
    [new PrivkitError('BUDGET_EXCEEDED', 'x'), EXIT.UNREACHABLE_TARGET],
    [new PrivkitError('BAD_CHECKPOINT', 'x'), EXIT.USAGE],
    [new PrivkitError('IO_ERROR', 'x'), EXIT.USAGE],
    [new PrivkitError('UNSUPPORTED_LAYER', 'x'), EXIT.USAGE],
    [new PrivkitError('MISSING_DEPENDENCY', 'x'), EXIT.USAGE],
    [new PrivkitError('UNSUPPORTED_EVENT', 'x'), EXIT.FAILURE],
    [new PrivkitError('BACKEND_UNAVAILABLE', 'x'), EXIT.FAILURE],
    [new CommanderError(1, 'commander.unknownOption', 'x'), EXIT.USAGE],
    [new CommanderError(0, 'commander.version', 'x'), EXIT.OK],
    [new Error('x'), EXIT.FAILURE],
    ['x', EXIT.FAILURE],
  ])('%s → %s', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('packageVersion', () => {
  it('finds the privkit package.json from the sources', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(pkg.version);
  });

  it('says "unknown" outside any privkit package', () => {
    expect(packageVersion('file:///')).toBe('unknown');
  });
});
