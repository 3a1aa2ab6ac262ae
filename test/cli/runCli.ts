/**
 * Test support: run the CLI in-process and capture what it writes.
 */
import { expect } from 'vitest';
import { run, type RunOptions } from '../../cli/index.js';

/** What one in-process run produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `privkit ...argv` in-process (debug off unless asked). */
export async function runCli(argv: readonly string[], options: RunOptions = { debug: false }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) }, options);
  return { code, stdout, stderr };
}

/** Asserts the usage-error contract: exit 2, nothing on stdout, one stderr line mentioning `mention`. */
export function expectUsageError(result: CliResult, mention: string): void {
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expectOneLine(result.stderr);
  expect(result.stderr).toMatch(/^privkit: /);
  expect(result.stderr).toContain(mention);
}

/** Asserts that `text` is exactly one newline-terminated, non-empty line. */
export function expectOneLine(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  expect(text.slice(0, -1)).not.toContain('\n');
  expect(text.trim().length).toBeGreaterThan(0);
}

/** `argv` with `flag` set to `value` (replaced if present, appended otherwise). */
export function withFlag(argv: readonly string[], flag: string, value: string): string[] {
  const i = argv.indexOf(flag);
  if (i < 0) return [...argv, flag, value];
  const out = [...argv];
  out[i + 1] = value;
  return out;
}

/** `argv` without `flag` and its value. */
export function withoutFlag(argv: readonly string[], flag: string): string[] {
  const i = argv.indexOf(flag);
  if (i < 0) throw new Error(`${flag} is not in ${argv.join(' ')}`);
  return [...argv.slice(0, i), ...argv.slice(i + 2)];
}

/** Parses stdout as exactly one line holding one JSON object. */
export function parseJsonLine(stdout: string): Record<string, unknown> {
  expectOneLine(stdout);
  const value: unknown = JSON.parse(stdout);
  expect(typeof value).toBe('object');
  expect(value).not.toBeNull();
  return value as Record<string, unknown>;
}

/** The MNIST setting of Abadi et al. 2016: q = 256/60000, 60 epochs = 14063 steps. */
export const MNIST = Object.freeze({ sampleRate: 256 / 60000, steps: 14063, delta: 1e-5 });
