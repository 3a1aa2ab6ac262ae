/**
 * The fast lane, `npm test`: every test file. What would take minutes is stored or sampled here and
 * recomputed or run in full by the reference lane (test/vitest.reference.config.ts, which lists those
 * files and says what each one does in which lane):
 * - 50-digit reference values are read from test/fixtures/reference/*.json (a few recomputed live),
 *   through test/_support/referenceValues.ts;
 * - test/cli/accountantHostile.test.ts runs a fixed sample of its invocations (the slowest PLD ones
 *   only in the reference lane).
 */
import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default is cores − 1 workers: one on the 2-core CI machine, where the main process
    // mostly waits and a core idles. At least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Property tests use a fixed seed in CI; the seed is printed on failure by fast-check.
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', ['json', { outputFile: process.env.PRIVKIT_VITEST_REPORT ?? '.tmp/vitest-report.json' }]],
  },
});
