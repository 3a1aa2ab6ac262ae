/**
 * The harness of the bad-input sweeps (test/mia/hostileInputs.test.ts, test/testing/hostileInputs.test.ts):
 * a table of cases, one line each — a name, a call, and what the call must do. The contract checked for
 * every case: the call either returns a correct result (the case's own check, and no NaN anywhere in it),
 * or throws a `PrivkitError` with the expected `code` whose message names the bad argument. Never a NaN,
 * a TypeError or RangeError from deep inside, a hang (async calls are raced against a timer), or a
 * leaked tensor. Run with HOSTILE_PRINT=1 to print every refusal's message (to review their wording).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { PrivkitErrorCode } from '../../accountant/index.js';

/** What a case must do: be refused naming `names`, or return a result that `check` accepts. */
export type Expectation =
  | { readonly kind: 'refuses'; readonly names: string; readonly code: PrivkitErrorCode }
  | { readonly kind: 'returns'; readonly check: (result: unknown) => boolean };

/** One line of a sweep: a name, the call, and its expectation. */
export type HostileCase = readonly [name: string, call: () => unknown, expectation: Expectation];

/** The call must throw a PrivkitError `code` whose message contains `names` (the bad argument). */
export function refuses(names: string, code: PrivkitErrorCode = 'INVALID_ARGUMENT'): Expectation {
  return { kind: 'refuses', names, code };
}

/** The call must return a result with no NaN in it that `check` accepts. */
export function returns(check: (result: never) => boolean = () => true): Expectation {
  return { kind: 'returns', check: check as (result: unknown) => boolean };
}

/** A value of any type, for the calls' wrongly typed arguments. */
export const X = (value: unknown): never => value as never;

const ASYNC_LIMIT_MS = 5000;

/** The first NaN found in `value` (its path), or undefined; tfjs objects and functions are not entered. */
export function findNaN(value: unknown, path = 'result', seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof tf.Tensor || value instanceof tf.LayersModel) return undefined;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) return `${path}[${i}]`;
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = findNaN(child, `${path}.${key}`, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

type Outcome = { readonly threw: false; readonly value: unknown } | { readonly threw: true; readonly error: unknown } | { readonly hung: true };

async function settle(call: () => unknown): Promise<Outcome> {
  try {
    const value = call();
    if (value === null || typeof value !== 'object' || typeof (value as { then?: unknown }).then !== 'function') return { threw: false, value };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ hung: true }), ASYNC_LIMIT_MS);
    });
    try {
      return await Promise.race([(value as Promise<unknown>).then((v): Outcome => ({ threw: false, value: v }), (error: unknown): Outcome => ({ threw: true, error })), hung]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    return { threw: true, error };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}${'code' in error ? ` ${String((error as { code: unknown }).code)}` : ''}: ${error.message}`;
  return `non-Error ${String(error)}`;
}

/** Why the outcome breaks the contract, or null when it keeps it. */
export async function verdict(call: () => unknown, expectation: Expectation): Promise<string | null> {
  const outcome = await settle(call);
  if ('hung' in outcome) return `no answer after ${ASYNC_LIMIT_MS} ms (hang)`;
  if (expectation.kind === 'refuses') {
    if (!outcome.threw) return `returned ${String(outcome.value).slice(0, 80)} instead of refusing \`${expectation.names}\``;
    const e = outcome.error;
    if (!(e instanceof Error) || e.name !== 'PrivkitError') return `threw ${describeError(outcome.error)} (not a PrivkitError)`;
    if ((e as Error & { code?: unknown }).code !== expectation.code) return `threw ${describeError(e)} (wanted code ${expectation.code})`;
    if (process.env.HOSTILE_PRINT !== undefined) process.stdout.write(`MSG ${e.message}\n`);
    if (!String(e.message).includes(expectation.names)) return `threw ${describeError(e)} (the message does not name \`${expectation.names}\`)`;
    return null;
  }
  if (outcome.threw) return `threw ${describeError(outcome.error)} instead of returning`;
  const nan = findNaN(outcome.value);
  if (nan !== undefined) return `returned NaN at ${nan}`;
  if (!expectation.check(outcome.value)) return `returned a wrong result: ${JSON.stringify(outcome.value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))?.slice(0, 200)}`;
  return null;
}

/** One vitest test per case: the contract holds and no tensor is left behind. */
export function sweep(cases: readonly HostileCase[]): void {
  const names = new Set<string>();
  for (const [name] of cases) {
    if (names.has(name)) throw new Error(`duplicate sweep case name: ${name}`);
    names.add(name);
  }
  it.each(cases.map((c) => [c[0], c] as const))('%s', async (_name, [, call, expectation]) => {
    const before = tf.memory().numTensors;
    const problem = await verdict(call, expectation);
    expect(problem).toBeNull();
    expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  });
}
