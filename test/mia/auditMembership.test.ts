/**
 * auditMembership: refusals come before any shadow is trained; an overfit target leaks and every attack
 * reports on every row; auditFromLogits is runAttack + summarizeAttack per attack.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { ATTACK_NAMES, runAttack } from '../../mia/attacks/index.js';
import {
  auditFromLogits,
  auditMembership,
  checkModelMatchesData,
  inProcessShadowRunner,
  membershipMask,
  type AuditMembershipOptions,
  type ShadowRunner,
} from '../../mia/auditMembership.js';
import { summarizeAttack } from '../../mia/metrics/index.js';
import { shadowInMasks } from '../../mia/shadow/shadowInMasks.js';
import type { ShadowTrainingOptions } from '../../mia/shadow/ShadowTrainingOptions.js';
import { trainShadowModel } from '../../mia/shadow/trainShadowModel.js';
import { useBackend } from '../../src/backend/useBackend.js';
import { expectInvalid } from '../_support/errors.js';
import { syntheticData } from './attacks/_synthetic.js';
import { contextFor, imageData, mlp, topologyOf } from './shadow/_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

async function rejectionOf(p: Promise<unknown>): Promise<PrivkitError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PrivkitError);
    return e as PrivkitError;
  }
  throw new Error('expected a PrivkitError, but the audit resolved');
}

describe('auditMembership refuses bad input before training any shadow', () => {
  const data = imageData(20, 3, { side: 4 }); // 20 rows of [4, 4, 1], 3 classes
  const train: ShadowTrainingOptions = { epochs: 1, batchSize: 4, learningRate: 0.01 };
  let target: tf.Sequential;
  beforeAll(() => {
    target = mlp([4, 4, 1], 3, 4);
  });
  afterAll(() => target.dispose());

  const cases: [string, (runner: ShadowRunner) => AuditMembershipOptions, RegExp][] = [
    ['a repeated member index', (runner) => ({ targetModel: target, data, members: [0, 5, 5], shadow: { count: 4, train, runner } }), /^member index 5 appears twice \(again at #3\)/],
    ['an out-of-range member index', (runner) => ({ targetModel: target, data, members: [0, 20], shadow: { count: 4, train, runner } }), /^member index #2 must be an integer in \[0, 19\] \(the data has 20 rows\); got 20\./],
    ['a negative member index', (runner) => ({ targetModel: target, data, members: [-1], shadow: { count: 4, train, runner } }), /#1 must be an integer in \[0, 19\].*got -1\./],
    ['a non-integer member index', (runner) => ({ targetModel: target, data, members: [1, 2.5], shadow: { count: 4, train, runner } }), /#2 must be an integer .*got 2\.5\./],
    ['no non-members', (runner) => ({ targetModel: target, data, members: [...Array(20).keys()], shadow: { count: 4, train, runner } }), /needs members and non-members; got 20 members out of 20 rows\./],
    ['no members', (runner) => ({ targetModel: target, data, members: [], shadow: { count: 4, train, runner } }), /needs members and non-members; got 0 members out of 20 rows\./],
    [
      'a model whose input shape is not the examples’',
      (runner) => ({ targetModel: mlp([5, 4, 1], 3, 4), data, members: [0, 1], shadow: { count: 4, train, runner } }),
      /takes examples shaped \[5, 4, 1\] and outputs \[3\], but the data has examples shaped \[4, 4, 1\] and 3 classes\./,
    ],
    [
      'a model with another number of output classes',
      (runner) => ({ targetModel: mlp([4, 4, 1], 4, 4), data, members: [0, 1], shadow: { count: 4, train, runner } }),
      /outputs \[4\], but the data .* and 3 classes\./,
    ],
    ['too few shadows for LiRA', (runner) => ({ targetModel: target, data, members: [0, 1], attacks: ['lira'], shadow: { count: 1, train, runner } }), /^attack `lira` needs at least 2 shadow models; got 1\./],
    ['an unknown attack', (runner) => ({ targetModel: target, data, members: [0, 1], attacks: ['lira-online' as never], shadow: { count: 4, train, runner } }), /unknown attack "lira-online"; known: loss, shokri, lira, lira-offline, rmia\./],
    ['no shadow models', (runner) => ({ targetModel: target, data, members: [0, 1], attacks: ['loss'], shadow: { count: 0, train, runner } }), /`shadowModels` must be an integer ≥ 1; got 0\./],
    [
      'a label outside [0, numClasses)',
      (runner) => ({ targetModel: target, data: { ...data, y: Int32Array.from(data.y, (c, i) => (i === 7 ? 3 : c)) }, members: [0, 1], shadow: { count: 4, train, runner } }),
      /^`labels\[7\]` must be an integer in \[0, 3\); got 3\./,
    ],
    ["a 'flip' view of non-image examples", (runner) => ({ targetModel: tf.sequential({ layers: [tf.layers.dense({ inputShape: [16], units: 3, activation: 'softmax' })] }), data: { ...data, exampleShape: [16] }, members: [0, 1], augmentation: 'flip', shadow: { count: 4, train, runner } }), /augmentation 'flip' needs image examples/],
  ];

  for (const [what, options, message] of cases) {
    it(`refuses ${what} (INVALID_ARGUMENT), without calling the shadow runner or leaking tensors`, async () => {
      // Arrange
      const runner = vi.fn<ShadowRunner>();
      const audit = options(runner);
      const before = tf.memory().numTensors;

      // Act
      const error = await rejectionOf(auditMembership(audit));

      // Assert
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
      expect(runner).not.toHaveBeenCalled();
      expect(tf.memory().numTensors).toBe(before);
      if (audit.targetModel !== target) audit.targetModel.dispose();
    });
  }

  it('membershipMask and checkModelMatchesData accept what fits', () => {
    expect(membershipMask([0, 2], 4)).toEqual(Uint8Array.of(1, 0, 1, 0));
    expect(() => checkModelMatchesData(target, data)).not.toThrow();
    const sigmoid = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    expectInvalid(() => checkModelMatchesData(sigmoid, { ...data, numClasses: 1 }), /outputs \[1\]/);
    sigmoid.dispose();
  });
});

describe('auditMembership end to end', () => {
  // An overfit target: 300 rows whose labels are random (the pixels carry no class signal), so the
  // only way to fit the 150 members is to memorise them, and non-members stay at chance. 8 shadows
  // trained the same way give each row 4 IN and 4 OUT models.
  const N = 300;
  const data = imageData(N, 8, { side: 8, classes: 3, signal: 0 });
  const train: ShadowTrainingOptions = { epochs: 3, batchSize: 16, learningRate: 0.01 };
  const memberMask = shadowInMasks(N, 1, 1234)[0];
  const members = [...memberMask.keys()].filter((i) => memberMask[i] === 1);
  let target: tf.LayersModel;
  let audit: Awaited<ReturnType<typeof auditMembership>>;
  const onShadowSaved = vi.fn();

  beforeAll(async () => {
    const architecture = mlp([8, 8, 1], 3, 32);
    const ctx = contextFor(data, topologyOf(architecture), train);
    architecture.dispose();
    target = await trainShadowModel(ctx, { index: 0, seed: 777, mask: memberMask });
    ctx.dispose();
    audit = await auditMembership({ targetModel: target, data, members, shadow: { count: 8, train, runner: inProcessShadowRunner({ onShadowSaved }) }, seed: 3 });
  });
  afterAll(() => target.dispose());

  it('trains every shadow once and counts members and non-members', () => {
    expect(onShadowSaved.mock.calls.map((c) => c[0]).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(audit.shadowModels).toBe(8);
    expect(audit.members).toBe(150);
    expect(audit.nonMembers).toBe(150);
    expect(audit.members + audit.nonMembers).toBe(N);
    expect(audit.isMember).toEqual(memberMask);
  });

  it('runs every attack, each with n finite scores and metrics in range', () => {
    expect(audit.attacks.map((a) => a.name)).toEqual([...ATTACK_NAMES]);
    for (const a of audit.attacks) {
      expect(a.scores).toHaveLength(N);
      expect(a.scores.every((s) => !Number.isNaN(s))).toBe(true);
      expect(Number.isFinite(a.auc)).toBe(true);
      expect(a.auc).toBeGreaterThanOrEqual(0);
      expect(a.auc).toBeLessThanOrEqual(1);
      expect(a.advantage).toBeGreaterThanOrEqual(0);
      expect(a.advantage).toBeLessThanOrEqual(1);
      expect(a.perClass).toHaveLength(3);
      expect(Object.keys(a.tprAtFpr)).toEqual(['0.001', '0.01', '0.1']);
    }
  });

  it("finds the overfit target's members: LiRA AUC well above 1/2", () => {
    // Under no leakage the AUC of 150 vs 150 rows has standard deviation √((n₁+n₀+1)/(12 n₁ n₀)) ≈ 0.033.
    // Three epochs on random labels already memorise the members: LiRA's AUC measured here is ≈ 0.90
    // (loss ≈ 0.91, the others 0.88–0.93; 12 epochs give ≈ 0.99). Requiring > 0.65 puts the bar 4.5
    // null deviations above 1/2, so a non-leaking model cannot pass by chance, and 0.25 below the
    // measured value, so seed, backend or rounding changes cannot make this one fail.
    const lira = audit.attacks.find((a) => a.name === 'lira')!;
    const loss = audit.attacks.find((a) => a.name === 'loss')!;
    expect(lira.auc).toBeGreaterThan(0.65);
    expect(loss.auc).toBeGreaterThan(0.65);
  });
});

describe('auditFromLogits', () => {
  it('equals runAttack + summarizeAttack for each attack on hand-made logits', () => {
    // Arrange
    const { data, members } = syntheticData(7, { n: 40, k: 3, numShadows: 6, numViews: 2 });
    const options = { attackOptions: { shokri: { epochs: 5, seed: 2 }, rmia: { gamma: 1.5 } } };

    // Act
    const audit = auditFromLogits(data, members, options);

    // Assert
    expect(audit.members).toBe(members.reduce((s, v) => s + v, 0));
    expect(audit.nonMembers).toBe(40 - audit.members);
    expect(audit.shadowModels).toBe(6);
    expect(audit.isMember).toBe(members);
    expect(audit.attacks.map((a) => a.name)).toEqual([...ATTACK_NAMES]);
    for (const report of audit.attacks) {
      const direct = runAttack(report.name, data, (options.attackOptions as Record<string, unknown>)[report.name] as never);
      expect(report.scores).toEqual(direct.scores);
      expect({ ...report, name: undefined, scores: undefined }).toEqual({
        name: undefined,
        scores: undefined,
        ...summarizeAttack(direct.scores, members, { labels: data.labels }),
      });
    }
  });

  it('runs only the attacks asked for, and refuses too few shadows or a mask of the wrong length', () => {
    // Arrange
    const { data, members } = syntheticData(8, { n: 20, k: 2, numShadows: 2 });
    const oneShadow = { ...data, shadows: data.shadows.slice(0, 1) };

    // Act
    const audit = auditFromLogits(data, members, { attacks: ['lira', 'loss'] });

    // Assert
    expect(audit.attacks.map((a) => a.name)).toEqual(['lira', 'loss']);
    expectInvalid(() => auditFromLogits(oneShadow, members, { attacks: ['lira'] }), /^attack `lira` needs at least 2 shadow models; got 1\./);
    expectInvalid(() => auditFromLogits(data, members.subarray(1), { attacks: ['loss'] }), /membership mask has 19 entries for 20 examples/);
    expectInvalid(() => auditFromLogits(data, members, { attacks: [] }), /`attacks` must name at least one/);
  });
});
