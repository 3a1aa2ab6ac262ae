/**
 * validateAttackData: a valid input passes; each malformed field is refused with a message naming it,
 * and non-finite logits name the model, view, example and class.
 */
import { describe, expect, it } from 'vitest';
import { lira, validateAttackData } from '../../../mia/attacks/index.js';
import type { AttackData } from '../../../mia/attacks/index.js';
import { expectInvalid, privkitErrorOf } from '../../_support/errors.js';

function valid(): AttackData {
  return {
    numExamples: 2,
    numClasses: 3,
    labels: Int32Array.of(0, 2),
    target: { views: [new Float32Array(6), new Float32Array(6)] },
    shadows: [
      { logits: { views: [new Float32Array(6), new Float32Array(6)] }, inMask: Uint8Array.of(1, 0) },
      { logits: { views: [new Float32Array(6), new Float32Array(6)] }, inMask: Uint8Array.of(0, 1) },
    ],
  };
}

describe('validateAttackData', () => {
  it('accepts a well-formed input', () => {
    expect(() => validateAttackData(valid())).not.toThrow();
  });

  it('refuses bad sizes, labels, views and masks, naming the field', () => {
    expectInvalid(() => validateAttackData({ ...valid(), numExamples: 0 }), /`numExamples` must be an integer ≥ 1; got 0\./);
    expectInvalid(() => validateAttackData({ ...valid(), numClasses: 1 }), /`numClasses` must be an integer ≥ 2; got 1\./);
    expectInvalid(() => validateAttackData({ ...valid(), labels: Int32Array.of(0) }), /`labels` must have numExamples = 2 entries; got length 1\./);
    expectInvalid(() => validateAttackData({ ...valid(), labels: Int32Array.of(0, 3) }), /`labels\[1\]` must be an integer in \[0, 3\); got 3\./);
    expectInvalid(() => validateAttackData({ ...valid(), target: { views: [] } }), /target has no views/);
    expectInvalid(
      () => validateAttackData({ ...valid(), target: { views: [new Float32Array(6), new Float32Array(5)] } }),
      /target view 1 must have numExamples·numClasses = 2·3 = 6 logits; got length 5\./,
    );
    const d = valid();
    const fewerViews = { ...d, shadows: [d.shadows[0], { ...d.shadows[1], logits: { views: [new Float32Array(6)] } }] };
    expectInvalid(() => validateAttackData(fewerViews), /shadow 1 has 1 views but the target has 2; every model must be queried with the same views\./);
    const shortMask = { ...d, shadows: [{ ...d.shadows[0], inMask: Uint8Array.of(1) }] };
    expectInvalid(() => validateAttackData(shortMask), /shadow 0 `inMask` must have numExamples = 2 entries; got length 1\./);
    const badMask = { ...d, shadows: [d.shadows[0], { ...d.shadows[1], inMask: Uint8Array.of(0, 2) }] };
    expectInvalid(() => validateAttackData(badMask), /shadow 1 `inMask\[1\]` must be 0 or 1; got 2\./);
  });

  it('refuses NaN and infinite logits, naming model, view, example and class', () => {
    const d = valid();
    d.shadows[1].logits.views[1][4] = NaN;
    const error = privkitErrorOf(() => validateAttackData(d));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^shadow 1 view 1, example 1, class 1: logits must be finite; got NaN\./);
    expect(error.details).toMatchObject({ model: 'shadow 1', view: 1, example: 1, class: 1 });
    const t = valid();
    t.target.views[0][2] = -Infinity;
    expectInvalid(() => validateAttackData(t), /^target view 0, example 0, class 2: logits must be finite; got -Infinity\./);
    // The attacks run the same check first.
    expectInvalid(() => lira(d), /shadow 1 view 1, example 1/);
  });
});
