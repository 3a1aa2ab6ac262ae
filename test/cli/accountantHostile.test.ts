/**
 * `privkit epsilon` and `privkit noise` at hostile but well-formed values, with both accountants: σ
 * from 5e-324 to the largest double, q down to 5e-324, 2^53 − 1 steps, δ at both ends of (0, 1),
 * targets from 1e-300 to 1e300. Each run either succeeds (exit 0, one line on stdout, nothing on
 * stderr, and the numbers the library gives) or fails as the CLI contract says (exit 2 or 3, nothing
 * on stdout, one `privkit: ` line on stderr naming a flag); never exit 1, never a NaN, never a hang.
 *
 * Lanes: the invocations in {@link REFERENCE_LANE_ONLY} each spend seconds to a minute in the PLD
 * accountant itself (twice: the CLI's computation and the library's for the comparison), so the fast
 * lane (`npm test`) runs every other one, a fixed sample that still covers every flag, value and
 * accountant, and the reference lane (`npm run test:reference`, PRIVKIT_REFERENCE set) runs all.
 * The library's own answers at those values are checked in both lanes by
 * test/accountant/hostileInputs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MIN_NOISE_MULTIPLIER, dpSgdEpsilon } from '../../accountant/index.js';
import { isFastLane } from '../_support/lanes.js';
import { expectOneLine, parseJsonLine, runCli, withFlag } from './runCli.js';

const EPSILON_BASE = ['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '100', '--delta', '1e-5', '--json'];
const NOISE_BASE = ['noise', '--target-epsilon', '3', '--delta', '1e-5', '--sample-rate', '0.01', '--steps', '100', '--json'];

const HOSTILE: Readonly<Record<string, readonly string[]>> = {
  '--noise-multiplier': ['5e-324', '1e-300', '1e-10', '1e100', '1e300', '1.7976931348623157e308'],
  '--sample-rate': ['5e-324', '1e-300', '1e-20', '0.9999999999999999', '1'],
  '--steps': ['1', '1e9', '1e12', '9007199254740991'],
  '--delta': ['5e-324', '1e-300', '0.5', '0.99', '0.999999999999', '0.9999999999999999'],
  '--target-epsilon': ['1e-300', '1e-3', '1e3', '1e300'],
};

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
}

function casesFor(base: readonly string[]): Case[] {
  const out: Case[] = [];
  for (const [flag, values] of Object.entries(HOSTILE)) {
    if (!base.includes(flag)) continue;
    for (const value of values) {
      for (const accountant of ['rdp', 'pld']) {
        out.push({ name: `${base[0]} ${flag} ${value} --accountant ${accountant}`, argv: [...withFlag(base, flag, value), '--accountant', accountant] });
      }
    }
  }
  return out;
}

const ALL_CASES = [...casesFor(EPSILON_BASE), ...casesFor(NOISE_BASE)];

/**
 * The invocations that take longest, all with the PLD accountant (seconds each on a 2-core
 * machine, over half a minute for a target ε of 1e3, where the calibration evaluates PLDs at small σ): reference
 * lane only. Each still has RDP counterparts, and PLD counterparts at the same flag, in the fast lane.
 */
const REFERENCE_LANE_ONLY = new Set([
  'noise --target-epsilon 1e3 --accountant pld',
  'noise --delta 0.5 --accountant pld',
  'epsilon --steps 9007199254740991 --accountant pld',
  'epsilon --sample-rate 1 --accountant pld',
  'epsilon --steps 1e12 --accountant pld',
  'noise --target-epsilon 1e300 --accountant pld',
  'epsilon --noise-multiplier 1e-300 --accountant pld',
  'epsilon --noise-multiplier 1e-10 --accountant pld',
  'epsilon --noise-multiplier 5e-324 --accountant pld',
  'epsilon --steps 1e9 --accountant pld',
  'epsilon --sample-rate 0.9999999999999999 --accountant pld',
]);
for (const name of REFERENCE_LANE_ONLY) if (!ALL_CASES.some((c) => c.name === name)) throw new Error(`REFERENCE_LANE_ONLY names no case: ${name}`);

const CASES = isFastLane() ? ALL_CASES.filter((c) => !REFERENCE_LANE_ONLY.has(c.name)) : ALL_CASES;

/** The value of `flag` in `argv`, as a number. */
const numberOf = (argv: readonly string[], flag: string): number => Number(argv[argv.indexOf(flag) + 1]);

describe(`${CASES.length} of ${ALL_CASES.length} hostile invocations of epsilon and noise (all in the reference lane)`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, { argv }) => {
    const start = performance.now();
    const result = await runCli(argv);
    expect(performance.now() - start, 'time (ms)').toBeLessThan(120_000);
    expect(result.code, result.stderr).not.toBe(1);
    if (result.code !== 0) {
      expect([2, 3]).toContain(result.code);
      expect(result.stdout).toBe('');
      expectOneLine(result.stderr);
      expect(result.stderr).toMatch(/^privkit: .*--[a-z-]+/);
      return;
    }
    expect(result.stderr).toBe('');
    const json = parseJsonLine(result.stdout);
    const accountant = json.accountant as 'rdp' | 'pld';
    const [q, steps, delta] = [numberOf(argv, '--sample-rate'), numberOf(argv, '--steps'), numberOf(argv, '--delta')];
    if (argv[0] === 'epsilon') {
      const eps = json.epsilon as number;
      expect(eps >= 0, `ε = ${eps}`).toBe(true); // +∞ allowed (σ = 5e-324), NaN not
      expect(eps).toBe(dpSgdEpsilon(accountant, numberOf(argv, '--noise-multiplier'), q, steps, delta));
    } else {
      const sigma = json.noiseMultiplier as number;
      expect(Number.isFinite(sigma) && sigma >= MIN_NOISE_MULTIPLIER, `σ = ${sigma}`).toBe(true);
      expect(json.epsilon as number).toBeLessThanOrEqual(numberOf(argv, '--target-epsilon'));
      expect(json.epsilon).toBe(dpSgdEpsilon(accountant, sigma, q, steps, delta));
    }
  });
});
