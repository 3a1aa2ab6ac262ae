/**
 * Pairs of neighbouring datasets as a fast-check arbitrary: the two relations of differential privacy
 * (Dwork & Roth 2014, §2.3): add/remove one element (unbounded DP, the relation DP-SGD's accounting
 * uses) and replace one element (bounded DP).
 */
import fc from 'fast-check';
import { PrivkitError, requireOptions } from '../../accountant/index.js';
import { MAX_RECORDS, requireArbitrary, requireCount } from './_internals/validate.js';

/** `'add-remove'`: D′ is D with one element more or less. `'replace'`: D′ is D with one element changed. */
export type NeighbourRelation = 'add-remove' | 'replace';

/** Two neighbouring datasets [D, D′]. */
export type NeighbouringPair<T> = [T[], T[]];

/**
 * Options of {@link neighbouringDatasets}.
 * @example
 * ```ts
 * const options: NeighbouringDatasetsOptions = { minLength: 1, maxLength: 8, relation: 'replace' };
 * ```
 */
export interface NeighbouringDatasetsOptions {
  /** Fewest elements in either dataset (at most 10⁶). @defaultValue 0 (1 for `'replace'`) */
  readonly minLength?: number;
  /** Most elements in either dataset (at most 10⁶). @defaultValue 10 */
  readonly maxLength?: number;
  /** The neighbouring relation. @defaultValue 'add-remove' */
  readonly relation?: NeighbourRelation;
}

/**
 * An arbitrary of neighbouring pairs [D, D′] whose elements come from `element`. It is built from a
 * base dataset, one extra element, a position and (for add/remove) a direction, so fast-check shrinks a
 * failing pair to a short base, a small element, position 0 and D ⊂ D′: a sum query that forgot to clip
 * shrinks to `[[], [2]]` for a bound of 1 over integers.
 * @param element - the arbitrary of one record (use bounded ranges: a sensitivity bound is only meaningful for them).
 * @param options - lengths and relation; see {@link NeighbouringDatasetsOptions}.
 * @returns an arbitrary of `[D, D′]`, both fresh arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for an `element` that is not an arbitrary, lengths that are not
 *   integers in [0, 10⁶] or leave no pair (add/remove needs `maxLength ≥ minLength + 1`), or an unknown
 *   relation.
 * @example
 * ```ts
 * fc.assert(fc.property(neighbouringDatasets(fc.integer({ min: 0, max: 10 }), { maxLength: 8 }),
 *   ([d, dPrime]) => Math.abs(d.length - dPrime.length) === 1));
 * ```
 */
export function neighbouringDatasets<T>(element: fc.Arbitrary<T>, options: NeighbouringDatasetsOptions = {}): fc.Arbitrary<NeighbouringPair<T>> {
  requireArbitrary('element', element);
  requireOptions('options', options);
  const relation = options.relation ?? 'add-remove';
  if (relation !== 'add-remove' && relation !== 'replace') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`relation\` must be 'add-remove' or 'replace'; got ${JSON.stringify(relation)}.`);
  }
  const minLength = requireCount('minLength', options.minLength ?? (relation === 'replace' ? 1 : 0), 0, MAX_RECORDS);
  const maxLength = requireCount('maxLength', options.maxLength ?? 10, 0, MAX_RECORDS);
  if (relation === 'add-remove') {
    if (maxLength < minLength + 1) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`maxLength\` must be ≥ minLength + 1 = ${minLength + 1} for add/remove neighbours; got ${maxLength}.`);
    }
    return fc
      .tuple(fc.array(element, { minLength, maxLength: maxLength - 1 }), element, fc.nat({ max: maxLength }), fc.boolean())
      .map(([base, extra, position, larger]) => {
        const bigger = [...base];
        bigger.splice(position % (base.length + 1), 0, extra);
        return larger ? [bigger, [...base]] : [[...base], bigger];
      });
  }
  if (maxLength < Math.max(1, minLength)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`maxLength\` must be ≥ max(1, minLength) = ${Math.max(1, minLength)} for replace-one neighbours; got ${maxLength}.`);
  }
  return fc
    .tuple(fc.array(element, { minLength: Math.max(1, minLength), maxLength }), element, fc.nat({ max: maxLength }))
    .map(([base, extra, position]) => {
      const changed = [...base];
      changed[position % base.length] = extra;
      return [[...base], changed];
    });
}
