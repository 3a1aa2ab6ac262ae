/**
 * Which test lane this run is (see test/vitest.config.ts and test/vitest.reference.config.ts), from
 * the environment variable PRIVKIT_REFERENCE: unset in the fast lane (`npm test`), `check` in the
 * reference lane (`npm run test:reference`), `write` when the reference fixtures are regenerated
 * (test/fixtures/reference/generate.mjs). Kept apart from referenceValues.ts, which loads mathjs.
 */
import { it } from 'vitest';

/** What a lane does with stored reference values and sampled sweeps. */
export type ReferenceMode = 'fixture' | 'check' | 'write';

/** The mode of this run: 'fixture' (fast lane), 'check' (reference lane) or 'write' (generator). */
export function referenceMode(): ReferenceMode {
  const mode = process.env.PRIVKIT_REFERENCE;
  if (mode === undefined || mode === '') return 'fixture';
  if (mode === 'check' || mode === 'write') return mode;
  throw new Error(`PRIVKIT_REFERENCE must be unset, 'check' or 'write'; got '${mode}'`);
}

/** Whether this run is the fast lane (sweeps run their fixed sample, references come from fixtures). */
export const isFastLane = (): boolean => referenceMode() === 'fixture';

/**
 * `it` in the reference lane; in the fast lane a registrar that registers nothing, for the few
 * named tests that run in the reference lane only (each such use says why, and the reference config
 * lists the file).
 */
export function referenceLaneIt(name: string, fn: () => unknown, timeout?: number): void {
  if (!isFastLane()) it(name, fn, timeout);
}
