import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canaryIndex, fillCanary, parseCanaryFormat, randomCanary } from '../../../mia/canary/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';

const PROPERTY_PARAMETERS = { seed: 20251126, numRuns: 300 } as const;

describe('parseCanaryFormat', () => {
  it('parses text and digit slots: prefix, parts, |R|, log₂|R|, length', () => {
    const f = parseCanaryFormat('my pin is {d6}');
    expect(f.prefix).toBe('my pin is ');
    expect(f.parts).toEqual([
      { kind: 'text', text: 'my pin is ' },
      { kind: 'slot', alphabet: '0123456789', alphabetName: 'd', length: 6 },
    ]);
    expect(f.spaceSize).toBe(1e6);
    expect(f.log2SpaceSize).toBe(6 * Math.log2(10));
    expect(f.length).toBe(16);
    expect(Object.isFrozen(f)).toBe(true);
  });

  it('parses letters, custom alphabets, text between and after slots, and {{ }} escapes', () => {
    const f = parseCanaryFormat('{{id}} {a2}-{hex:3}.', { alphabets: { hex: '0123456789abcdef' } });
    expect(f.prefix).toBe('{id} ');
    expect(f.parts.map((p) => p.kind)).toEqual(['text', 'slot', 'text', 'slot', 'text']);
    expect(f.spaceSize).toBe(26 ** 2 * 16 ** 3);
    expect(f.log2SpaceSize).toBeCloseTo(2 * Math.log2(26) + 12, 12);
    expect(f.length).toBe(5 + 2 + 1 + 3 + 1);
    expect(fillCanary(f, 0)).toBe('{id} aa-000.');
    expect(fillCanary(f, f.spaceSize - 1)).toBe('{id} zz-fff.');
  });

  it('has an empty prefix when the format starts with a slot; {d:N} names the built-in', () => {
    const f = parseCanaryFormat('{d:2} is it');
    expect(f.prefix).toBe('');
    expect(f.spaceSize).toBe(100);
  });

  it('counts characters as code points (emoji alphabet)', () => {
    const f = parseCanaryFormat('é{e:2}', { alphabets: { e: '😀😎🙂' } });
    expect(f.length).toBe(3);
    expect(fillCanary(f, 5)).toBe('é😎🙂');
    expect(canaryIndex(f, 'é😎🙂')).toBe(5n);
  });

  it('refuses a format without a slot, naming it', () => {
    expectInvalid(() => parseCanaryFormat('my pin'), /^`format` must contain at least one slot such as \{d6\}; got "my pin"\.$/);
  });

  it('refuses N < 1, unknown alphabets, malformed slots and unbalanced braces', () => {
    expectInvalid(() => parseCanaryFormat('pin {d0}'), /slot \{d0\}.*length N ≥ 1; got 0/);
    expectInvalid(() => parseCanaryFormat('pin {hex:0}', { alphabets: { hex: 'ab' } }), /length N ≥ 1; got 0/);
    expectInvalid(() => parseCanaryFormat('pin {hex:4}'), /unknown alphabet "hex"; known: d, a/);
    expectInvalid(() => parseCanaryFormat('pin {x6}'), /malformed slot \{x6\}/);
    expectInvalid(() => parseCanaryFormat('pin {d-1}'), /malformed slot \{d-1\}/);
    expectInvalid(() => parseCanaryFormat('pin {d6'), /unbalanced "\{" at position 4/);
    expectInvalid(() => parseCanaryFormat('pin {d{d6}}'), /unbalanced "\{" at position 4/);
    expectInvalid(() => parseCanaryFormat('pin d6} {d1}'), /unmatched "\}" at position 6/);
  });

  it('refuses bad custom alphabets', () => {
    expectInvalid(() => parseCanaryFormat('{x:1}', { alphabets: { x: '' } }), /`options.alphabets.x` must be a non-empty string of distinct characters; got ""/);
    expectInvalid(() => parseCanaryFormat('{x:1}', { alphabets: { x: 'aba' } }), /distinct characters; got "aba"/);
    expectInvalid(() => parseCanaryFormat('{d1}', { alphabets: { d: '01' } }), /shadow the built-in/);
    expectInvalid(() => parseCanaryFormat('{d1}', { alphabets: { 'no way': '01' } }), /names must match/);
  });
});

describe('fillCanary / canaryIndex / randomCanary', () => {
  it('fills by mixed-radix index, first slot character most significant', () => {
    const f = parseCanaryFormat('pin {d2}{a1}');
    expect(fillCanary(f, 0)).toBe('pin 00a');
    expect(fillCanary(f, 27)).toBe('pin 01b');
    expect(fillCanary(f, 2599)).toBe('pin 99z');
    expect(canaryIndex(f, 'pin 01b')).toBe(27n);
    expect(fillCanary(f, 27n)).toBe('pin 01b');
  });

  it('handles spaces beyond 2⁵³ with bigint indices', () => {
    const f = parseCanaryFormat('card {d20}');
    expect(f.spaceSize).toBe(1e20);
    expect(fillCanary(f, 10n ** 20n - 1n)).toBe(`card ${'9'.repeat(20)}`);
    expect(canaryIndex(f, 'card 12345678901234567890')).toBe(12345678901234567890n);
    expectInvalid(() => fillCanary(f, 10n ** 20n), /`index` must be an integer in \[0, 100000000000000000000\); got 100000000000000000000\./);
  });

  it('refuses indices outside [0, |R|) and non-integers', () => {
    const f = parseCanaryFormat('{d2}');
    expectInvalid(() => fillCanary(f, 100), /in \[0, 100\); got 100/);
    expectInvalid(() => fillCanary(f, -1), /got -1/);
    expectInvalid(() => fillCanary(f, 1.5), /got 1.5/);
  });

  it('refuses a secret that does not match, naming the character', () => {
    const f = parseCanaryFormat('pin {d3}!');
    expectInvalid(() => canaryIndex(f, 'pin 12x!'), /expected one of "0123456789" at character 6; got "x"/);
    expectInvalid(() => canaryIndex(f, 'pun 123!'), /expected "i" at character 1; got "u"/);
    expectInvalid(() => canaryIndex(f, 'pin 123'), /expected "!" at character 7; got the end/);
    expectInvalid(() => canaryIndex(f, 'pin 123!!'), /it has 9 characters; expected 8/);
  });

  it('refuses a random() outside [0, 1)', () => {
    expectInvalid(() => randomCanary(parseCanaryFormat('{d2}'), () => 1), /`random\(\)` must return a number in \[0, 1\); got 1\./);
  });

  it('draws each slot character uniformly (seeded χ² check on 20 000 digits)', () => {
    const f = parseCanaryFormat('x{d4}');
    const random = mulberry32(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++) for (const c of randomCanary(f, random).secret.slice(1)) counts[Number(c)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 2000) ** 2 / 2000, 0);
    expect(chi2).toBeLessThan(27.9); // χ²₉ at p = 0.001
  });

  /** A random format: parts, its escaped source, custom alphabets. */
  const formats = fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: fc.constantFrom('a', ' ', '{', '}', 'é', '😀', ':'), minLength: 1, maxLength: 4 }) }),
        fc.record({ kind: fc.constant('slot' as const), name: fc.constantFrom('d', 'a', 'hex', 'emo'), length: fc.integer({ min: 1, max: 4 }) }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .filter((parts) => parts.some((p) => p.kind === 'slot'))
    .map((parts) => ({
      parts,
      source: parts
        .map((p) => (p.kind === 'text' ? p.text.replace(/[{}]/g, (b) => b + b) : p.name.length === 1 ? `{${p.name}${p.length}}` : `{${p.name}:${p.length}}`))
        .join(''),
    }));
  const alphabets = { hex: '0123456789abcdef', emo: '😀😎' };
  const sizes: Record<string, number> = { d: 10, a: 26, hex: 16, emo: 2 };

  it('round-trips index → fillCanary → canaryIndex on random formats (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(formats, fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }), ({ parts, source }, raw) => {
        const f = parseCanaryFormat(source, { alphabets });
        let size = 1n;
        for (const p of parts) if (p.kind === 'slot') size *= BigInt(sizes[p.name]) ** BigInt(p.length);
        expect(f.spaceSize).toBe(Number(size));
        const index = raw % size;
        const secret = fillCanary(f, index);
        expect(canaryIndex(f, secret)).toBe(index);
        expect(Array.from(secret).length).toBe(f.length);
        expect(secret.startsWith(f.prefix)).toBe(true);
        const text = parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
        expect(fillCanary(f, 0).length).toBeGreaterThanOrEqual(text.length);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('randomCanary returns its own index; index 0 and |R| − 1 are all-first and all-last symbols (fast-check)', () => {
    fc.assert(
      fc.property(formats, fc.integer({ min: 0, max: 2 ** 31 - 1 }), ({ parts, source }, seed) => {
        const f = parseCanaryFormat(source, { alphabets });
        const { secret, index } = randomCanary(f, mulberry32(seed));
        expect(fillCanary(f, index)).toBe(secret);
        const fill = (pick: (alphabet: string[]) => string): string =>
          parts.map((p) => (p.kind === 'text' ? p.text : pick(Array.from(p.name === 'd' ? '0123456789' : p.name === 'a' ? 'abcdefghijklmnopqrstuvwxyz' : alphabets[p.name as 'hex' | 'emo'])).repeat(p.length))).join('');
        expect(fillCanary(f, 0n)).toBe(fill((a) => a[0]));
        let size = 1n;
        for (const p of parts) if (p.kind === 'slot') size *= BigInt(sizes[p.name]) ** BigInt(p.length);
        expect(fillCanary(f, size - 1n)).toBe(fill((a) => a[a.length - 1]));
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
