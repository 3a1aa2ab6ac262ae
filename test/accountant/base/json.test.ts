import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrivkitError, stringifyJson } from '../../../accountant/index.js';

describe('stringifyJson', () => {
  it('writes +∞ as 1e999, −∞ as -1e999 and NaN as null, and JSON.parse reads ±∞ back', () => {
    const text = stringifyJson({ a: Infinity, b: -Infinity, c: NaN, d: [1, Infinity, -0] });
    expect(text).toBe('{"a":1e999,"b":-1e999,"c":null,"d":[1,1e999,0]}');
    expect(JSON.parse(text)).toEqual({ a: Infinity, b: -Infinity, c: null, d: [1, Infinity, 0] });
  });

  it('writes typed arrays as arrays and bigints as decimal strings', () => {
    expect(stringifyJson({ f: Float64Array.of(0.5, -Infinity), i: Int32Array.of(1, 2), n: 10n ** 20n })).toBe(
      '{"f":[0.5,-1e999],"i":[1,2],"n":"100000000000000000000"}',
    );
  });

  it('is JSON.stringify for every value JSON.stringify writes faithfully (property, both spacings)', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const leaf = fc.oneof(finite, fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 10 }), (value, space) => {
        expect(stringifyJson(value, space)).toBe(JSON.stringify(value, null, space) ?? 'null');
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('round-trips every double through JSON.parse (±∞ included; NaN is null)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const back = JSON.parse(stringifyJson([x])) as [number | null];
        expect(back[0]).toBe(Number.isNaN(x) ? null : x === 0 ? 0 : x);
      }),
      { seed: 12, numRuns: 1000 },
    );
  });

  it('indents as JSON.stringify does, one line by default', () => {
    expect(stringifyJson({ e: Infinity, l: [] }, 2)).toBe('{\n  "e": 1e999,\n  "l": []\n}');
    expect(stringifyJson(undefined)).toBe('null');
  });

  it('refuses a circular value and a bad space with INVALID_ARGUMENT naming them', () => {
    const v: Record<string, unknown> = { a: 1 };
    v.self = v;
    expect(() => stringifyJson(v)).toThrow(PrivkitError);
    expect(() => stringifyJson(v)).toThrow(/circular/);
    // The same object twice, not nested, is not circular.
    const shared = { x: 1 };
    expect(stringifyJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
    for (const space of [-1, 1.5, 11, NaN]) expect(() => stringifyJson({}, space)).toThrow(/`space` must be an integer in \[0, 10\]/);
  });
});
