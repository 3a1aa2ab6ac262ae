/**
 * The reference lane, `npm run test:reference`: the files whose fast-lane run (test/vitest.config.ts)
 * reads stored values or a fixed sample, run with everything recomputed. PRIVKIT_REFERENCE=check
 * makes every reference table (test/_support/referenceValues.ts) recompute its 50-digit values and
 * compare them with test/fixtures/reference/*.json, failing on a stale entry; the generator
 * (test/fixtures/reference/generate.mjs) runs this config with PRIVKIT_REFERENCE=write instead.
 */
import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * Every test file runs in the fast lane. These run here as well, with what the fast lane reads from
 * a fixture or samples recomputed or run in full:
 * - test/accountant/rdpExact.test.ts: the 50-digit binomial sums and quadratures (table
 *   test/fixtures/reference/rdpExact.json; the fast lane recomputes a few of them live).
 * - test/accountant/hostileInputs.test.ts: the whole sweep of hostile values × entry points (the fast
 *   lane leaves out its 9 slowest PLD searches, named in the file; 3 of them are the very calls of
 *   a named test), and the named test 'maxSteps (PLD) at δ = 1 − 1e-12'.
 * - test/cli/accountantHostile.test.ts: all 80 hostile invocations (the fast lane leaves out the 11
 *   slowest PLD ones, named in the file).
 */
const REFERENCE_FILES = ['test/accountant/rdpExact.test.ts', 'test/accountant/hostileInputs.test.ts', 'test/cli/accountantHostile.test.ts'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: REFERENCE_FILES,
    testTimeout: 600_000,
    maxWorkers: Math.max(2, availableParallelism() - 1), // as in the fast lane
    hookTimeout: 120_000,
    env: { PRIVKIT_REFERENCE: process.env.PRIVKIT_REFERENCE === 'write' ? 'write' : 'check' },
    // Its own JSON report: .ci/run adds it to the fast lane's for the closing line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-reference-report.json' }]],
  },
});
