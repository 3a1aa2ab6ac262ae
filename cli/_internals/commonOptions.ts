/**
 * Flag entries shared by several commands' tables (flagTable.ts), so that each is declared once and
 * every command shows it with the same placeholder, description and default.
 */
import { ACCOUNTANT_CHOICES, RANGES, describeAllowed } from './parseOptions.js';
import { choiceFlag, optionalNumber, requiredNumber, switchFlag } from './flagTable.js';

/** The two sampling forms of `epsilon` and `noise`: `--sample-rate/--steps`, or `--batch-size/--dataset-size/--epochs` (see resolveSampling). */
export const SAMPLING_FLAGS = Object.freeze({
  sampleRate: optionalNumber(RANGES.sampleRate, {
    argument: '<q>',
    description: `Poisson sampling rate q, ${describeAllowed(RANGES.sampleRate)} (required with --steps)`,
  }),
  steps: optionalNumber(RANGES.steps, { argument: '<T>', description: `number of DP-SGD steps T, ${describeAllowed(RANGES.steps)} (required with --sample-rate)` }),
  batchSize: optionalNumber(RANGES.batchSize, {
    argument: '<B>',
    description: `expected batch size B, ${describeAllowed(RANGES.batchSize)}, ≤ N (instead of --sample-rate: q = B/N)`,
  }),
  datasetSize: optionalNumber(RANGES.datasetSize, {
    argument: '<N>',
    description: `number of training examples N, ${describeAllowed(RANGES.datasetSize)} (with --batch-size)`,
  }),
  epochs: optionalNumber(RANGES.epochs, {
    argument: '<E>',
    description: `passes over the data E, ${describeAllowed(RANGES.epochs)} (instead of --steps: T = ⌈E·N/B⌉)`,
  }),
});

/** `--delta <δ>`, required. */
export const DELTA_FLAG = requiredNumber(RANGES.delta, { argument: '<δ>', description: `target δ, ${describeAllowed(RANGES.delta)} (required)` });

/** `--accountant <name>`, default "rdp". */
export const ACCOUNTANT_FLAG = choiceFlag(ACCOUNTANT_CHOICES, {
  argument: '<name>',
  description: `privacy accountant: ${ACCOUNTANT_CHOICES.join(' or ')} (PLD is tighter and slower)`,
  default: 'rdp',
});

/** `--json`. */
export const JSON_FLAG = switchFlag('print one JSON object on one line instead of text');

/** Help text on the two sampling forms and the exit statuses, shown after each command's options. */
export const SAMPLING_AND_EXIT_HELP = `
Give either --sample-rate and --steps, or --batch-size, --dataset-size and --epochs
(q = B/N, T = ⌈E·N/B⌉), not both.

Exit status: 0 success, 2 bad or missing flag, 3 target unreachable, 1 other failure.`;
