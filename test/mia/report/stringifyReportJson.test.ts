import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../../../accountant/index.js';
import { stringifyReportJson } from '../../../mia/report/index.js';

describe('stringifyReportJson', () => {
  it('writes non-finite numbers by the one JSON convention (±∞ as ±1e999, NaN as null), not as strings', () => {
    const text = stringifyReportJson({ a: Infinity, b: -Infinity, c: NaN, d: [1, Infinity] }, 0);
    expect(text).toBe('{"a":1e999,"b":-1e999,"c":null,"d":[1,1e999]}');
    const back = JSON.parse(text);
    expect(back.a).toBe(Infinity);
    expect(back.b).toBe(-Infinity);
    expect(text).toBe(stringifyJson({ a: Infinity, b: -Infinity, c: NaN, d: [1, Infinity] }));
  });

  it('writes typed arrays as arrays and bigints as strings', () => {
    expect(stringifyReportJson({ f: new Float64Array([0.5, Infinity]), i: new Int32Array([1, 2]), n: 10n ** 20n }, 0)).toBe(
      '{"f":[0.5,1e999],"i":[1,2],"n":"100000000000000000000"}',
    );
  });

  it('pretty-prints with two spaces by default and keeps Dates as ISO strings', () => {
    expect(stringifyReportJson({ t: new Date(0) })).toBe('{\n  "t": "1970-01-01T00:00:00.000Z"\n}');
    expect(stringifyReportJson(undefined)).toBe('null');
  });

  it('refuses an indent outside [0, 10] naming it', () => {
    expect(() => stringifyReportJson({}, 11)).toThrow(/indent/);
  });
});
