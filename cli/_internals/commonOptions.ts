/**
 * Option definitions shared by the `epsilon` and `noise` commands, so both show the same flags,
 * placeholders and defaults in `--help`. Values stay raw strings: validation is done by
 * parseOptions.ts and resolveSampling.ts, which produce one-line messages.
 */
import { Option } from 'commander';
import { ACCOUNTANT_CHOICES, FLAG_SPECS, describeAllowed } from './parseOptions.js';

/** `--sample-rate <q>`. */
export const sampleRateOption = (): Option =>
  new Option('--sample-rate <q>', `Poisson sampling rate q, ${describeAllowed(FLAG_SPECS.sampleRate)} (required with --steps)`);

/** `--steps <T>`. */
export const stepsOption = (): Option =>
  new Option('--steps <T>', `number of DP-SGD steps T, ${describeAllowed(FLAG_SPECS.steps)} (required with --sample-rate)`);

/** `--batch-size <B>`. */
export const batchSizeOption = (): Option =>
  new Option('--batch-size <B>', `expected batch size B, ${describeAllowed(FLAG_SPECS.batchSize)}, ≤ N (instead of --sample-rate: q = B/N)`);

/** `--dataset-size <N>`. */
export const datasetSizeOption = (): Option =>
  new Option('--dataset-size <N>', `number of training examples N, ${describeAllowed(FLAG_SPECS.datasetSize)} (with --batch-size)`);

/** `--epochs <E>`. */
export const epochsOption = (): Option =>
  new Option('--epochs <E>', `passes over the data E, ${describeAllowed(FLAG_SPECS.epochs)} (instead of --steps: T = ⌈E·N/B⌉)`);

/** `--noise-multiplier <σ>`. */
export const noiseMultiplierOption = (): Option =>
  new Option(
    '--noise-multiplier <σ>',
    `noise multiplier σ (noise std / clipping norm), ${describeAllowed(FLAG_SPECS.noiseMultiplier)} (required)`,
  );

/** `--target-epsilon <ε>`. */
export const targetEpsilonOption = (): Option =>
  new Option('--target-epsilon <ε>', `target ε, ${describeAllowed(FLAG_SPECS.targetEpsilon)} (required)`);

/** `--delta <δ>`. */
export const deltaOption = (): Option => new Option('--delta <δ>', `target δ, ${describeAllowed(FLAG_SPECS.delta)} (required)`);

/** `--accountant <name>`, default "rdp". */
export const accountantOption = (): Option =>
  new Option('--accountant <name>', `privacy accountant: ${ACCOUNTANT_CHOICES.join(' or ')} (PLD is tighter and slower)`).default('rdp');

/** `--json`. */
export const jsonOption = (): Option => new Option('--json', 'print one JSON object on one line instead of text').default(false);

/** Help text on the two sampling forms and the exit statuses, shown after each command's options. */
export const SAMPLING_AND_EXIT_HELP = `
Give either --sample-rate and --steps, or --batch-size, --dataset-size and --epochs
(q = B/N, T = ⌈E·N/B⌉), not both.

Exit status: 0 success, 2 bad or missing flag, 3 target unreachable, 1 other failure.`;
