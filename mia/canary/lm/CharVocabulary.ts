/**
 * The character vocabulary of a character-level language model: every character of a corpus (and of
 * the canary alphabets the experiment will insert), each with an integer id. Id 0 is padding (the
 * "before the document" symbol of the first context windows, and the ignored target of a padded
 * example), id 1 is any character the vocabulary does not know. Characters are Unicode code points
 * (`for…of` over the string), so a surrogate pair is one character.
 */
import { PrivkitError } from '../../../accountant/index.js';

/** The JSON form of a {@link CharVocabulary} (`JSON.stringify(vocabulary)`). */
export interface CharVocabularyJSON {
  readonly kind: 'privkit.charVocabulary';
  readonly version: 1;
  /** `characters[k]` has id k + 2. */
  readonly characters: readonly string[];
}

/** Options of {@link CharVocabulary.fromText}. */
export interface CharVocabularyOptions {
  /**
   * Characters to include whatever their count in the corpus: give every canary alphabet (digits,
   * letters…), so that no candidate secret contains an unknown character. @defaultValue ''
   */
  readonly extraCharacters?: string;
  /**
   * A corpus character seen fewer times becomes unknown (id 1). @defaultValue 1 (keep every character)
   */
  readonly minCount?: number;
}

/**
 * A character ↔ id table: id 0 padding, id 1 unknown, then the known characters in code-point order.
 * @example
 * ```ts
 * const vocabulary = CharVocabulary.fromText(corpus, { extraCharacters: '0123456789' });
 * const ids = vocabulary.encode('my secret is 1234'); // Int32Array
 * vocabulary.decode(ids); // 'my secret is 1234'
 * const copy = CharVocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
 * ```
 */
export class CharVocabulary {
  /** The padding id: the "before the start" symbol of context windows; a target the loss ignores. */
  static readonly PADDING_ID = 0;
  /** The id of every character outside the vocabulary. */
  static readonly UNKNOWN_ID = 1;
  /** What {@link charOf} gives for the unknown id (U+FFFD REPLACEMENT CHARACTER). */
  static readonly UNKNOWN_CHARACTER = '\uFFFD';

  /** The known characters; `characters[k]` has id k + 2. */
  readonly characters: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  /**
   * @param characters - distinct single characters (code points), in id order from id 2.
   * @throws PrivkitError `INVALID_ARGUMENT` for an entry that is not one code point, or a repeat.
   */
  constructor(characters: readonly string[]) {
    const ids = new Map<string, number>();
    characters.forEach((c, k) => {
      if (typeof c !== 'string' || [...c].length !== 1) {
        throw new PrivkitError('INVALID_ARGUMENT', `Vocabulary entry ${k} must be one character (code point); got ${JSON.stringify(c)}.`);
      }
      if (ids.has(c)) throw new PrivkitError('INVALID_ARGUMENT', `Vocabulary character ${JSON.stringify(c)} appears twice.`);
      ids.set(c, k + 2);
    });
    this.characters = Object.freeze([...characters]);
    this.ids = ids;
  }

  /**
   * The vocabulary of a corpus: its characters (seen at least `minCount` times) and `extraCharacters`,
   * in code-point order (so the same corpus always gives the same ids).
   * @param text - the corpus, one string or several documents.
   * @param options - see {@link CharVocabularyOptions}.
   * @returns the vocabulary.
   * @throws PrivkitError `INVALID_ARGUMENT` for `minCount` not an integer ≥ 1.
   */
  static fromText(text: string | readonly string[], options: CharVocabularyOptions = {}): CharVocabulary {
    const minCount = options.minCount ?? 1;
    if (!(Number.isInteger(minCount) && minCount >= 1)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`minCount\` must be an integer ≥ 1; got ${String(minCount)}.`);
    }
    const counts = new Map<string, number>();
    for (const doc of typeof text === 'string' ? [text] : text) for (const c of doc) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = new Set<string>();
    for (const [c, n] of counts) if (n >= minCount) kept.add(c);
    for (const c of options.extraCharacters ?? '') kept.add(c);
    return new CharVocabulary([...kept].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number)));
  }

  /**
   * Reads the JSON form written by `JSON.stringify(vocabulary)`.
   * @throws PrivkitError `INVALID_ARGUMENT` when `json` is not a vocabulary.
   */
  static fromJSON(json: unknown): CharVocabulary {
    const j = json as Partial<CharVocabularyJSON> | null;
    if (j === null || typeof j !== 'object' || j.kind !== 'privkit.charVocabulary' || j.version !== 1 || !Array.isArray(j.characters)) {
      throw new PrivkitError('INVALID_ARGUMENT', 'Not a character vocabulary: expected { kind: "privkit.charVocabulary", version: 1, characters: [...] }.');
    }
    return new CharVocabulary(j.characters);
  }

  /** Number of ids, padding and unknown included: the model's input and output size. */
  get size(): number {
    return this.characters.length + 2;
  }

  /** Whether `char` has its own id. */
  has(char: string): boolean {
    return this.ids.has(char);
  }

  /** The id of one character: {@link CharVocabulary.UNKNOWN_ID} when it is not in the vocabulary. */
  idOf(char: string): number {
    return this.ids.get(char) ?? CharVocabulary.UNKNOWN_ID;
  }

  /**
   * The character of an id: '' for padding, U+FFFD for unknown.
   * @throws PrivkitError `INVALID_ARGUMENT` for an id outside [0, size).
   */
  charOf(id: number): string {
    if (id === CharVocabulary.PADDING_ID) return '';
    if (id === CharVocabulary.UNKNOWN_ID) return CharVocabulary.UNKNOWN_CHARACTER;
    const c = this.characters[id - 2];
    if (!Number.isInteger(id) || c === undefined) {
      throw new PrivkitError('INVALID_ARGUMENT', `Character id must be an integer in [0, ${this.size}); got ${String(id)}.`);
    }
    return c;
  }

  /** The ids of a text's characters (unknown characters → 1). */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const c of text) out.push(this.idOf(c));
    return Int32Array.from(out);
  }

  /** The text of a list of ids (padding ids vanish, unknown ids become U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.charOf(ids[i]);
    return s;
  }

  /** The JSON form (see {@link CharVocabularyJSON}). */
  toJSON(): CharVocabularyJSON {
    return { kind: 'privkit.charVocabulary', version: 1, characters: this.characters };
  }
}
