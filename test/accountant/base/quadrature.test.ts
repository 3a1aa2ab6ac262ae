/** Gauss–Legendre rules against numpy 2 (`numpy.polynomial.legendre.leggauss(n)`) and their polynomial exactness. */
import { describe, expect, it } from 'vitest';
import { gaussLegendre } from '../../../accountant/index.js';

describe('gaussLegendre', () => {
  // numpy.polynomial.legendre.leggauss(5) and leggauss(16) (first half; the rules are symmetric).
  it.each([
    [1, [0], [2]],
    [5, [-0.906179845938664, -0.5384693101056831, 0], [0.23692688505618928, 0.4786286704993663, 0.5688888888888887]],
    [
      16,
      [-0.9894009349916499, -0.9445750230732326, -0.8656312023878318, -0.755404408355003, -0.6178762444026438, -0.45801677765722737, -0.2816035507792589, -0.09501250983763744],
      [0.027152459411754176, 0.062253523938647456, 0.0951585116824926, 0.12462897125553407, 0.1495959888165767, 0.16915651939500265, 0.18260341504492364, 0.18945061045506864],
    ],
  ])('n = %i: nodes and weights of numpy to 1e-14', (n, nodes, weights) => {
    const rule = gaussLegendre(n);
    for (let i = 0; i < nodes.length; i++) {
      expect(Math.abs(rule.nodes[i] - nodes[i])).toBeLessThan(1e-14);
      expect(Math.abs(rule.nodes[n - 1 - i] + nodes[i])).toBeLessThan(1e-14);
      expect(Math.abs(rule.weights[i] - weights[i])).toBeLessThan(1e-14);
      expect(rule.logWeights[i]).toBeCloseTo(Math.log(rule.weights[i]), 15);
    }
  });

  it('integrates x^d exactly for d ≤ 2n − 1 (∫ x^d over [−1, 1] = 2/(d + 1) for even d, 0 for odd d)', () => {
    for (const n of [2, 7, 16, 40]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let d = 0; d <= 2 * n - 1; d++) {
        const sum = nodes.reduce((s, x, i) => s + weights[i] * x ** d, 0);
        expect(Math.abs(sum - (d % 2 === 0 ? 2 / (d + 1) : 0))).toBeLessThan(1e-13);
      }
    }
  });
});

describe('gaussLegendre: bad n', () => {
  it.each([[0], [-3], [2.5], [NaN], [Infinity], [10_001], ['8']])('n = %s is INVALID_ARGUMENT naming the range', (n) => {
    expect(() => gaussLegendre(n as number)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/`n` must be an integer in \[1, 10000\]; got/) }));
  });
});
