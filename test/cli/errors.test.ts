/**
 * How `run` maps library failures to exit statuses and one-line messages. The accountant module is
 * mocked so that calibration fails on demand: target ε 42 throws a plain Error (a bug: exit 1),
 * 43 a PrivkitError UNSUPPORTED_EVENT with a two-line message (exit 1, still one line), 44 a
 * PrivkitError INVALID_ARGUMENT (exit 2), 45 throws a string.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectOneLine, runCli } from './runCli.js';

vi.mock('../../accountant/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../accountant/index.js')>();
  return {
    ...actual,
    calibrateNoiseMultiplier: (options: Parameters<typeof actual.calibrateNoiseMultiplier>[0]): number => {
      switch (options.targetEpsilon) {
        case 42:
          throw new TypeError('boom');
        case 43:
          throw new actual.PrivkitError('UNSUPPORTED_EVENT', 'first line\nsecond line');
        case 44:
          throw new actual.PrivkitError('INVALID_ARGUMENT', '`sampleRate` is off.');
        case 45:
          throw 'a string'; // eslint-disable-line no-throw-literal
        default:
          return actual.calibrateNoiseMultiplier(options);
      }
    },
  };
});

const noise = (target: number): string[] => ['noise', '--target-epsilon', String(target), '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '10'];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('run: failures of the library', () => {
  it('an unexpected Error → exit 1, one line, no stack', async () => {
    const result = await runCli(noise(42));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr);
    expect(result.stderr).toBe('privkit: unexpected error: boom (set PRIVKIT_DEBUG=1 for a stack trace)\n');
  });

  it('a thrown non-Error → exit 1, one line', async () => {
    const result = await runCli(noise(45));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('privkit: unexpected error: a string (set PRIVKIT_DEBUG=1 for a stack trace)\n');
  });

  it('a PrivkitError with another code → exit 1, its message folded onto one line', async () => {
    const result = await runCli(noise(43));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('privkit: first line second line\n');
  });

  it('a PrivkitError INVALID_ARGUMENT → exit 2 with its message', async () => {
    const result = await runCli(noise(44));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('privkit: `sampleRate` is off.\n');
  });

  it('with debug, an unexpected error shows its stack', async () => {
    const result = await runCli(noise(42), { debug: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^privkit: unexpected error: TypeError: boom\n\s+at /);
  });

  it('debug defaults to whether PRIVKIT_DEBUG is set', async () => {
    vi.stubEnv('PRIVKIT_DEBUG', '1');
    const withEnv = await runCli(noise(42), {});
    vi.stubEnv('PRIVKIT_DEBUG', '');
    const withoutEnv = await runCli(noise(42), {});
    expect(withEnv.stderr).toContain('\n    at ');
    expectOneLine(withoutEnv.stderr);
  });
});
