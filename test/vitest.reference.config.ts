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
import { REFERENCE_LANE_FILES } from './vitest.config.js';

/**
 * What runs here, with what the fast lane does instead (each file's comment names its cases):
 * - test/accountant/rdpExact.test.ts: every 50-digit binomial sum and quadrature recomputed and
 *   compared with test/fixtures/reference/rdpExact.json (the fast lane reads the fixture and
 *   recomputes the extremes live);
 * - test/accountant/hostileInputs.test.ts: the whole sweep of hostile values × entry points and all
 *   named cases (the fast lane leaves out the 16 slowest PLD pairs of the sweep and 7 slow named
 *   cases, each with a faster sibling that it runs);
 * - test/accountant/pld.test.ts: all (the fast lane leaves out the grid-point check at q = 0.2,
 *   σ = 0.5 and 'ε far beyond e^709');
 * - test/accountant/laws.test.ts: the PLD laws with 4 runs each (fast lane: the first 2);
 * - test/cli/accountantHostile.test.ts: all 80 hostile invocations (fast lane: 69, without the 11
 *   slowest PLD ones);
 * - test/node/checkpointKill.test.ts: a kill at every crash point of a seeded and of a secure run
 *   (fast lane: the seeded run's, every crash point);
 * - whole files that spawn processes for tens of seconds and run here only, listed in
 *   test/vitest.config.ts as `REFERENCE_LANE_FILES`.
 */
const SAMPLED_FILES = [
  'test/accountant/rdpExact.test.ts',
  'test/accountant/hostileInputs.test.ts',
  'test/accountant/pld.test.ts',
  'test/accountant/laws.test.ts',
  'test/cli/accountantHostile.test.ts',
  'test/node/checkpointKill.test.ts',
];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: [...SAMPLED_FILES, ...REFERENCE_LANE_FILES],
    testTimeout: 600_000,
    maxWorkers: Math.max(2, availableParallelism() - 1), // as in the fast lane
    hookTimeout: 120_000,
    env: { PRIVKIT_REFERENCE: process.env.PRIVKIT_REFERENCE === 'write' ? 'write' : 'check' },
    // Its own JSON report: .ci/run adds it to the fast lane's for the closing line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-reference-report.json' }]],
  },
});
