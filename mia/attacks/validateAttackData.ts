/**
 * The shape and value checks every attack runs on its input before it computes anything.
 */
import type { AttackData, ModelLogits } from './AttackData.js';
import { invalid, show } from '../../accountant/index.js';

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) || Array.isArray(value);
}

function checkModel(model: ModelLogits | undefined, who: string, n: number, k: number, views: number | undefined): number {
  if (model === null || typeof model !== 'object' || !Array.isArray(model.views)) {
    invalid(`${who} must have \`views\`, an array of Float32Array; got ${show(model)}.`, { model: who });
  }
  const v = model.views.length;
  if (v === 0) invalid(`${who} has no views; it needs at least one (view 0 = the plain input).`, { model: who });
  if (views !== undefined && v !== views) {
    invalid(`${who} has ${v} views but the target has ${views}; every model must be queried with the same views.`, {
      model: who,
      views: v,
      expected: views,
    });
  }
  for (let j = 0; j < v; j++) {
    const z = model.views[j];
    if (!isArrayLike(z) || z.length !== n * k) {
      const got = isArrayLike(z) ? `length ${z.length}` : show(z);
      invalid(`${who} view ${j} must have numExamples·numClasses = ${n}·${k} = ${n * k} logits; got ${got}.`, {
        model: who,
        view: j,
      });
    }
    for (let p = 0; p < z.length; p++) {
      if (!Number.isFinite(z[p])) {
        const i = Math.floor(p / k);
        invalid(
          `${who} view ${j}, example ${i}, class ${p - i * k}: logits must be finite; got ${show(z[p])}. ` +
            'Query logits (or log-probabilities clamped away from log 0 = −Infinity).',
          { model: who, view: j, example: i, class: p - i * k, value: z[p] },
        );
      }
    }
  }
  return v;
}

/**
 * Checks an {@link AttackData} before an attack reads it: `numExamples` n ≥ 1 and `numClasses`
 * k ≥ 2 integers; `labels` of length n with 0 ≤ labels[i] < k; the target and every shadow with the
 * same number (≥ 1) of views, each view n·k finite logits; each shadow's `inMask` of length n with
 * entries 0 or 1. Every attack calls it first; call it yourself to fail early.
 * @param data - the attack input.
 * @returns nothing; it throws on the first problem.
 * @throws PrivkitError `INVALID_ARGUMENT` naming the field, and for logits the model ("target" or
 *   "shadow s"), view, example and class of the first non-finite value.
 * @example
 * ```ts
 * validateAttackData({
 *   numExamples: 1, numClasses: 2, labels: Int32Array.of(0),
 *   target: { views: [Float32Array.of(2, 0)] },
 *   shadows: [{ logits: { views: [Float32Array.of(1, 0)] }, inMask: Uint8Array.of(1) }],
 * }); // passes
 * ```
 */
export function validateAttackData(data: AttackData): void {
  if (data === null || typeof data !== 'object') invalid(`Attack data must be an object; got ${show(data)}.`);
  const n = data.numExamples;
  const k = data.numClasses;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    invalid(`\`numExamples\` must be an integer ≥ 1; got ${show(n)}.`, { field: 'numExamples', value: n });
  }
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 2) {
    invalid(`\`numClasses\` must be an integer ≥ 2; got ${show(k)}.`, { field: 'numClasses', value: k });
  }
  const labels = data.labels;
  if (!isArrayLike(labels) || labels.length !== n) {
    invalid(`\`labels\` must have numExamples = ${n} entries; got ${isArrayLike(labels) ? `length ${labels.length}` : show(labels)}.`, {
      field: 'labels',
    });
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      invalid(`\`labels[${i}]\` must be an integer in [0, ${k}); got ${show(y)}.`, { field: 'labels', example: i, value: y });
    }
  }
  const views = checkModel(data.target, 'target', n, k, undefined);
  if (!Array.isArray(data.shadows)) invalid(`\`shadows\` must be an array; got ${show(data.shadows)}.`, { field: 'shadows' });
  data.shadows.forEach((shadow, s) => {
    if (shadow === null || typeof shadow !== 'object') invalid(`shadow ${s} must be an object; got ${show(shadow)}.`);
    checkModel(shadow.logits, `shadow ${s}`, n, k, views);
    const mask = shadow.inMask;
    if (!isArrayLike(mask) || mask.length !== n) {
      invalid(`shadow ${s} \`inMask\` must have numExamples = ${n} entries; got ${isArrayLike(mask) ? `length ${mask.length}` : show(mask)}.`, {
        shadow: s,
      });
    }
    for (let i = 0; i < n; i++) {
      if (mask[i] !== 0 && mask[i] !== 1) {
        invalid(`shadow ${s} \`inMask[${i}]\` must be 0 or 1; got ${show(mask[i])}.`, { shadow: s, example: i, value: mask[i] });
      }
    }
  });
}
