/** The public example runs (small sizes) and says what it claims: PLD ≤ RDP, calibrated σ meets the target. */
import { describe, expect, it } from 'vitest';
import { RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { mnistPrivacy } from '../../examples/mnistPrivacy.js';

describe('examples/mnistPrivacy', () => {
  it('prints a table whose numbers match the accountants and a σ that meets the target', () => {
    const lines: string[] = [];
    const { rows, calibrated } = mnistPrivacy({ datasetSize: 6000, batchSize: 60, epochs: [1, 3], targetEpsilon: 4 }, (l) => lines.push(l));
    expect(rows.map((r) => r.steps)).toEqual([100, 300]);
    for (const r of rows) {
      const direct = new RdpAccountant().compose(poissonSampled(0.01, gaussian(1.1)), r.steps).getEpsilon(1e-5);
      expect(r.rdpEpsilon).toBe(direct);
      expect(r.pldEpsilon).toBeLessThan(r.rdpEpsilon);
    }
    expect(calibrated.pld).toBeLessThanOrEqual(calibrated.rdp);
    expect(new RdpAccountant().compose(poissonSampled(0.01, gaussian(calibrated.rdp)), 300).getEpsilon(1e-5)).toBeLessThanOrEqual(4);
    expect(lines.join('\n')).toMatch(/ε \(RDP\)[\s\S]*ε \(PLD\)/);
    expect(lines.some((l) => l.includes(rows[1].rdpEpsilon.toFixed(4)))).toBe(true);
  });
});
