/** The shared log-space arithmetic against direct evaluation where it is exact and against closed forms in the tails. */
import { describe, expect, it } from 'vitest';
import { log1mExp, log1pExp, logAddExp, logExpm1, logMeanExp, logSubExp, logSumExp } from '../../../accountant/base/logMath.js';

const close = (a: number, b: number, rel = 1e-15) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));

describe('log-space arithmetic', () => {
  it('logAddExp and logSubExp match direct sums and differences, and are exact at −∞', () => {
    close(logAddExp(Math.log(2), Math.log(3)), Math.log(5));
    close(logSubExp(Math.log(5), Math.log(3)), Math.log(2), 1e-14);
    expect(logAddExp(-Infinity, 1.5)).toBe(1.5);
    expect(logSubExp(1.5, -Infinity)).toBe(1.5);
    expect(logSubExp(1.5, 1.5)).toBe(-Infinity);
    expect(logSubExp(1, 2)).toBeNaN();
    // Overflow-free: e^1000 + e^1000 = 2e^1000.
    close(logAddExp(1000, 1000), 1000 + Math.LN2);
  });

  it('log1mExp, logExpm1 and log1pExp hold their closed forms in both tails', () => {
    close(log1mExp(-1e-20), Math.log(1e-20)); // 1 − e^{−ε} = ε − ε²/2 …
    close(log1mExp(-50), -Math.exp(-50)); // log(1 − e^{−50}) ≈ −e^{−50}
    close(log1mExp(-1), Math.log(1 - Math.exp(-1)), 1e-14);
    expect(log1mExp(0)).toBe(-Infinity);
    expect(log1mExp(0.1)).toBeNaN();
    close(logExpm1(1e-20), Math.log(1e-20));
    close(logExpm1(1000), 1000);
    close(logExpm1(2), Math.log(Math.expm1(2)));
    expect(logExpm1(0)).toBe(-Infinity);
    close(log1pExp(800), 800);
    close(log1pExp(-50), Math.exp(-50));
    close(log1pExp(0), Math.LN2);
  });

  it('logSumExp shifts by the maximum and sums a sub-range', () => {
    close(logSumExp([1000, 1000]), 1000 + Math.LN2);
    close(logSumExp([Math.log(1), Math.log(2), Math.log(3)]), Math.log(6), 1e-14);
    const z = Float64Array.of(9, Math.log(1), Math.log(4), 9);
    close(logSumExp(z, 1, 3), Math.log(5), 1e-14);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([1, Infinity])).toBe(Infinity);
  });

  it('logMeanExp is the log of the mean of the leading entries', () => {
    close(logMeanExp([Math.log(1), Math.log(3)]), Math.log(2), 1e-14);
    close(logMeanExp([Math.log(2), Math.log(4), 99], 2), Math.log(3), 1e-14);
    close(logMeanExp([-1000, -1000]), -1000);
  });
});
