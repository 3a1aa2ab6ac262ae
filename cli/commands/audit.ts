/**
 * `privkit audit mia`: membership-inference audit of a saved model (shadow models, loss / Shokri /
 * LiRA / RMIA), or of bring-your-own logits (`--scores`). Flags are validated here before tfjs is
 * loaded; the run is in cli/_internals/auditMiaRun.ts, imported on demand.
 */
import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { jsonOption } from '../_internals/commonOptions.js';
import { describeAllowed, parseNumericFlag, type NumericFlagSpec } from '../_internals/parseOptions.js';
import { UsageError } from '../_internals/UsageError.js';
import type { AuditMiaSettings } from '../_internals/auditMiaRun.js';
import type { AuditDpSettings } from '../_internals/auditDpRun.js';
import type { AuditCanarySettings } from '../_internals/auditCanaryRun.js';
import { deltaOption } from '../_internals/commonOptions.js';
import { FLAG_SPECS, checkNoiseStd, requireNumericFlag } from '../_internals/parseOptions.js';

/** The flags of `privkit audit mia`, as commander stores them (raw strings). */
export interface AuditMiaFlags {
  readonly model?: string;
  readonly data?: string;
  readonly labelColumn?: string;
  readonly members?: string;
  readonly scores?: string;
  readonly attack?: string;
  readonly shadowModels?: string;
  readonly epochs?: string;
  readonly batchSize?: string;
  readonly learningRate?: string;
  readonly optimizer?: string;
  readonly populationSize?: string;
  readonly jobs?: string;
  readonly cache?: string;
  readonly shard?: string;
  readonly seed?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly json?: boolean;
}

/** The attacks by their command-line names (kept here so that parsing flags loads no tfjs). */
export const AUDIT_ATTACKS = ['loss', 'shokri', 'lira', 'lira-offline', 'rmia'] as const;
const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** Numeric flags of `privkit audit mia` and their ranges. */
export const AUDIT_MIA_FLAG_SPECS = Object.freeze({
  shadowModels: { flag: '--shadow-models', integer: true, min: 1, max: 4096 },
  epochs: { flag: '--epochs', integer: true, min: 1, max: 100_000 },
  batchSize: { flag: '--batch-size', integer: true, min: 1, max: 1_000_000 },
  learningRate: { flag: '--learning-rate', integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
  populationSize: { flag: '--population-size', integer: true, min: 2, max: 100_000_000 },
  jobs: { flag: '--jobs', integer: true, min: 1, max: 256 },
  seed: { flag: '--seed', integer: true, min: 0, max: 2 ** 32 - 1 },
} as const satisfies Record<string, NumericFlagSpec>);

/** Defaults of the shadow recipe (Adam 1e-3, as the LiRA and RMIA papers' small models). */
export const AUDIT_MIA_DEFAULTS = Object.freeze({ shadowModels: 16, epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', jobs: 1, seed: 0 });

function requireString(raw: string | undefined, flag: string, what: string): string {
  if (raw === undefined || raw === '') throw new UsageError(`${flag} is required: ${what}`, flag);
  return raw;
}

function numeric(spec: NumericFlagSpec, raw: string | undefined, fallback: number): number {
  return raw === undefined ? fallback : parseNumericFlag(spec, raw);
}

function existingFile(raw: string, flag: string): string {
  if (!existsSync(raw)) throw new UsageError(`${flag} ${JSON.stringify(raw)} does not exist`, flag);
  return raw;
}

/**
 * Validates the flags of `privkit audit mia`.
 * @param flags - raw flags.
 * @returns the settings of the run.
 * @throws UsageError naming the flag: missing `--out`, neither or both of `--model`/`--scores`, a
 *   malformed `--attack`, `--shard` or number.
 * @example
 * ```ts
 * parseAuditMiaFlags({ model: 'runs/m', data: 'dataset:mnist', members: 'members.txt', out: 'audit' });
 * ```
 */
export function parseAuditMiaFlags(flags: AuditMiaFlags): AuditMiaSettings {
  const s = AUDIT_MIA_FLAG_SPECS;
  const out = requireString(flags.out, '--out', 'the folder to write report.json, report.html and scores.csv to');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out must be a folder; got ${JSON.stringify(out)}, which is a file`, '--out');
  const attackRaw = flags.attack ?? 'all';
  const attacks =
    attackRaw === 'all'
      ? [...AUDIT_ATTACKS]
      : attackRaw.split(',').map((a) => {
          const name = AUDIT_ATTACKS.find((n) => n === a.trim());
          if (name === undefined) throw new UsageError(`--attack must be all or a comma-separated list of ${AUDIT_ATTACKS.join(', ')}; got ${JSON.stringify(a)}`, '--attack');
          return name;
        });
  const repeated = attacks.find((a, i) => attacks.indexOf(a) !== i);
  if (repeated !== undefined) throw new UsageError(`--attack must list each attack once; got ${repeated} twice in ${JSON.stringify(attackRaw)}`, '--attack');
  const members = existingFile(requireString(flags.members, '--members', 'a text file with one 0-based row index per line (the target\'s training rows)'), '--members');
  const shadowModels = numeric(s.shadowModels, flags.shadowModels, AUDIT_MIA_DEFAULTS.shadowModels);
  let shard: { index: number; count: number } | undefined;
  if (flags.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
    const index = m === null ? NaN : Number(m[1]);
    const count = m === null ? NaN : Number(m[2]);
    // Shard i trains the shadows ≡ i (mod n): with n above the shadow count some shards would train nothing.
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count || count > shadowModels) {
      throw new UsageError(
        `--shard must be i/n with 0 ≤ i < n ≤ --shadow-models (${shadowModels}), i and n integers, e.g. 0/4; got ${JSON.stringify(flags.shard)}`,
        '--shard',
      );
    }
    shard = { index, count };
    if (flags.cache === undefined) throw new UsageError('--shard needs --cache: the shard\'s shadows go to the shared cache for a final run to use', '--shard');
  }
  if (flags.cache === '') throw new UsageError('--cache must name a folder; got an empty string', '--cache');
  const optimizer = flags.optimizer ?? AUDIT_MIA_DEFAULTS.optimizer;
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new UsageError(`--optimizer must be adam or sgd; got ${JSON.stringify(optimizer)}`, '--optimizer');
  const backend = BACKENDS.find((b) => b === (flags.backend ?? 'auto'));
  if (backend === undefined) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}; got ${JSON.stringify(flags.backend)}`, '--backend');
  const common = {
    out,
    attacks,
    members,
    seed: numeric(s.seed, flags.seed, AUDIT_MIA_DEFAULTS.seed),
    backend,
  };
  if (flags.scores !== undefined) {
    if (flags.model !== undefined) throw new UsageError('give either --model (train shadow models) or --scores (bring your own logits), not both', '--scores');
    return { ...common, source: { scores: existingFile(flags.scores, '--scores') } };
  }
  const model = existingFile(requireString(flags.model, '--model', 'the folder (or model.json) of the model to audit, or --scores'), '--model');
  const data = requireString(flags.data, '--data', 'the population: a CSV file or dataset:mnist / dataset:fashion-mnist');
  if (!data.startsWith('dataset:')) existingFile(data, '--data');
  return {
    ...common,
    source: {
      model,
      data,
      labelColumn: flags.labelColumn ?? 'label',
      populationSize: flags.populationSize === undefined ? undefined : parseNumericFlag(s.populationSize, flags.populationSize),
      shadowModels,
      train: {
        epochs: numeric(s.epochs, flags.epochs, AUDIT_MIA_DEFAULTS.epochs),
        batchSize: numeric(s.batchSize, flags.batchSize, AUDIT_MIA_DEFAULTS.batchSize),
        learningRate: numeric(s.learningRate, flags.learningRate, AUDIT_MIA_DEFAULTS.learningRate),
        optimizer,
      },
      jobs: numeric(s.jobs, flags.jobs, AUDIT_MIA_DEFAULTS.jobs),
      cache: flags.cache,
      shard,
    },
  };
}

/**
 * Registers `privkit audit` and its `mia` subcommand.
 * @param program - the root program.
 * @param io - output streams.
 * @returns the `audit` command.
 * @example
 * ```ts
 * addAuditCommand(program, io);
 * ```
 */
export function addAuditCommand(program: Command, io: CliIo): Command {
  const audit = program
    .command('audit')
    .description('audit a model: membership inference (mia), memorised secrets (canary), DP training (dp)')
    .addHelpText(
      'after',
      `
Run "privkit audit <mia|canary|dp> --help" for each audit's flags and defaults.

Example:
  $ privkit audit dp --data dataset:mnist --canaries 500 --target-epsilon 4 --delta 1e-5 --epochs 5 --out audit-dp`,
    );
  const s = AUDIT_MIA_FLAG_SPECS;
  const d = AUDIT_MIA_DEFAULTS;
  audit
    .command('mia')
    .description('membership-inference audit: shadow models, then loss / Shokri / LiRA / RMIA attacks; ROC, AUC, TPR at low FPR; report.html')
    .addOption(new Option('--model <dir>', 'the model to audit: a folder with model.json + weights (or the model.json)'))
    .addOption(new Option('--data <file.csv|dataset:NAME>', 'the population the shadows train on: a CSV file (rows in file order) or dataset:mnist / dataset:fashion-mnist (all rows, in the seed-0 order of privkit train)'))
    .addOption(new Option('--label-column <name>', 'the CSV column holding the class label').default('label'))
    .addOption(new Option('--members <file>', 'text file: one 0-based row index of --data per line, the target\'s training rows; all other rows are non-members (required)'))
    .addOption(new Option('--scores <file>', 'bring your own model: a JSON file {"labels", "target", "shadows": [{"logits", "inMask"}]} instead of --model/--data'))
    .addOption(new Option('--attack <names>', `all, or a comma-separated list of ${AUDIT_ATTACKS.join(', ')}`).default('all'))
    .addOption(new Option('--shadow-models <N>', `shadow models, ${describeAllowed(s.shadowModels)}; each row is IN for half of them`).default(String(d.shadowModels)))
    .addOption(new Option('--epochs <E>', `shadow training epochs, ${describeAllowed(s.epochs)}`).default(String(d.epochs)))
    .addOption(new Option('--batch-size <B>', `shadow training batch size, ${describeAllowed(s.batchSize)}`).default(String(d.batchSize)))
    .addOption(new Option('--learning-rate <L>', `shadow learning rate, ${describeAllowed(s.learningRate)}`).default(String(d.learningRate)))
    .addOption(new Option('--optimizer <name>', 'shadow optimizer: adam or sgd').default(d.optimizer))
    .addOption(new Option('--population-size <N>', `use only the first N rows of --data, ${describeAllowed(s.populationSize)} (default: all); members listed beyond them are left out`))
    .addOption(new Option('--jobs <N>', `worker threads training shadows at once, ${describeAllowed(s.jobs)}`).default(String(d.jobs)))
    .addOption(new Option('--cache <dir>', 'shadow-model cache: finished shadows are kept and reused (resume, other attacks, --shard)'))
    .addOption(new Option('--shard <i/n>', 'train only shadows with index ≡ i (mod n) into --cache and exit (spread shadows over machines)'))
    .addOption(new Option('--seed <S>', `seed of the shadows' halves, weights and batches, ${describeAllowed(s.seed)}`).default(String(d.seed)))
    .addOption(new Option('--backend <name>', `tfjs backend: ${BACKENDS.join(', ')}`).default('auto'))
    .addOption(new Option('--out <dir>', 'output folder: report.json, report.html, scores.csv (required)'))
    .addOption(jsonOption())
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
    .action(async (flags: AuditMiaFlags) => {
      const settings = parseAuditMiaFlags(flags);
      const { runAuditMia, auditJson, formatAuditReport } = await import('../_internals/auditMiaRun.js');
      const result = await runAuditMia(settings, io);
      io.stdout(flags.json ? auditJson(result) : formatAuditReport(result));
    });
  addAuditDpCommand(audit, io);
  addAuditCanaryCommand(audit, io);
  return audit;
}

/** The flags of `privkit audit dp` (raw strings). */
export interface AuditDpFlags {
  readonly data?: string;
  readonly labelColumn?: string;
  readonly model?: string;
  readonly canaries?: string;
  readonly canaryType?: string;
  readonly noiseMultiplier?: string;
  readonly targetEpsilon?: string;
  readonly delta?: string;
  readonly epochs?: string;
  readonly batchSize?: string;
  readonly learningRate?: string;
  readonly optimizer?: string;
  readonly maxGradNorm?: string;
  readonly seed?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly json?: boolean;
}

const DP_SPECS = Object.freeze({
  canaries: { flag: '--canaries', integer: true, min: 2, max: 1_000_000 },
  noiseMultiplier: { flag: '--noise-multiplier', integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
  maxGradNorm: { flag: '--max-grad-norm', integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
} as const satisfies Record<string, NumericFlagSpec>);

/**
 * Validates the flags of `privkit audit dp`.
 * @param flags - raw flags.
 * @returns the run's settings.
 * @throws UsageError naming the flag.
 * @example
 * ```ts
 * parseAuditDpFlags({ data: 'dataset:mnist', canaries: '1000', targetEpsilon: '4', delta: '1e-5', epochs: '5', out: 'a' });
 * ```
 */
export function parseAuditDpFlags(flags: AuditDpFlags): AuditDpSettings {
  const out = requireString(flags.out, '--out', 'the folder to write report.json and report.html to');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out must be a folder; got ${JSON.stringify(out)}, which is a file`, '--out');
  const data = requireString(flags.data, '--data', 'the training data: a CSV file or dataset:mnist / dataset:fashion-mnist');
  if (!data.startsWith('dataset:')) existingFile(data, '--data');
  const canaryType = flags.canaryType ?? 'mislabel';
  if (canaryType !== 'mislabel' && canaryType !== 'ood' && canaryType !== 'gradient') throw new UsageError(`--canary-type must be mislabel, ood or gradient; got ${JSON.stringify(canaryType)}`, '--canary-type');
  if (flags.noiseMultiplier !== undefined && flags.targetEpsilon !== undefined) throw new UsageError('give either --noise-multiplier or --target-epsilon, not both', '--noise-multiplier');
  const noise =
    flags.noiseMultiplier !== undefined
      ? { noiseMultiplier: parseNumericFlag(DP_SPECS.noiseMultiplier, flags.noiseMultiplier) }
      : flags.targetEpsilon !== undefined
        ? { targetEpsilon: parseNumericFlag(FLAG_SPECS.targetEpsilon, flags.targetEpsilon) }
        : null;
  if (noise === null) throw new UsageError('--noise-multiplier or --target-epsilon is required', '--noise-multiplier');
  const model = flags.model ?? 'mlp';
  const optimizer = flags.optimizer ?? 'sgd';
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new UsageError(`--optimizer must be adam or sgd; got ${JSON.stringify(optimizer)}`, '--optimizer');
  const backend = BACKENDS.find((b) => b === (flags.backend ?? 'auto'));
  if (backend === undefined) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}; got ${JSON.stringify(flags.backend)}`, '--backend');
  const maxGradNorm = numeric(DP_SPECS.maxGradNorm, flags.maxGradNorm, 1);
  if (noise.noiseMultiplier !== undefined) checkNoiseStd(noise.noiseMultiplier, maxGradNorm);
  return {
    data,
    labelColumn: flags.labelColumn ?? 'label',
    model: model === 'mlp' || model === 'cnn' ? { builtin: model } : { path: existingFile(model, '--model') },
    canaries: requireNumericFlag(DP_SPECS.canaries, flags.canaries),
    canaryType,
    noise,
    delta: requireNumericFlag(FLAG_SPECS.delta, flags.delta),
    epochs: requireNumericFlag(AUDIT_MIA_FLAG_SPECS.epochs, flags.epochs),
    batchSize: numeric(AUDIT_MIA_FLAG_SPECS.batchSize, flags.batchSize, 256),
    learningRate: numeric(AUDIT_MIA_FLAG_SPECS.learningRate, flags.learningRate, 0.5),
    optimizer,
    maxGradNorm,
    seed: numeric(AUDIT_MIA_FLAG_SPECS.seed, flags.seed, 0),
    backend,
    out,
  };
}

function addAuditDpCommand(audit: Command, io: CliIo): Command {
  return audit
    .command('dp')
    .description('does DP-SGD give the ε it claims? train with canaries, then the accountant\'s ε beside a measured 95% lower bound (one-run audit)')
    .addOption(new Option('--data <file.csv|dataset:NAME>', 'training data: a CSV file or dataset:mnist / dataset:fashion-mnist (its train split) (required)'))
    .addOption(new Option('--label-column <name>', 'the CSV column holding the class label').default('label'))
    .addOption(new Option('--model <mlp|cnn|path>', 'the architecture: mlp, cnn or a model.json to copy (fresh weights)').default('mlp'))
    .addOption(new Option('--canaries <m>', `canaries, ${describeAllowed(DP_SPECS.canaries)}; each is included with probability ½ (required)`))
    .addOption(new Option('--canary-type <type>', 'mislabel (training examples with a wrong label), ood (noise images, random labels), gradient (white-box Dirac gradient canaries of norm C)').default('mislabel'))
    .addOption(new Option('--noise-multiplier <σ>', `noise multiplier σ, ${describeAllowed(DP_SPECS.noiseMultiplier)} (this or --target-epsilon)`))
    .addOption(new Option('--target-epsilon <ε>', `calibrate σ for this ε, ${describeAllowed(FLAG_SPECS.targetEpsilon)}`))
    .addOption(deltaOption())
    .addOption(new Option('--epochs <E>', `epochs, ${describeAllowed(AUDIT_MIA_FLAG_SPECS.epochs)} (required)`))
    .addOption(new Option('--batch-size <B>', `expected batch size, ${describeAllowed(AUDIT_MIA_FLAG_SPECS.batchSize)}`).default('256'))
    .addOption(new Option('--learning-rate <L>', `learning rate, ${describeAllowed(AUDIT_MIA_FLAG_SPECS.learningRate)}`).default('0.5'))
    .addOption(new Option('--optimizer <name>', 'sgd or adam').default('sgd'))
    .addOption(new Option('--max-grad-norm <C>', `clipping norm, ${describeAllowed(DP_SPECS.maxGradNorm)}`).default('1'))
    .addOption(new Option('--seed <S>', `seed of canaries, inclusion, weights, batches and noise, ${describeAllowed(AUDIT_MIA_FLAG_SPECS.seed)}`).default('0'))
    .addOption(new Option('--backend <name>', `tfjs backend: ${BACKENDS.join(', ')}`).default('auto'))
    .addOption(new Option('--out <dir>', 'output folder: report.json, report.html (required)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Method: Steinke, Nasr & Jagielski 2023 ("Privacy Auditing with One (1) Training Run"): canaries are
scored by the trained model's log-probability of their canary label (gradient canaries: by the
sum of the noisy gradients on their coordinate, white box); the auditor guesses IN for the
highest and OUT for the lowest scores on a grid of guess counts (Bonferroni-corrected), and the bound
holds with 95% confidence. It is a lower bound: well below the claimed ε is normal for DP-SGD.

--json prints {"claimedEpsilon", "delta", "epsilonLowerBound", "confidence", "method", "canaries",
"guesses", "correct"}.

Example:
  $ privkit audit dp --data dataset:mnist --canaries 500 --target-epsilon 4 --delta 1e-5 \\
      --epochs 5 --out audit-dp --json`,
    )
    .action(async (flags: AuditDpFlags) => {
      const settings = parseAuditDpFlags(flags);
      const { runAuditDp } = await import('../_internals/auditDpRun.js');
      const { json } = await runAuditDp(settings, io);
      io.stdout(
        flags.json
          ? `${JSON.stringify(json)}\n`
          : `claimed ε = ${json.claimedEpsilon.toFixed(4)} (accountant), measured ε ≥ ${json.epsilonLowerBound.toFixed(4)} with ${json.confidence * 100}% confidence ` +
              `(${json.correct}/${json.guesses} correct guesses on ${json.canaries} canaries)\nWrote ${settings.out}/report.json and report.html\n`,
      );
    });
}

/** The flags of `privkit audit canary` (raw strings). */
export interface AuditCanaryFlags {
  readonly text?: string;
  readonly textLength?: string;
  readonly canary?: string;
  readonly insertions?: string;
  readonly canariesPerCount?: string;
  readonly model?: string;
  readonly epochs?: string;
  readonly batchSize?: string;
  readonly learningRate?: string;
  readonly noiseMultiplier?: string;
  readonly targetEpsilon?: string;
  readonly delta?: string;
  readonly maxGradNorm?: string;
  readonly exposure?: string;
  readonly seed?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly json?: boolean;
}

const CANARY_SPECS = Object.freeze({
  textLength: { flag: '--text-length', integer: true, min: 100, max: 100_000_000 },
  canariesPerCount: { flag: '--canaries-per-count', integer: true, min: 1, max: 1000 },
  insertion: { flag: '--insertions', integer: true, min: 1, max: 100_000 },
} as const satisfies Record<string, NumericFlagSpec>);

/**
 * Validates the flags of `privkit audit canary`.
 * @param flags - raw flags.
 * @returns the run's settings.
 * @throws UsageError naming the flag.
 * @example
 * ```ts
 * parseAuditCanaryFlags({ text: 'builtin:sotu', canary: 'my pin is {d4}', epochs: '3', out: 'c' });
 * ```
 */
export function parseAuditCanaryFlags(flags: AuditCanaryFlags): AuditCanarySettings {
  const out = requireString(flags.out, '--out', 'the folder to write report.json and report.html to');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out must be a folder; got ${JSON.stringify(out)}, which is a file`, '--out');
  const text = requireString(flags.text, '--text', 'a text file (the training corpus), or builtin:sotu (public-domain State of the Union addresses)');
  if (text !== 'builtin:sotu') existingFile(text, '--text');
  const canary = requireString(flags.canary, '--canary', 'the canary format, e.g. "my pin is {d6}" ({dN} digits, {aN} lowercase letters)');
  if (!/\{[ad]:?\d+\}/.test(canary)) throw new UsageError(`--canary must contain at least one slot such as {d6} or {a4}; got ${JSON.stringify(canary)}`, '--canary');
  const insertions = (flags.insertions ?? '1,4,16,64').split(',').map((k) => parseNumericFlag(CANARY_SPECS.insertion, k.trim()));
  if ((flags.model ?? 'char-cnn') !== 'char-cnn') {
    throw new UsageError(`--model must be char-cnn (your own text models: use the library's canaryExposure with a CandidateScorer); got ${JSON.stringify(flags.model)}`, '--model');
  }
  const exposure = flags.exposure ?? 'both';
  if (exposure !== 'interpolation' && exposure !== 'extrapolation' && exposure !== 'both') {
    throw new UsageError(`--exposure must be interpolation, extrapolation or both; got ${JSON.stringify(exposure)}`, '--exposure');
  }
  if (flags.noiseMultiplier !== undefined && flags.targetEpsilon !== undefined) throw new UsageError('give either --noise-multiplier or --target-epsilon, not both', '--noise-multiplier');
  const privateRun = flags.noiseMultiplier !== undefined || flags.targetEpsilon !== undefined;
  if (!privateRun && flags.delta !== undefined) {
    throw new UsageError('--delta is the δ of DP training: give --noise-multiplier or --target-epsilon with it (or drop it for a non-private run)', '--delta');
  }
  const canaryMaxGradNorm = numeric(DP_SPECS.maxGradNorm, flags.maxGradNorm, 1);
  if (flags.noiseMultiplier !== undefined) checkNoiseStd(parseNumericFlag(DP_SPECS.noiseMultiplier, flags.noiseMultiplier), canaryMaxGradNorm);
  const backend = BACKENDS.find((b) => b === (flags.backend ?? 'auto'));
  if (backend === undefined) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}; got ${JSON.stringify(flags.backend)}`, '--backend');
  return {
    text,
    textLength: numeric(CANARY_SPECS.textLength, flags.textLength, 60_000),
    canary,
    insertions,
    canariesPerCount: numeric(CANARY_SPECS.canariesPerCount, flags.canariesPerCount, 4),
    epochs: requireNumericFlag(AUDIT_MIA_FLAG_SPECS.epochs, flags.epochs),
    batchSize: numeric(AUDIT_MIA_FLAG_SPECS.batchSize, flags.batchSize, 32),
    learningRate: numeric(AUDIT_MIA_FLAG_SPECS.learningRate, flags.learningRate, 0.003),
    ...(privateRun
      ? {
          dp: {
            ...(flags.noiseMultiplier !== undefined
              ? { noiseMultiplier: parseNumericFlag(DP_SPECS.noiseMultiplier, flags.noiseMultiplier) }
              : { targetEpsilon: parseNumericFlag(FLAG_SPECS.targetEpsilon, flags.targetEpsilon as string) }),
            delta: requireNumericFlag(FLAG_SPECS.delta, flags.delta),
            maxGradNorm: canaryMaxGradNorm,
          },
        }
      : {}),
    exposure,
    seed: numeric(AUDIT_MIA_FLAG_SPECS.seed, flags.seed, 0),
    backend,
    out,
  };
}

function addAuditCanaryCommand(audit: Command, io: CliIo): Command {
  return audit
    .command('canary')
    .description('does my model memorise secrets it saw a few times? insert canaries into a text corpus, train a character model, measure exposure and extraction')
    .addOption(new Option('--text <corpus.txt|builtin:sotu>', 'the training corpus: a text file, or builtin:sotu (public-domain U.S. State of the Union addresses) (required)'))
    .addOption(new Option('--text-length <N>', `use the first N characters, ${describeAllowed(CANARY_SPECS.textLength)}`).default('60000'))
    .addOption(new Option('--canary <format>', 'canary format with slots: {dN} digits, {aN} lowercase letters, e.g. "my pin is {d6}" (required)'))
    .addOption(new Option('--insertions <k,k,...>', 'how many times each canary is inserted').default('1,4,16,64'))
    .addOption(new Option('--canaries-per-count <n>', `canaries per insertion count (as many more are never inserted, the reference), ${describeAllowed(CANARY_SPECS.canariesPerCount)}`).default('4'))
    .addOption(new Option('--model <char-cnn>', 'the character model: char-cnn (Embedding → causal windows → Dense + LayerNorm → softmax; DP-SGD can clip it)').default('char-cnn'))
    .addOption(new Option('--epochs <E>', `training epochs, ${describeAllowed(AUDIT_MIA_FLAG_SPECS.epochs)} (required)`))
    .addOption(new Option('--batch-size <B>', 'examples per batch (expected batch size under DP)').default('32'))
    .addOption(new Option('--learning-rate <L>', "Adam's learning rate").default('0.003'))
    .addOption(new Option('--noise-multiplier <σ>', 'train with DP-SGD at this σ (or --target-epsilon)'))
    .addOption(new Option('--target-epsilon <ε>', 'train with DP-SGD, σ calibrated for this ε'))
    .addOption(new Option('--delta <δ>', 'δ of the DP training (required with DP)'))
    .addOption(new Option('--max-grad-norm <C>', 'DP clipping norm').default('1'))
    .addOption(new Option('--exposure <method>', 'interpolation (exact rank, |R| ≤ 10⁶), extrapolation (skew-normal fit) or both').default('both'))
    .addOption(new Option('--seed <S>', 'seed of the canaries, the weights, the batches and the noise').default('0'))
    .addOption(new Option('--backend <name>', `tfjs backend: ${BACKENDS.join(', ')}`).default('auto'))
    .addOption(new Option('--out <dir>', 'output folder: report.json, report.html (required)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Method: Carlini et al. 2019, "The Secret Sharer". Exposure = log2|R| − log2 rank (interpolation,
rank 1 = the lowest log-perplexity of all |R| candidates, ties counted against the secret), or
−log2 F(ppl) of a skew-normal fitted to random candidates (extrapolation). Extraction: beam search.

--json prints {"canaries": [{"secret", "insertions", "exposure", "exposureExtrapolated", "extracted",
"rank"}], "maxExposure"} (maxExposure = log2|R|).

Example:
  $ privkit audit canary --text builtin:sotu --canary "my pin is {d4}" --insertions 1,16 \\
      --epochs 3 --out canary-audit --json`,
    )
    .action(async (flags: AuditCanaryFlags) => {
      const settings = parseAuditCanaryFlags(flags);
      const { runAuditCanary, canaryJson } = await import('../_internals/auditCanaryRun.js');
      const result = await runAuditCanary(settings, io);
      if (flags.json) {
        io.stdout(`${JSON.stringify(canaryJson(result))}\n`);
        return;
      }
      const lines = result.canaries.map(
        (c) => `  ${c.secret.padEnd(24)} inserted ${String(c.insertions).padStart(3)}×  exposure ${c.exposure === null ? '—' : c.exposure.toFixed(2)}  extrapolated ${c.exposureExtrapolated === null ? '—' : c.exposureExtrapolated.toFixed(2)}  ${c.extracted ? 'EXTRACTED' : ''}`,
      );
      io.stdout(`Exposure (max log2|R| = ${result.maxExposure.toFixed(2)})${result.epsilon === undefined ? '' : `, DP-SGD ε = ${result.epsilon.toFixed(4)}`}:\n${lines.join('\n')}\nWrote ${settings.out}/report.json and report.html\n`);
    });
}
