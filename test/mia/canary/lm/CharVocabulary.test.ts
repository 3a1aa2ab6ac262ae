/**
 * CharVocabulary: ids 0 (padding) and 1 (unknown) reserved, corpus and extra characters in code-point
 * order, encode/decode round trips, JSON round trip, code points (not UTF-16 units), refusals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharVocabulary } from '../../../../mia/canary/lm/CharVocabulary.js';
import { expectInvalid } from '../../../_support/errors.js';

describe('CharVocabulary', () => {
  it('reserves 0 for padding and 1 for unknown, then lists the corpus and extra characters in code-point order', () => {
    // Arrange
    const v = CharVocabulary.fromText(['banana', 'cab'], { extraCharacters: '0' });
    // Act / Assert
    expect(v.characters).toEqual(['0', 'a', 'b', 'c', 'n']);
    expect(v.size).toBe(7);
    expect(v.idOf('0')).toBe(2);
    expect(v.idOf('n')).toBe(6);
    expect(v.idOf('z')).toBe(CharVocabulary.UNKNOWN_ID);
    expect(v.charOf(CharVocabulary.PADDING_ID)).toBe('');
    expect(v.charOf(CharVocabulary.UNKNOWN_ID)).toBe('\uFFFD');
    expect(Array.from(v.encode('cabz'))).toEqual([5, 3, 4, 1]);
    expect(v.decode([0, 5, 3, 4, 1, 0])).toBe('cab\uFFFD');
  });

  it('round-trips any text over its own characters, and through JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), fc.string({ maxLength: 10 }), (text, extra) => {
        const v = CharVocabulary.fromText(text, { extraCharacters: extra });
        expect(v.decode(v.encode(text))).toBe(text);
        const copy = CharVocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
        expect(copy.characters).toEqual(v.characters);
        expect(Array.from(copy.encode(text + extra))).toEqual(Array.from(v.encode(text + extra)));
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it('treats a surrogate pair as one character', () => {
    const v = CharVocabulary.fromText('a😀b');
    expect(v.size).toBe(5);
    expect(v.encode('😀')).toHaveLength(1);
    expect(v.decode(v.encode('b😀a'))).toBe('b😀a');
  });

  it('drops characters seen fewer than minCount times, but keeps the extra characters', () => {
    const v = CharVocabulary.fromText('aaab', { minCount: 2, extraCharacters: '7' });
    expect(v.characters).toEqual(['7', 'a']);
    expect(v.idOf('b')).toBe(CharVocabulary.UNKNOWN_ID);
  });

  it('refuses bad input', () => {
    expectInvalid(() => new CharVocabulary(['ab']), /one character/);
    expectInvalid(() => new CharVocabulary(['a', 'a']), /twice/);
    expectInvalid(() => CharVocabulary.fromText('a', { minCount: 0 }), /minCount/);
    expectInvalid(() => CharVocabulary.fromJSON({ characters: ['a'] }), /Not a character vocabulary/);
    expectInvalid(() => CharVocabulary.fromText('a').charOf(3), /Character id/);
  });
});
