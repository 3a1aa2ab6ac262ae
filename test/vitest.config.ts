/**
 * The fast lane, `npm test`: every test file but {@link REFERENCE_LANE_FILES}, with what would take
 * minutes stored or sampled; the reference lane (test/vitest.reference.config.ts,
 * `npm run test:reference`) recomputes and runs all of it, and says file by file what the fast lane
 * samples. .ci/run runs both.
 * - 50-digit reference values are read from test/fixtures/reference/*.json (a few recomputed live),
 *   through test/_support/referenceValues.ts;
 * - the hostile-input sweeps of the accountants and of the CLI, the PLD tests and the PLD laws run a
 *   fixed sample, their slowest PLD cases only in the reference lane (test/_support/lanes.ts).
 */
import { configDefaults, defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * Whole files that run in the reference lane only: integration tests that spawn processes for tens
 * of seconds each (SIGKILLed checkpoint saves, a fresh consumer install of the packed tarball, the
 * quick demo end to end).
 */
export const REFERENCE_LANE_FILES = ['test/package/consumer.test.ts', 'test/cli/demo.test.ts'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...REFERENCE_LANE_FILES],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default is cores − 1 workers: one on the 2-core CI machine, where the main process
    // mostly waits and a core idles. At least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Property tests use a fixed seed in CI; the seed is printed on failure by fast-check.
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line
    // (PRIVKIT_VITEST_REPORT moves it, for a run that must not overwrite another's).
    reporters: ['default', ['json', { outputFile: process.env.PRIVKIT_VITEST_REPORT ?? '.tmp/vitest-report.json' }]],
  },
});
