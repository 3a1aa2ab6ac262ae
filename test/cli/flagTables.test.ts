/**
 * Flags declared once: each command's option table is the only place a flag's placeholder,
 * description, default and parser are written. commander's options, the `--help` text and the typed
 * settings all come from it; no other CLI source declares an option or a default.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { AUDIT_CANARY_FLAGS } from '../../cli/commands/audit/canary.js';
import { AUDIT_DP_FLAGS } from '../../cli/commands/audit/dp.js';
import { AUDIT_MIA_FLAGS } from '../../cli/commands/audit/mia.js';
import { DEMO_FLAGS } from '../../cli/commands/demo.js';
import { EPSILON_FLAGS } from '../../cli/commands/epsilon.js';
import { NOISE_FLAGS } from '../../cli/commands/noise.js';
import { REPORT_FLAGS } from '../../cli/commands/report.js';
import { TRAIN_FLAGS } from '../../cli/commands/train.js';
import { flagName, parseFlags, readFlags, type FlagTable, type FlagValues } from '../../cli/_internals/flagTable.js';
import { UsageError } from '../../cli/_internals/UsageError.js';
import { runCli } from './runCli.js';

const TABLES: readonly [string, FlagTable][] = [
  ['epsilon', EPSILON_FLAGS],
  ['noise', NOISE_FLAGS],
  ['train', TRAIN_FLAGS],
  ['audit mia', AUDIT_MIA_FLAGS],
  ['audit dp', AUDIT_DP_FLAGS],
  ['audit canary', AUDIT_CANARY_FLAGS],
  ['demo', DEMO_FLAGS],
  ['report', REPORT_FLAGS],
];

function findCommand(path: string): Command {
  let command = buildProgram({ stdout: () => {}, stderr: () => {} });
  for (const name of path.split(' ')) {
    const sub = command.commands.find((c) => c.name() === name);
    if (sub === undefined) throw new Error(`no command ${path}`);
    command = sub;
  }
  return command;
}

describe.each(TABLES)('privkit %s: options come from its table', (path, table) => {
  const entries = Object.entries(table);

  it("commander's options are exactly the table's, in its order, with its placeholder, description and default", () => {
    const options = findCommand(path).options.filter((o) => o.long !== '--help');
    expect(options.map((o) => o.attributeName())).toEqual(entries.map(([key]) => key));
    for (const [option, [key, spec]] of options.map((o, i) => [o, entries[i]] as const)) {
      expect(option.flags).toBe(spec.argument === undefined ? flagName(key) : `${flagName(key)} ${spec.argument}`);
      expect(option.description).toBe(spec.description);
      expect(option.defaultValue).toBe(spec.default);
    }
  });

  it('--help lists every flag of the table with its default, and no flag that is not in it', async () => {
    const r = await runCli([...path.split(' '), '--help']);
    expect(r.code).toBe(0);
    // Options section only: from "Options:" to the first blank line after it.
    const section = r.stdout.slice(r.stdout.indexOf('Options:')).split('\n\n')[0].replace(/\s+/g, ' ');
    const listed = [...section.matchAll(/(?:^| )(--[a-z][a-z-]*)/g)].map((m) => m[1]).filter((f, i, all) => all.indexOf(f) === i);
    // Descriptions mention other flags ("(this or --target-epsilon)"); each listed flag is the table's or --help.
    for (const flag of listed) expect([...entries.map(([key]) => flagName(key)), '--help']).toContain(flag);
    for (const [key, spec] of entries) {
      const head = spec.argument === undefined ? flagName(key) : `${flagName(key)} ${spec.argument}`;
      expect(section).toContain(head);
      if (spec.default !== undefined) {
        const start = section.indexOf(head);
        const next = entries.map(([k]) => section.indexOf(` ${flagName(k)} `, start + head.length)).filter((i) => i > start);
        const own = section.slice(start, next.length === 0 ? undefined : Math.min(...next));
        expect(own).toContain(`(default: ${JSON.stringify(spec.default)})`);
      }
    }
  });

  it('every default parses (a default outside its own range would fail every run)', () => {
    for (const [key, spec] of entries) if (spec.default !== undefined) expect(() => spec.parse(spec.default, flagName(key))).not.toThrow();
  });
});

describe('the typed settings are derived from the tables', () => {
  it('types: a required number is a number, an optional one may be undefined, a choice is its union', () => {
    expectTypeOf<FlagValues<typeof EPSILON_FLAGS>['delta']>().toEqualTypeOf<number>();
    expectTypeOf<FlagValues<typeof EPSILON_FLAGS>['sampleRate']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FlagValues<typeof EPSILON_FLAGS>['accountant']>().toEqualTypeOf<'rdp' | 'pld'>();
    expectTypeOf<FlagValues<typeof EPSILON_FLAGS>['json']>().toEqualTypeOf<boolean>();
    expectTypeOf<FlagValues<typeof TRAIN_FLAGS>['seed']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FlagValues<typeof AUDIT_MIA_FLAGS>['shadowModels']>().toEqualTypeOf<number>();
    expectTypeOf<FlagValues<typeof AUDIT_MIA_FLAGS>['optimizer']>().toEqualTypeOf<'adam' | 'sgd'>();
    expectTypeOf<FlagValues<typeof AUDIT_CANARY_FLAGS>['insertions']>().toEqualTypeOf<number[]>();
    expectTypeOf<FlagValues<typeof DEMO_FLAGS>['out']>().toEqualTypeOf<string>();
  });

  it('values: parsed from the strings given, defaults from the table', () => {
    expect(parseFlags(EPSILON_FLAGS, { sampleRate: '0.01', noiseMultiplier: '1', steps: '1e3', delta: '1e-5' })).toEqual({
      sampleRate: 0.01,
      noiseMultiplier: 1,
      steps: 1000,
      delta: 1e-5,
      batchSize: undefined,
      datasetSize: undefined,
      epochs: undefined,
      accountant: 'rdp',
      json: false,
    });
    const mia = readFlags(AUDIT_MIA_FLAGS, {});
    expect([mia.shadowModels, mia.epochs, mia.batchSize, mia.learningRate, mia.optimizer, mia.jobs, mia.seed, mia.attack.length]).toEqual([16, 10, 128, 0.001, 'adam', 1, 0, 5]);
  });

  it('a value is parsed on first read, so a command checks its flags in the order its messages need', () => {
    const flags = readFlags(EPSILON_FLAGS, { delta: '2', noiseMultiplier: '1' });
    expect(flags.noiseMultiplier).toBe(1);
    expect(() => flags.delta).toThrow(UsageError);
    expect(() => flags.delta).toThrow('--delta must be in (0, 1); got 2');
    expect(() => readFlags(EPSILON_FLAGS, {}).delta).toThrow('--delta is required: a number in (0, 1)');
  });
});

describe('no other CLI source declares an option or a default', () => {
  const cliRoot = fileURLToPath(new URL('../../cli', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('new Option(…), .option(…) and .default(…) appear only in flagTable.ts; no hand-written Flags interfaces', () => {
    const offenders: string[] = [];
    for (const file of sources(cliRoot)) {
      if (file.endsWith(join('_internals', 'flagTable.ts'))) continue;
      const text = readFileSync(file, 'utf8');
      if (/new Option\(|\.addOption\(|\.option\(|\.requiredOption\(|\.default\(/.test(text)) offenders.push(`${file}: declares an option`);
      if (/interface \w*Flags\b/.test(text)) offenders.push(`${file}: a Flags interface`);
      if (/(?:const|let|var) \w*_DEFAULTS\b/.test(text)) offenders.push(`${file}: a DEFAULTS object`);
    }
    expect(offenders).toEqual([]);
  });
});
