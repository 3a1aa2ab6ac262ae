/**
 * The dispatcher and its registry: each name runs its attack with its options, the shadow-model
 * floors, and unknown names.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTACK_NAMES,
  isAttackName,
  lira,
  liraOffline,
  lossAttack,
  minShadowModels,
  rmia,
  runAttack,
  shokri,
} from '../../../mia/attacks/index.js';
import type { AttackName } from '../../../mia/attacks/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { syntheticData } from './_synthetic.js';

describe('runAttack', () => {
  const { data } = syntheticData(31, { n: 60, k: 3, numShadows: 4 });

  it('lists the five attacks, cheapest first, with their shadow-model floors', () => {
    expect(ATTACK_NAMES).toEqual(['loss', 'shokri', 'lira', 'lira-offline', 'rmia']);
    expect(Object.isFrozen(ATTACK_NAMES)).toBe(true);
    expect(ATTACK_NAMES.map(minShadowModels)).toEqual([0, 1, 2, 1, 1]);
    expect(isAttackName('lira-offline')).toBe(true);
    expect(isAttackName('lira-online')).toBe(false);
    expect(isAttackName(undefined)).toBe(false);
  });

  it('dispatches each name to its attack, passing the options through', () => {
    expect(runAttack('loss', data)).toEqual(lossAttack(data));
    expect(runAttack('lira', data, { variance: 'per-example' })).toEqual(lira(data, { variance: 'per-example' }));
    expect(runAttack('lira-offline', data)).toEqual(liraOffline(data));
    expect(runAttack('rmia', data, { mode: 'online', gamma: 1 })).toEqual(rmia(data, { mode: 'online', gamma: 1 }));
    expect(runAttack('shokri', data, { seed: 4, epochs: 20 })).toEqual(shokri(data, { seed: 4, epochs: 20 }));
    for (const name of ATTACK_NAMES) {
      const result = runAttack(name, data, name === 'shokri' ? { epochs: 5 } : undefined);
      expect(result.name).toBe(name);
      expect(result.scores.length).toBe(60);
      expect(result.scores.every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses too few shadow models with the attack and the counts in the message', () => {
    const one = { ...data, shadows: data.shadows.slice(0, 1) };
    const none = { ...data, shadows: [] };
    expectInvalid(() => runAttack('lira', one), /^attack `lira` needs at least 2 shadow models; got 1\.$/);
    expectInvalid(() => runAttack('lira-offline', none), /^attack `lira-offline` needs at least 1 shadow model; got 0\.$/);
    expectInvalid(() => runAttack('rmia', none), /^attack `rmia` needs at least 1 shadow model; got 0\.$/);
    expectInvalid(() => runAttack('shokri', none), /^attack `shokri` needs at least 1 shadow model; got 0\.$/);
    expect(runAttack('loss', none).scores.length).toBe(60);
  });

  it('refuses an unknown attack name, listing the known ones', () => {
    expectInvalid(() => runAttack('lira-online' as AttackName, data), /Unknown attack "lira-online"; expected one of loss, shokri, lira, lira-offline, rmia\./);
    expectInvalid(() => minShadowModels('x' as AttackName), /Unknown attack "x"/);
  });
});
