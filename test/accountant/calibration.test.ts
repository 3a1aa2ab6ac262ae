/**
 * calibrateNoiseMultiplier and maxSteps: the defining properties (the returned σ meets the target and
 * σ·(1 − 1e-3) does not; the returned T meets it and T + 1 does not), published values, and errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../fixtures/accountant_library_vectors.json' with { type: 'json' };
import { PrivkitError, calibrateNoiseMultiplier, dpSgdEpsilon, maxSteps } from '../../accountant/index.js';

const SEED = 20251125;
const logUniform = (lo: number, hi: number) =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((x) => Math.exp(x));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof PrivkitError ? e.code : `not a PrivkitError: ${String(e)}`;
  }
  return undefined;
}

describe('calibrateNoiseMultiplier', () => {
  it('the issue\'s value: ε = 3, δ = 1e-5, q = 256/60000, 14063 steps → σ ≈ 1.0140 (RDP)', () => {
    const sigma = calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-5, sampleRate: 256 / 60000, steps: 14063 });
    expect(Math.abs(sigma / 1.014 - 1)).toBeLessThan(1e-3);
  });

  it('property (RDP): σ meets the target and σ·(1 − 1e-3) does not', () => {
    fc.assert(
      fc.property(
        logUniform(0.1, 20),
        logUniform(1e-8, 1e-3),
        logUniform(1e-3, 1),
        fc.integer({ min: 1, max: 100_000 }),
        (targetEpsilon, delta, sampleRate, steps) => {
          const sigma = calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps });
          if (sigma <= 1e-3) return; // the documented floor: any σ ≥ 1e-3 meets such a loose target
          expect(dpSgdEpsilon('rdp', sigma, sampleRate, steps, delta)).toBeLessThanOrEqual(targetEpsilon);
          expect(dpSgdEpsilon('rdp', sigma * (1 - 1e-3), sampleRate, steps, delta)).toBeGreaterThan(targetEpsilon);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it.each([
    [3, 1e-5, 256 / 60000, 14063],
    [1, 1e-5, 0.01, 1000],
  ])('PLD: ε = %f, δ = %f, q = %f, T = %i — meets the target, σ·(1 − 1e-3) does not, below the RDP σ', (targetEpsilon, delta, sampleRate, steps) => {
    const sigma = calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps, accountant: 'pld' });
    expect(dpSgdEpsilon('pld', sigma, sampleRate, steps, delta)).toBeLessThanOrEqual(targetEpsilon);
    expect(dpSgdEpsilon('pld', sigma * (1 - 1e-3), sampleRate, steps, delta)).toBeGreaterThan(targetEpsilon);
    expect(sigma).toBeLessThan(calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps }));
  });

  it('Opacus get_noise_multiplier (RDP, ε tolerance 0.01): ours is at most theirs, and theirs is within 0.01 of the target', () => {
    const cases = (vectors as unknown as { vectors: { test: string; inputs: Record<string, number | string>; expected: Record<string, number> }[] }).vectors.filter(
      (v) => v.test.startsWith('accountants_test.test_get_noise_multiplier_rdp'),
    );
    expect(cases.length).toBe(2);
    for (const v of cases) {
      const q = v.inputs.sample_rate as number;
      const steps = (v.inputs.steps as number | undefined) ?? Math.ceil((v.inputs.epochs as number) / q);
      const delta = v.inputs.target_delta as number;
      const target = v.inputs.target_epsilon as number;
      const ours = calibrateNoiseMultiplier({ targetEpsilon: target, delta, sampleRate: q, steps });
      const theirs = v.expected.noise_multiplier;
      expect(ours).toBeLessThanOrEqual(theirs);
      const epsTheirs = dpSgdEpsilon('rdp', theirs, q, steps, delta);
      expect(epsTheirs).toBeLessThanOrEqual(target);
      expect(epsTheirs).toBeGreaterThan(target - 0.01);
    }
  });

  it('unreachable and invalid targets are typed errors, not endless searches', () => {
    // δ = 1e-8 and 1024 as the largest order: even σ → ∞ cannot certify ε below ≈ 0.01 by RDP.
    expect(codeOf(() => calibrateNoiseMultiplier({ targetEpsilon: 1e-4, delta: 1e-8, sampleRate: 0.5, steps: 10, maxNoiseMultiplier: 1e3 }))).toBe(
      'UNREACHABLE_TARGET',
    );
    expect(codeOf(() => calibrateNoiseMultiplier({ targetEpsilon: 0, delta: 1e-5, sampleRate: 0.1, steps: 10 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => calibrateNoiseMultiplier({ targetEpsilon: 1, delta: 1, sampleRate: 0.1, steps: 10 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => calibrateNoiseMultiplier({ targetEpsilon: 1, delta: 1e-5, sampleRate: 0, steps: 10 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => calibrateNoiseMultiplier({ targetEpsilon: 1, delta: 1e-5, sampleRate: 0.1, steps: 0 }))).toBe('INVALID_ARGUMENT');
    expect(() => calibrateNoiseMultiplier({ targetEpsilon: 1, delta: 1e-5, sampleRate: 0.1, steps: 2.5 })).toThrowError(/`steps` must be an integer ≥ 1; got 2.5/);
  });
});

describe('maxSteps', () => {
  it('property (RDP): T meets the target and T + 1 does not', () => {
    fc.assert(
      fc.property(logUniform(0.5, 10), logUniform(1e-3, 0.5), logUniform(1e-8, 1e-3), logUniform(0.5, 20), (noiseMultiplier, sampleRate, delta, targetEpsilon) => {
        let steps: number;
        try {
          steps = maxSteps({ noiseMultiplier, sampleRate, delta, targetEpsilon, limit: 1e7 });
        } catch (e) {
          expect((e as PrivkitError).code).toBe('UNREACHABLE_TARGET');
          expect(dpSgdEpsilon('rdp', noiseMultiplier, sampleRate, 1, delta)).toBeGreaterThan(targetEpsilon);
          return;
        }
        expect(dpSgdEpsilon('rdp', noiseMultiplier, sampleRate, steps, delta)).toBeLessThanOrEqual(targetEpsilon);
        if (steps < 1e7) expect(dpSgdEpsilon('rdp', noiseMultiplier, sampleRate, steps + 1, delta)).toBeGreaterThan(targetEpsilon);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('inverts the MNIST table: 60 epochs at σ = 1.1 cost ε = 2.5967, so that budget allows exactly 14063 steps', () => {
    const eps = dpSgdEpsilon('rdp', 1.1, 256 / 60000, 14063, 1e-5);
    expect(maxSteps({ noiseMultiplier: 1.1, sampleRate: 256 / 60000, delta: 1e-5, targetEpsilon: eps })).toBe(14063);
  });

  it('PLD allows more steps than RDP for the same budget', () => {
    const opts = { noiseMultiplier: 1.0, sampleRate: 0.01, delta: 1e-5, targetEpsilon: 2 };
    const rdp = maxSteps(opts);
    const pld = maxSteps({ ...opts, accountant: 'pld' });
    expect(pld).toBeGreaterThan(rdp);
    expect(dpSgdEpsilon('pld', 1.0, 0.01, pld, 1e-5)).toBeLessThanOrEqual(2);
    expect(dpSgdEpsilon('pld', 1.0, 0.01, pld + 1, 1e-5)).toBeGreaterThan(2);
  });

  it('a single step over budget is UNREACHABLE_TARGET; the limit caps the answer', () => {
    expect(codeOf(() => maxSteps({ noiseMultiplier: 0.5, sampleRate: 1, delta: 1e-5, targetEpsilon: 0.1 }))).toBe('UNREACHABLE_TARGET');
    expect(maxSteps({ noiseMultiplier: 100, sampleRate: 1e-3, delta: 1e-5, targetEpsilon: 5, limit: 1000 })).toBe(1000);
  });
});
