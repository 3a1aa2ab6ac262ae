import { describe, expect, it } from 'vitest';
import { stringifyReportJson } from '../../../mia/report/index.js';

describe('stringifyReportJson', () => {
  it('keeps non-finite numbers as strings instead of null', () => {
    const text = stringifyReportJson({ a: Infinity, b: -Infinity, c: NaN, d: [1, Infinity] }, 0);
    expect(text).toBe('{"a":"Infinity","b":"-Infinity","c":"NaN","d":[1,"Infinity"]}');
    const back = JSON.parse(text);
    expect(Number(back.a)).toBe(Infinity);
    expect(Number(back.b)).toBe(-Infinity);
  });

  it('writes typed arrays as arrays and bigints as strings', () => {
    expect(stringifyReportJson({ f: new Float64Array([0.5, Infinity]), i: new Int32Array([1, 2]), n: 10n ** 20n }, 0)).toBe(
      '{"f":[0.5,"Infinity"],"i":[1,2],"n":"100000000000000000000"}',
    );
  });

  it('pretty-prints with two spaces by default and keeps Dates as ISO strings', () => {
    expect(stringifyReportJson({ t: new Date(0) })).toBe('{\n  "t": "1970-01-01T00:00:00.000Z"\n}');
    expect(stringifyReportJson(undefined)).toBe('null');
  });
});
