/**
 * Flags declared once (vitest's `cli-config.ts` is the model): each command has one table, keyed by
 * the flag's camelCase name, whose entries say everything about a flag — its argument placeholder,
 * description, default and parser. Commander's options (and so `--help`), and the typed settings the
 * command reads, are both derived from that table; nothing else names a flag's default or range.
 *
 * Values are parsed on first read, not all at once, so that a command checks its flags in the order
 * its messages need (e.g. "give either --sample-rate or --batch-size" before a bad value of either).
 */
import { Option, type Command } from 'commander';
import { describeAllowed, parseNumericFlag, type NumericFlagSpec } from './parseOptions.js';
import { UsageError } from './UsageError.js';

/** What commander stores for a flag: the string typed, `true` for a switch given, or nothing. */
export type RawFlag = string | boolean | undefined;

/** The range of a numeric flag (its name comes from the table). */
export type NumericRange = Omit<NumericFlagSpec, 'flag'>;

/**
 * One flag of a command.
 * @typeParam T - the type of the setting it parses to.
 */
export interface FlagSpec<T> {
  /** The placeholder shown in `--help`, e.g. `<q>`; absent for a switch (`--json`). */
  readonly argument?: string;
  /** The `--help` description. */
  readonly description: string;
  /** The default, as it would be typed (shown by `--help` as `(default: "256")`, parsed like a given value). */
  readonly default?: string | boolean;
  /**
   * Turns the raw value into the setting.
   * @param raw - what was typed (or the default; `undefined` when neither).
   * @param flag - the flag as typed, e.g. `--delta`, for messages.
   * @throws UsageError naming `flag` for a value out of range, or a missing required flag.
   */
  readonly parse: (raw: RawFlag, flag: string) => T;
}

/** A command's flags, keyed by camelCase name (`sampleRate` is `--sample-rate`). */
export type FlagTable = Readonly<Record<string, FlagSpec<unknown>>>;

/** The typed settings a table parses to. */
export type FlagValues<T extends FlagTable> = { readonly [K in keyof T]: ReturnType<T[K]['parse']> };

/** The parsed flags of one run, read lazily (each parsed, and checked, on first read). */
export type FlagReader<T extends FlagTable> = FlagValues<T> & {
  /** Whether the flag has a value (typed, or the table's default). */
  readonly given: (key: keyof T & string) => boolean;
  /** The flag as typed, e.g. `--sample-rate` for `sampleRate`. */
  readonly flag: (key: keyof T & string) => string;
  /** The raw value (the string typed, or the default). */
  readonly raw: (key: keyof T & string) => RawFlag;
};

/**
 * The flag of a table key: `sampleRate` → `--sample-rate` (commander's own mapping, reversed).
 * @param key - the camelCase key.
 * @returns the long flag.
 * @example
 * ```ts
 * flagName('canariesPerCount'); // '--canaries-per-count'
 * ```
 */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Adds a table's flags to a command, in table order (the order `--help` lists them).
 * @param command - the commander command.
 * @param table - its flags.
 * @returns the command.
 * @example
 * ```ts
 * addFlags(program.command('epsilon'), EPSILON_FLAGS);
 * ```
 */
export function addFlags(command: Command, table: FlagTable): Command {
  for (const [key, spec] of Object.entries(table)) {
    const option = new Option(`${flagName(key)}${spec.argument === undefined ? '' : ` ${spec.argument}`}`, spec.description);
    if (option.attributeName() !== key) throw new Error(`flag table key ${key} does not match its flag ${flagName(key)}`);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
  return command;
}

/**
 * The settings of one run, from what commander parsed (`command.opts()`).
 * @param table - the command's flags.
 * @param raw - commander's option values (a flag absent from them takes the table's default).
 * @returns a reader: each key parses its flag on first read.
 * @example
 * ```ts
 * const flags = readFlags(EPSILON_FLAGS, command.opts());
 * flags.delta; // a number in (0, 1), or a UsageError
 * ```
 */
export function readFlags<T extends FlagTable>(table: T, raw: Readonly<Record<string, unknown>>): FlagReader<T> {
  const cache = new Map<string, unknown>();
  const rawOf = (key: string): RawFlag => {
    const value = raw[key] ?? table[key]?.default;
    return typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
  };
  const reader: Record<string, unknown> = {
    given: (key: string) => rawOf(key) !== undefined,
    flag: (key: string) => flagName(key),
    raw: rawOf,
  };
  for (const [key, spec] of Object.entries(table)) {
    Object.defineProperty(reader, key, {
      enumerable: true,
      get: () => {
        if (!cache.has(key)) cache.set(key, spec.parse(rawOf(key), flagName(key)));
        return cache.get(key);
      },
    });
  }
  return reader as FlagReader<T>;
}

/**
 * Parses every flag of a table at once, in table order (for tests, and commands without cross-checks).
 * @param table - the flags.
 * @param raw - commander's option values (or a test's).
 * @returns the typed settings, a plain object.
 * @example
 * ```ts
 * parseFlags(DEMO_FLAGS, { quick: true }); // { quick: true, out: 'privkit-report', … }
 * ```
 */
export function parseFlags<T extends FlagTable>(table: T, raw: Readonly<Record<string, unknown>>): FlagValues<T> {
  const reader = readFlags(table, raw) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(table).map((key) => [key, reader[key]])) as FlagValues<T>;
}

// ---- Entries ---------------------------------------------------------------------------------

interface Described {
  /** The placeholder, e.g. `<q>`. */
  readonly argument: string;
  /** The `--help` description. */
  readonly description: string;
}

function stringRaw(raw: RawFlag): string | undefined {
  return typeof raw === 'string' ? raw : undefined;
}

/**
 * A switch (`--json`, `--quick`): `false` unless given.
 * @param description - for `--help`.
 * @returns the entry.
 * @example
 * ```ts
 * const JSON_FLAG = switchFlag('print one JSON object on one line instead of text');
 * ```
 */
export function switchFlag(description: string): FlagSpec<boolean> {
  return { description, default: false, parse: (raw) => raw === true };
}

/**
 * A numeric flag that must be given: "--delta is required: a number in (0, 1)" when it is not.
 * @param range - its allowed values.
 * @param help - placeholder and description.
 * @returns the entry.
 * @example
 * ```ts
 * requiredNumber(RANGES.delta, { argument: '<δ>', description: 'target δ (required)' });
 * ```
 */
export function requiredNumber(range: NumericRange, help: Described): FlagSpec<number> {
  return {
    ...help,
    parse: (raw, flag) => {
      const value = stringRaw(raw);
      if (value === undefined) throw new UsageError(`${flag} is required: ${describeAllowed(range)}`, flag);
      return parseNumericFlag({ ...range, flag }, value);
    },
  };
}

/**
 * A numeric flag that may be absent (`undefined`), or has a default (then always a number).
 * @param range - its allowed values.
 * @param help - placeholder, description and the default as typed.
 * @returns the entry.
 * @example
 * ```ts
 * optionalNumber(RANGES.seed, { argument: '<S>', description: 'seed', default: '0' });
 * ```
 */
export function optionalNumber<D extends string | undefined = undefined>(
  range: NumericRange,
  help: Described & { readonly default?: D },
): FlagSpec<D extends string ? number : number | undefined> {
  return {
    ...help,
    parse: (raw, flag) => {
      const value = stringRaw(raw);
      return (value === undefined ? undefined : parseNumericFlag({ ...range, flag }, value)) as D extends string ? number : number | undefined;
    },
  };
}

/**
 * A string flag that must be given and non-empty: "--out is required: <what>" otherwise.
 * @param what - what it names, for the message.
 * @param help - placeholder and description.
 * @returns the entry.
 * @example
 * ```ts
 * requiredString('the output folder', { argument: '<dir>', description: 'output folder (required)' });
 * ```
 */
export function requiredString(what: string, help: Described): FlagSpec<string> {
  return {
    ...help,
    parse: (raw, flag) => {
      const value = stringRaw(raw);
      if (value === undefined || value === '') throw new UsageError(`${flag} is required: ${what}`, flag);
      return value;
    },
  };
}

/**
 * A string flag taken as typed, `undefined` when absent (or its default).
 * @param help - placeholder, description and the default.
 * @returns the entry.
 * @example
 * ```ts
 * optionalString({ argument: '<name>', description: 'the label column', default: 'label' });
 * ```
 */
export function optionalString<D extends string | undefined = undefined>(
  help: Described & { readonly default?: D },
): FlagSpec<D extends string ? string : string | undefined> {
  return { ...help, parse: (raw) => stringRaw(raw) as D extends string ? string : string | undefined };
}

/**
 * A flag with a fixed set of values: '--optimizer must be one of sgd, adam; got "x"'.
 * @param choices - the values allowed.
 * @param help - placeholder, description, the default, and how the message lists the choices
 *   (default "one of a, b, c").
 * @returns the entry.
 * @example
 * ```ts
 * choiceFlag(['sgd', 'adam'], { argument: '<name>', description: 'optimizer', default: 'sgd' });
 * ```
 */
export function choiceFlag<C extends string>(
  choices: readonly C[],
  help: Described & { readonly default: C; readonly phrase?: string },
): FlagSpec<C> {
  const { phrase, ...rest } = help;
  return {
    ...rest,
    parse: (raw, flag) => {
      const value = stringRaw(raw) ?? help.default;
      const match = choices.find((c) => c === value);
      if (match === undefined) throw new UsageError(`${flag} must be ${phrase ?? `one of ${choices.join(', ')}`}; got ${JSON.stringify(value)}`, flag);
      return match;
    },
  };
}
