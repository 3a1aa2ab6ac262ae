/**
 * `privkit audit mia`: membership-inference audit of a saved model (shadow models, loss / Shokri /
 * LiRA / RMIA), or of bring-your-own logits (`--scores`). Flags are validated here before tfjs is
 * loaded; the run is in cli/_internals/auditMiaRun.ts, imported on demand.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../CliIo.js';
import { AUDIT_BACKEND_FLAG, AUDIT_RANGES, existingFile, outputFolder } from '../../_internals/auditFlags.js';
import type { AuditMiaSettings } from '../../_internals/auditMiaRun.js';
import { JSON_FLAG } from '../../_internals/commonOptions.js';
import { addFlags, choiceFlag, optionalNumber, optionalString, readFlags, requiredString, type FlagReader, type FlagSpec } from '../../_internals/flagTable.js';
import { describeAllowed } from '../../_internals/parseOptions.js';
import { UsageError } from '../../_internals/UsageError.js';

/** The attacks by their command-line names (kept here so that parsing flags loads no tfjs). */
export const AUDIT_ATTACKS = ['loss', 'shokri', 'lira', 'lira-offline', 'rmia'] as const;

/** `--attack all|a,b,…`: each attack at most once. */
const ATTACK_FLAG: FlagSpec<AuditMiaSettings['attacks']> = {
  argument: '<names>',
  description: `all, or a comma-separated list of ${AUDIT_ATTACKS.join(', ')}`,
  default: 'all',
  parse: (raw, flag) => {
    const text = typeof raw === 'string' ? raw : 'all';
    if (text === 'all') return [...AUDIT_ATTACKS];
    const attacks = text.split(',').map((a) => {
      const name = AUDIT_ATTACKS.find((n) => n === a.trim());
      if (name === undefined) throw new UsageError(`${flag} must be all or a comma-separated list of ${AUDIT_ATTACKS.join(', ')}; got ${JSON.stringify(a)}`, flag);
      return name;
    });
    const repeated = attacks.find((a, i) => attacks.indexOf(a) !== i);
    if (repeated !== undefined) throw new UsageError(`${flag} must list each attack once; got ${repeated} twice in ${JSON.stringify(text)}`, flag);
    return attacks;
  },
};

const R = AUDIT_RANGES;

/**
 * The flags of `privkit audit mia`, in `--help` order: the one place each is declared. The shadow
 * recipe's defaults (Adam 1e-3) are those of the LiRA and RMIA papers' small models.
 */
export const AUDIT_MIA_FLAGS = Object.freeze({
  model: optionalString({ argument: '<dir>', description: 'the model to audit: a folder with model.json + weights (or the model.json)' }),
  data: optionalString({
    argument: '<file.csv|dataset:NAME>',
    description: 'the population the shadows train on: a CSV file (rows in file order) or dataset:mnist / dataset:fashion-mnist (all rows, in the seed-0 order of privkit train)',
  }),
  labelColumn: optionalString({ argument: '<name>', description: 'the CSV column holding the class label', default: 'label' }),
  members: requiredString("a text file with one 0-based row index per line (the target's training rows)", {
    argument: '<file>',
    description: "text file: one 0-based row index of --data per line, the target's training rows; all other rows are non-members (required)",
  }),
  scores: optionalString({
    argument: '<file>',
    description: 'bring your own model: a JSON file {"labels", "target", "shadows": [{"logits", "inMask"}]} instead of --model/--data',
  }),
  attack: ATTACK_FLAG,
  shadowModels: optionalNumber(R.shadowModels, { argument: '<N>', description: `shadow models, ${describeAllowed(R.shadowModels)}; each row is IN for half of them`, default: '16' }),
  epochs: optionalNumber(R.epochs, { argument: '<E>', description: `shadow training epochs, ${describeAllowed(R.epochs)}`, default: '10' }),
  batchSize: optionalNumber(R.batchSize, { argument: '<B>', description: `shadow training batch size, ${describeAllowed(R.batchSize)}`, default: '128' }),
  learningRate: optionalNumber(R.learningRate, { argument: '<L>', description: `shadow learning rate, ${describeAllowed(R.learningRate)}`, default: '0.001' }),
  optimizer: choiceFlag(['adam', 'sgd'] as const, { argument: '<name>', description: 'shadow optimizer: adam or sgd', default: 'adam', phrase: 'adam or sgd' }),
  populationSize: optionalNumber(R.populationSize, {
    argument: '<N>',
    description: `use only the first N rows of --data, ${describeAllowed(R.populationSize)} (default: all); members listed beyond them are left out`,
  }),
  jobs: optionalNumber(R.jobs, { argument: '<N>', description: `worker threads training shadows at once, ${describeAllowed(R.jobs)}`, default: '1' }),
  cache: optionalString({ argument: '<dir>', description: 'shadow-model cache: finished shadows are kept and reused (resume, other attacks, --shard)' }),
  shard: optionalString({ argument: '<i/n>', description: 'train only shadows with index ≡ i (mod n) into --cache and exit (spread shadows over machines)' }),
  seed: optionalNumber(R.seed, { argument: '<S>', description: `seed of the shadows' halves, weights and batches, ${describeAllowed(R.seed)}`, default: '0' }),
  backend: AUDIT_BACKEND_FLAG,
  out: requiredString('the folder to write report.json, report.html and scores.csv to', {
    argument: '<dir>',
    description: 'output folder: report.json, report.html, scores.csv (required)',
  }),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit audit mia`. */
export type AuditMiaFlags = FlagReader<typeof AUDIT_MIA_FLAGS>;

/** `--shard i/n`, with 0 ≤ i < n ≤ the shadow count. */
function parseShard(flags: AuditMiaFlags, shadowModels: number): { index: number; count: number } | undefined {
  const raw = flags.shard;
  if (raw === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  // Shard i trains the shadows ≡ i (mod n): with n above the shadow count some shards would train nothing.
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count || count > shadowModels) {
    throw new UsageError(
      `${flags.flag('shard')} must be i/n with 0 ≤ i < n ≤ ${flags.flag('shadowModels')} (${shadowModels}), i and n integers, e.g. 0/4; got ${JSON.stringify(raw)}`,
      flags.flag('shard'),
    );
  }
  if (flags.cache === undefined) throw new UsageError(`${flags.flag('shard')} needs ${flags.flag('cache')}: the shard's shadows go to the shared cache for a final run to use`, flags.flag('shard'));
  return { index, count };
}

/**
 * Validates the flags of `privkit audit mia`.
 * @param flags - the flags, read from {@link AUDIT_MIA_FLAGS}.
 * @returns the settings of the run.
 * @throws UsageError naming the flag: missing `--out`, neither or both of `--model`/`--scores`, a
 *   malformed `--attack`, `--shard` or number.
 * @example
 * ```ts
 * parseAuditMiaFlags(readFlags(AUDIT_MIA_FLAGS, { model: 'runs/m', data: 'dataset:mnist', members: 'members.txt', out: 'audit' }));
 * ```
 */
export function parseAuditMiaFlags(flags: AuditMiaFlags): AuditMiaSettings {
  const out = outputFolder(flags.flag('out'), flags.out);
  const attacks = flags.attack;
  const members = existingFile(flags.flag('members'), flags.members);
  const shadowModels = flags.shadowModels;
  const shard = parseShard(flags, shadowModels);
  if (flags.cache === '') throw new UsageError(`${flags.flag('cache')} must name a folder; got an empty string`, flags.flag('cache'));
  const { optimizer, backend, seed } = flags;
  const common = { out, attacks, members, seed, backend };
  if (flags.scores !== undefined) {
    if (flags.model !== undefined) {
      throw new UsageError(`give either ${flags.flag('model')} (train shadow models) or ${flags.flag('scores')} (bring your own logits), not both`, flags.flag('scores'));
    }
    return { ...common, source: { scores: existingFile(flags.flag('scores'), flags.scores) } };
  }
  if (flags.model === undefined || flags.model === '') {
    throw new UsageError(`${flags.flag('model')} is required: the folder (or model.json) of the model to audit, or ${flags.flag('scores')}`, flags.flag('model'));
  }
  const model = existingFile(flags.flag('model'), flags.model);
  const data = flags.data;
  if (data === undefined || data === '') {
    throw new UsageError(`${flags.flag('data')} is required: the population: a CSV file or dataset:mnist / dataset:fashion-mnist`, flags.flag('data'));
  }
  if (!data.startsWith('dataset:')) existingFile(flags.flag('data'), data);
  return {
    ...common,
    source: {
      model,
      data,
      labelColumn: flags.labelColumn,
      populationSize: flags.populationSize,
      shadowModels,
      train: { epochs: flags.epochs, batchSize: flags.batchSize, learningRate: flags.learningRate, optimizer },
      jobs: flags.jobs,
      cache: flags.cache,
      shard,
    },
  };
}

/**
 * Registers `privkit audit mia`.
 * @param audit - the `audit` command.
 * @param io - output streams.
 * @returns the subcommand.
 * @example
 * ```ts
 * addAuditMiaCommand(audit, io);
 * ```
 */
export function addAuditMiaCommand(audit: Command, io: CliIo): Command {
  const command = audit
    .command('mia')
    .description('membership-inference audit: shadow models, then loss / Shokri / LiRA / RMIA attacks; ROC, AUC, TPR at low FPR; report.html');
  return addFlags(command, AUDIT_MIA_FLAGS)
    .addHelpText(
      'after',
      `
Shadows: the model's architecture (its model.json topology, fresh weights), trained with the recipe
above on random halves of --data, each row IN for exactly half of the shadows (LiRA's design).
Dense architectures train several shadows in one computation; --jobs adds worker threads.

Attacks: loss (Yeom 2018), shokri (Shokri 2017), lira / lira-offline (Carlini 2022), rmia
(Zarifzadeh 2024). TPR at FPR x: the best TPR of a threshold whose FPR ≤ x (no interpolation).

--json prints {"attacks": [{"name", "auc", "tprAtFpr": {"0.001", "0.01", "0.1"}, "advantage"}],
"members", "nonMembers", "shadowModels"}; report.json holds the same and more.

Many machines: run "privkit audit mia ... --cache shared/ --shard i/n" for i = 0…n−1 (e.g. a
Kubernetes Indexed Job, a Slurm array or GNU parallel), then once without --shard to attack.

Example:
  $ privkit audit mia --model runs/mnist --data dataset:mnist --members runs/mnist/members.txt \\
      --attack lira,loss --shadow-models 16 --jobs 2 --cache .privkit-cache --out audit --json
(runs/mnist as "privkit train --help" writes it: its members.txt lists the 8,000 training rows.)`,
    )
    .action(async () => {
      const flags = readFlags(AUDIT_MIA_FLAGS, command.opts());
      const settings = parseAuditMiaFlags(flags);
      const { runAuditMia, auditJson, formatAuditReport } = await import('../../_internals/auditMiaRun.js');
      const result = await runAuditMia(settings, io);
      io.stdout(flags.json ? auditJson(result) : formatAuditReport(result));
    });
}
