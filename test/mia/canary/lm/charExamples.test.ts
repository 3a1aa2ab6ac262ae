/**
 * charExamples: each character is the target of exactly one example, with the window of the
 * `context` characters before it in its own document (padding before the start).
 */
import { describe, expect, it } from 'vitest';
import { CharVocabulary } from '../../../../mia/canary/lm/CharVocabulary.js';
import { charExamples } from '../../../../mia/canary/lm/charExamples.js';
import { expectInvalid } from '../../../_support/errors.js';

describe('charExamples', () => {
  it('cuts documents into records of T targets with the windows before them, never across documents', () => {
    // Arrange
    const v = CharVocabulary.fromText('abcdefxy');
    // Act
    const ex = charExamples(['abcdef', 'xy'], v, { context: 3, sequenceLength: 4 });
    // Assert: 'abcd' | 'ef' + padding | 'xy' + padding
    expect(ex.examples).toBe(3);
    expect(ex.characters).toBe(8);
    expect(Array.from(ex.documentStarts)).toEqual([0, 2, 3]);
    const target = (r: number): string => v.decode(ex.targets.subarray(r * 4, r * 4 + 4));
    expect([target(0), target(1), target(2)]).toEqual(['abcd', 'ef', 'xy']);
    const window = (r: number, t: number): string => v.decode(ex.windows.subarray((r * 4 + t) * 3, (r * 4 + t + 1) * 3));
    expect([0, 1, 2, 3].map((t) => window(0, t))).toEqual(['', 'a', 'ab', 'abc']);
    expect([0, 1].map((t) => window(1, t))).toEqual(['bcd', 'cde']); // the context crosses records
    expect([0, 1].map((t) => window(2, t))).toEqual(['', 'x']); // but not documents
    expect(Array.from(ex.targets.subarray(6, 8))).toEqual([0, 0]); // padding targets
  });

  it('makes every character a target exactly once', () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const v = CharVocabulary.fromText(text);
    for (const t of [1, 5, 43, 50]) {
      const ex = charExamples(text, v, { context: 4, sequenceLength: t });
      expect(v.decode(ex.targets)).toBe(text);
    }
  });

  it('refuses bad sizes and an empty corpus', () => {
    const v = CharVocabulary.fromText('ab');
    expectInvalid(() => charExamples('ab', v, { context: 0, sequenceLength: 2 }), /context/);
    expectInvalid(() => charExamples('ab', v, { context: 2, sequenceLength: 1.5 }), /sequenceLength/);
    expectInvalid(() => charExamples(['', ''], v, { context: 2, sequenceLength: 2 }), /empty/);
  });
});
