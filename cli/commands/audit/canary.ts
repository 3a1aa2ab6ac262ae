/**
 * `privkit audit canary`: does a model memorise secrets it saw a few times? Canaries inserted into a
 * text corpus, a character model trained (optionally with DP-SGD), exposure and extraction measured
 * (Carlini et al. 2019). Flags are validated here before tfjs is loaded; the run is in
 * cli/_internals/auditCanaryRun.ts, imported on demand.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../CliIo.js';
import { AUDIT_BACKEND_FLAG, AUDIT_RANGES, existingFile, outputFolder } from '../../_internals/auditFlags.js';
import type { AuditCanarySettings } from '../../_internals/auditCanaryRun.js';
import { JSON_FLAG } from '../../_internals/commonOptions.js';
import { addFlags, choiceFlag, optionalNumber, readFlags, requiredNumber, requiredString, type FlagReader, type FlagSpec } from '../../_internals/flagTable.js';
import { jsonLine } from '../../_internals/format.js';
import { RANGES, checkNoiseStd, describeAllowed, parseNumericFlag } from '../../_internals/parseOptions.js';
import { UsageError } from '../../_internals/UsageError.js';

const R = AUDIT_RANGES;

/** `--insertions k,k,…`: each an integer in [1, 100000]. */
const INSERTIONS_FLAG: FlagSpec<number[]> = {
  argument: '<k,k,...>',
  description: 'how many times each canary is inserted',
  default: '1,4,16,64',
  parse: (raw, flag) => String(raw).split(',').map((k) => parseNumericFlag({ ...R.insertions, flag }, k.trim())),
};

/** The flags of `privkit audit canary`, in `--help` order: the one place each is declared. */
export const AUDIT_CANARY_FLAGS = Object.freeze({
  text: requiredString('a text file (the training corpus), or builtin:sotu (public-domain State of the Union addresses)', {
    argument: '<corpus.txt|builtin:sotu>',
    description: 'the training corpus: a text file, or builtin:sotu (public-domain U.S. State of the Union addresses) (required)',
  }),
  textLength: optionalNumber(R.textLength, { argument: '<N>', description: `use the first N characters, ${describeAllowed(R.textLength)}`, default: '60000' }),
  canary: requiredString('the canary format, e.g. "my pin is {d6}" ({dN} digits, {aN} lowercase letters)', {
    argument: '<format>',
    description: 'canary format with slots: {dN} digits, {aN} lowercase letters, e.g. "my pin is {d6}" (required)',
  }),
  insertions: INSERTIONS_FLAG,
  canariesPerCount: optionalNumber(R.canariesPerCount, {
    argument: '<n>',
    description: `canaries per insertion count (as many more are never inserted, the reference), ${describeAllowed(R.canariesPerCount)}`,
    default: '4',
  }),
  model: choiceFlag(['char-cnn'] as const, {
    argument: '<char-cnn>',
    description: 'the character model: char-cnn (Embedding → causal windows → Dense + LayerNorm → softmax; DP-SGD can clip it)',
    default: 'char-cnn',
    phrase: "char-cnn (your own text models: use the library's canaryExposure with a CandidateScorer)",
  }),
  epochs: requiredNumber(R.epochs, { argument: '<E>', description: `training epochs, ${describeAllowed(R.epochs)} (required)` }),
  batchSize: optionalNumber(R.batchSize, { argument: '<B>', description: 'examples per batch (expected batch size under DP)', default: '32' }),
  learningRate: optionalNumber(R.learningRate, { argument: '<L>', description: "Adam's learning rate", default: '0.003' }),
  noiseMultiplier: optionalNumber(RANGES.float32Positive, { argument: '<σ>', description: 'train with DP-SGD at this σ (or --target-epsilon)' }),
  targetEpsilon: optionalNumber(RANGES.targetEpsilon, { argument: '<ε>', description: 'train with DP-SGD, σ calibrated for this ε' }),
  delta: requiredNumber(RANGES.delta, { argument: '<δ>', description: 'δ of the DP training (required with DP)' }),
  maxGradNorm: optionalNumber(RANGES.float32Positive, { argument: '<C>', description: 'DP clipping norm', default: '1' }),
  exposure: choiceFlag(['interpolation', 'extrapolation', 'both'] as const, {
    argument: '<method>',
    description: 'interpolation (exact rank, |R| ≤ 10⁶), extrapolation (skew-normal fit) or both',
    default: 'both',
    phrase: 'interpolation, extrapolation or both',
  }),
  seed: optionalNumber(R.seed, { argument: '<S>', description: 'seed of the canaries, the weights, the batches and the noise', default: '0' }),
  backend: AUDIT_BACKEND_FLAG,
  out: requiredString('the folder to write report.json and report.html to', { argument: '<dir>', description: 'output folder: report.json, report.html (required)' }),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit audit canary`. */
export type AuditCanaryFlags = FlagReader<typeof AUDIT_CANARY_FLAGS>;

/**
 * Validates the flags of `privkit audit canary`.
 * @param flags - the flags, read from {@link AUDIT_CANARY_FLAGS}.
 * @returns the run's settings.
 * @throws UsageError naming the flag.
 * @example
 * ```ts
 * parseAuditCanaryFlags(readFlags(AUDIT_CANARY_FLAGS, { text: 'builtin:sotu', canary: 'my pin is {d4}', epochs: '3', out: 'c' }));
 * ```
 */
export function parseAuditCanaryFlags(flags: AuditCanaryFlags): AuditCanarySettings {
  const out = outputFolder(flags.flag('out'), flags.out);
  const text = flags.text;
  if (text !== 'builtin:sotu') existingFile(flags.flag('text'), text);
  const canary = flags.canary;
  if (!/\{[ad]:?\d+\}/.test(canary)) throw new UsageError(`${flags.flag('canary')} must contain at least one slot such as {d6} or {a4}; got ${JSON.stringify(canary)}`, flags.flag('canary'));
  const { insertions } = flags;
  void flags.model; // char-cnn is the only model: the flag is checked, not passed on
  const { exposure } = flags;
  const [sigma, target, delta] = [flags.flag('noiseMultiplier'), flags.flag('targetEpsilon'), flags.flag('delta')];
  if (flags.given('noiseMultiplier') && flags.given('targetEpsilon')) throw new UsageError(`give either ${sigma} or ${target}, not both`, sigma);
  const privateRun = flags.given('noiseMultiplier') || flags.given('targetEpsilon');
  if (!privateRun && flags.given('delta')) {
    throw new UsageError(`${delta} is the δ of DP training: give ${sigma} or ${target} with it (or drop it for a non-private run)`, delta);
  }
  const maxGradNorm = flags.maxGradNorm;
  if (flags.noiseMultiplier !== undefined) checkNoiseStd(flags.noiseMultiplier, maxGradNorm);
  const { backend } = flags;
  return {
    text,
    textLength: flags.textLength,
    canary,
    insertions,
    canariesPerCount: flags.canariesPerCount,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    ...(privateRun
      ? {
          dp: {
            ...(flags.noiseMultiplier !== undefined ? { noiseMultiplier: flags.noiseMultiplier } : { targetEpsilon: flags.targetEpsilon as number }),
            delta: flags.delta,
            maxGradNorm,
          },
        }
      : {}),
    exposure,
    seed: flags.seed,
    backend,
    out,
  };
}

/**
 * Registers `privkit audit canary`.
 * @param audit - the `audit` command.
 * @param io - output streams.
 * @returns the subcommand.
 * @example
 * ```ts
 * addAuditCanaryCommand(audit, io);
 * ```
 */
export function addAuditCanaryCommand(audit: Command, io: CliIo): Command {
  const command = audit
    .command('canary')
    .description('does my model memorise secrets it saw a few times? insert canaries into a text corpus, train a character model, measure exposure and extraction');
  return addFlags(command, AUDIT_CANARY_FLAGS)
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
    .action(async () => {
      const flags = readFlags(AUDIT_CANARY_FLAGS, command.opts());
      const settings = parseAuditCanaryFlags(flags);
      const { runAuditCanary, canaryJson } = await import('../../_internals/auditCanaryRun.js');
      const result = await runAuditCanary(settings, io);
      if (flags.json) {
        io.stdout(jsonLine(canaryJson(result)));
        return;
      }
      const lines = result.canaries.map(
        (c) =>
          `  ${c.secret.padEnd(24)} inserted ${String(c.insertions).padStart(3)}×  exposure ${c.exposure === null ? '—' : c.exposure.toFixed(2)}  extrapolated ${c.exposureExtrapolated === null ? '—' : c.exposureExtrapolated.toFixed(2)}  ${c.extracted ? 'EXTRACTED' : ''}`,
      );
      io.stdout(
        `Exposure (max log2|R| = ${result.maxExposure.toFixed(2)})${result.epsilon === undefined ? '' : `, DP-SGD ε = ${result.epsilon.toFixed(4)}`}:\n${lines.join('\n')}\nWrote ${settings.out}/report.json and report.html\n`,
      );
    });
}
