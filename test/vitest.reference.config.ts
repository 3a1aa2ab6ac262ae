/**
 * The reference lane, `npm run test:reference`: the files whose fast-lane run (test/vitest.config.ts)
 * reads stored values or a fixed sample, run with everything recomputed. PRIVKIT_REFERENCE=check
 * makes every reference table (test/_support/referenceValues.ts) recompute its 50-digit values and
 * compare them with test/fixtures/reference/*.json, failing on a stale entry; the generator
 * (test/fixtures/reference/generate.mjs) runs this config with PRIVKIT_REFERENCE=write instead.
 */
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/**
 * Every test file runs in the fast lane. These run here as well, with what the fast lane reads from
 * a fixture or samples recomputed or run in full:
 * - test/accountant/rdpExact.test.ts: the 50-digit binomial sums and quadratures (table
 *   test/fixtures/reference/rdpExact.json; the fast lane recomputes a few of them live).
 */
const REFERENCE_FILES = ['test/accountant/rdpExact.test.ts'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: REFERENCE_FILES,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    env: { PRIVKIT_REFERENCE: process.env.PRIVKIT_REFERENCE === 'write' ? 'write' : 'check' },
    // Its own JSON report: .ci/run adds it to the fast lane's for the closing line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-reference-report.json' }]],
  },
});
