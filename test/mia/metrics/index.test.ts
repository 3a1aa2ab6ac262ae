import { describe, expect, it } from 'vitest';
import * as metrics from '../../../mia/metrics/index.js';

describe('mia/metrics index', () => {
  it('exports exactly the public metrics, by name', () => {
    expect(Object.keys(metrics).sort()).toEqual(
      ['auc', 'balancedAccuracy', 'downsampleRoc', 'membershipAdvantage', 'rocCurve', 'summarizeAttack', 'tprAtFpr'].sort(),
    );
  });
});
