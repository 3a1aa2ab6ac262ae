import { PrivkitError, seededUniform } from '../../accountant/index.js';
import { parseCanaryFormat, randomCanary, type CanaryFormat } from './CanaryFormat.js';
import { exposureAll } from './exposure.js';
import { exposureByExtrapolation } from './exposureByExtrapolation.js';
import { extractSecret } from './extractSecret.js';
import { CharVocabulary } from './lm/CharVocabulary.js';
import { modelScorer } from './lm/modelScorer.js';
import { trainCharModel, type CharDpOptions } from './lm/trainCharModel.js';

/** Options of {@link canaryExposure}. */
export interface CanaryExposureOptions {
  /** The training corpus (e.g. a public-domain book). */
  readonly text: string;
  /** The canary format, e.g. "my pin is {d6}". */
  readonly canary: string;
  /** How many times each canary is inserted. @defaultValue [1, 4, 16, 64] */
  readonly insertions?: readonly number[];
  /** Canaries per insertion count (plus as many never inserted, the reference). @defaultValue 4 */
  readonly canariesPerCount?: number;
  /** @defaultValue 'both' */
  readonly exposure?: 'interpolation' | 'extrapolation' | 'both';
  /** Training of the character model. */
  readonly train: { readonly epochs: number; readonly batchSize?: number; readonly learningRate?: number; readonly dp?: CharDpOptions };
  /** Random candidates for extrapolation. @defaultValue 5000 */
  readonly extrapolationSamples?: number;
  /** Beam width of extraction. @defaultValue 256 */
  readonly beamWidth?: number;
  /** @defaultValue 0 */
  readonly seed?: number;
  readonly onEpoch?: (epoch: number, logs: { bitsPerCharacter: number; epsilon?: number }) => void;
  readonly onCanary?: (done: number, total: number) => void;
}

/** One canary's result. */
export interface CanaryResult {
  readonly secret: string;
  /** Times inserted (0: never — the reference). */
  readonly insertions: number;
  /** log2|R| − log2 rank (interpolation), or null when not computed. */
  readonly exposure: number | null;
  /** −log2 F(ppl) of the fitted skew-normal, or null when not computed. */
  readonly exposureExtrapolated: number | null;
  /** Quality of the skew-normal fit: Kolmogorov–Smirnov distance to the sample (≲ 1.36/√n is a good fit at 5%), or null. */
  readonly fitKs: number | null;
  /** Extraction by beam search recovered the secret as its first guess. */
  readonly extracted: boolean;
  /** Position of the secret in the final beam (1 = first), null when pruned. */
  readonly rank: number | null;
}

/** The result of {@link canaryExposure}. */
export interface CanaryExposureResult {
  readonly canaries: CanaryResult[];
  /** log2|R|: the largest possible exposure. */
  readonly maxExposure: number;
  /** ε of the training (DP only). */
  readonly epsilon?: number;
  readonly bitsPerCharacter: number;
}

/**
 * The Secret Sharer test (Carlini et al. 2019): random canaries of a format are inserted into a text
 * corpus k times each (for each k of `insertions`, `canariesPerCount` canaries; as many more are never
 * inserted, as the reference), a character language model is trained on it (non-privately or with
 * DP-SGD), and each canary's exposure is measured by interpolation (exact rank among all |R|
 * candidates), by extrapolation (skew-normal fit), and by extraction (beam search over the slots).
 * @param options - corpus, format, insertions, training, exposure method.
 * @returns one result per canary, log2|R|, and ε when trained with DP.
 * @throws PrivkitError `INVALID_ARGUMENT` for a format without a slot, insertion counts < 1, or
 *   |R| > 10⁶ with interpolation requested (use extrapolation).
 * @example
 * ```ts
 * const r = await canaryExposure({ text, canary: 'my pin is {d4}', insertions: [1, 16], train: { epochs: 5 } });
 * ```
 */
export async function canaryExposure(options: CanaryExposureOptions): Promise<CanaryExposureResult> {
  const format: CanaryFormat = parseCanaryFormat(options.canary);
  const mode = options.exposure ?? 'both';
  if (mode !== 'extrapolation' && format.spaceSize > 1e6) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `canary ${JSON.stringify(options.canary)} has |R| = ${format.spaceSize.toExponential(3)} candidates; interpolation enumerates them all (at most 1e6): use exposure 'extrapolation'.`,
    );
  }
  const insertions = options.insertions ?? [1, 4, 16, 64];
  for (const k of insertions) {
    if (!Number.isInteger(k) || k < 1) throw new PrivkitError('INVALID_ARGUMENT', `insertion counts must be integers ≥ 1; got ${k}.`);
  }
  const perCount = options.canariesPerCount ?? 4;
  const random = seededUniform(options.seed ?? 0);
  const plan: { secret: string; insertions: number }[] = [];
  const seen = new Set<string>();
  for (const k of [...insertions, 0]) {
    for (let c = 0; c < perCount; c++) {
      let secret = randomCanary(format, random).secret;
      while (seen.has(secret)) secret = randomCanary(format, random).secret;
      seen.add(secret);
      plan.push({ secret, insertions: k });
    }
  }
  // Each insertion is its own short document (a canary line), as the paper appends canaries to the corpus.
  const documents: string[] = [options.text];
  for (const p of plan) for (let i = 0; i < p.insertions; i++) documents.push(p.secret);
  const alphabets = format.parts.flatMap((part) => (part.kind === 'slot' ? [part.alphabet] : [part.text])).join('');
  const vocabulary = CharVocabulary.fromText(documents, { extraCharacters: alphabets });
  const trained = await trainCharModel({
    text: documents,
    vocabulary,
    epochs: options.train.epochs,
    batchSize: options.train.batchSize,
    learningRate: options.train.learningRate,
    seed: options.seed ?? 0,
    dp: options.train.dp,
    onEpoch: (e, logs) => options.onEpoch?.(e, logs),
  });
  try {
    const scorer = modelScorer(trained.model, trained.vocabulary, { prefix: format.prefix });
    const results: CanaryResult[] = [];
    for (const [i, p] of plan.entries()) {
      const interp = mode === 'extrapolation' ? null : await exposureAll(format, scorer, p.secret);
      const extra =
        mode === 'interpolation'
          ? null
          : await exposureByExtrapolation(format, scorer, p.secret, { samples: options.extrapolationSamples ?? 5000, seed: (options.seed ?? 0) + i });
      const extraction = await extractSecret(format, scorer, p.secret, { width: options.beamWidth ?? 256 });
      results.push({
        secret: p.secret,
        insertions: p.insertions,
        exposure: interp?.exposure ?? null,
        exposureExtrapolated: extra?.exposure ?? null,
        fitKs: extra?.ksStatistic ?? null,
        extracted: extraction.extracted,
        rank: extraction.rank,
      });
      options.onCanary?.(i + 1, plan.length);
    }
    const bits = trained.bitsPerCharacter;
    return { canaries: results, maxExposure: format.log2SpaceSize, bitsPerCharacter: bits[bits.length - 1], ...(trained.epsilon === undefined ? {} : { epsilon: trained.epsilon }) };
  } finally {
    trained.model.dispose();
  }
}
