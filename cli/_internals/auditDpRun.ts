/**
 * The run of `privkit audit dp` (loads tfjs): trains the chosen model with DP-SGD on `--data` plus
 * canaries each included with probability ½, then sets the accountant's ε beside the one-run audit's
 * measured lower bound. Writes report.json and report.html (both or neither, after success).
 */
import { auditDpTraining, barChart, renderReportHtml, stringifyReportJson, type CanaryType, type DpTrainingAudit, type ReportDocument } from '../../mia/index.js';
import { loadDataset, loadModel } from '../../src/node/index.js';
import { writeFilesAtomic } from '../../src/node/index.js';
import { useBackend, type BackendChoice } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { quietTfjs } from './quietTfjs.js';
import { divergedError } from './divergedError.js';
import { probeOutputs, withOutputs } from './outputTargets.js';
import { buildModel, checkModelFitsData, type BuiltinModel } from './trainModels.js';
import { UsageError } from './UsageError.js';

/** Validated settings of `privkit audit dp`. */
export interface AuditDpSettings {
  readonly data: string;
  readonly labelColumn: string;
  readonly model: { builtin: BuiltinModel } | { path: string };
  readonly canaries: number;
  readonly canaryType: CanaryType;
  readonly noise: { noiseMultiplier: number } | { targetEpsilon: number };
  readonly delta: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: 'sgd' | 'adam';
  readonly maxGradNorm: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly out: string;
}

/** The `--json` object. */
export interface AuditDpJson {
  readonly claimedEpsilon: number;
  readonly delta: number;
  readonly epsilonLowerBound: number;
  readonly confidence: number;
  readonly method: 'one-run';
  readonly canaries: number;
  readonly guesses: number;
  readonly correct: number;
}

/**
 * Runs `privkit audit dp`.
 * @param settings - validated flags.
 * @param io - progress (one line per epoch) goes to stderr.
 * @returns the audit and its JSON summary.
 * @throws UsageError for more mislabel `--canaries` than half the rows, a `--batch-size` above the
 *   training examples (the rows of `--data`, less the mislabel canaries drawn from them) or training
 *   that diverged; PrivkitError `IO_ERROR` when
 *   `--out` cannot be written (probed before training), `BAD_DATA_FILE`, `BAD_MODEL_FILE`.
 * @example
 * ```ts
 * const { json } = await runAuditDp(settings, io);
 * ```
 */
export async function runAuditDp(settings: AuditDpSettings, io: CliIo): Promise<{ audit: DpTrainingAudit; json: AuditDpJson }> {
  const out = { flag: '--out', path: settings.out } as const;
  probeOutputs([out]);
  const data = settings.data.startsWith('dataset:')
    ? loadDataset(settings.data, { split: 'train', seed: 0 })
    : loadDataset(settings.data, { labelColumn: settings.labelColumn });
  // Mislabel canaries are rows of --data taken out of the training pool (at most half of them); the others join it.
  const maxMislabel = Math.floor(data.y.length / 2);
  if (settings.canaryType === 'mislabel' && settings.canaries > maxMislabel) {
    throw new UsageError(`--canaries must be an integer in [2, ${maxMislabel}] for mislabel canaries (at most half the ${data.y.length} rows of ${settings.data}); got ${settings.canaries}`, '--canaries');
  }
  const fewest = settings.canaryType === 'mislabel' ? data.y.length - settings.canaries : data.y.length;
  if (settings.batchSize > fewest) {
    const what = settings.canaryType === 'mislabel' ? `${data.y.length} rows of ${settings.data} less ${settings.canaries} mislabel canaries` : `${data.y.length} rows of ${settings.data}`;
    throw new UsageError(`--batch-size must be ≤ the number of training examples (${fewest}: ${what}); got ${settings.batchSize}`, '--batch-size');
  }
  quietTfjs();
  await useBackend(settings.backend);
  const path = 'path' in settings.model ? settings.model.path : null;
  const template = path === null ? null : await loadModel(path);
  if (template !== null && path !== null) checkModelFitsData(template, path, data.exampleShape, data.numClasses);
  const topology = template?.toJSON(null, false);
  template?.dispose();
  const { buildShadowModel } = await import('../../mia/index.js');
  let fresh: () => Promise<import('@tensorflow/tfjs').LayersModel>;
  if ('builtin' in settings.model) {
    const kind = settings.model.builtin;
    fresh = async () => buildModel(kind, { exampleShape: data.exampleShape, numClasses: data.numClasses, seed: settings.seed });
  } else {
    fresh = async () => buildShadowModel(topology as object, settings.seed);
  }
  const model = await fresh();
  const audit = await auditDpTraining({
    model: () => model,
    data,
    canaries: settings.canaries,
    canaryType: settings.canaryType,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    optimizer: settings.optimizer,
    maxGradNorm: settings.maxGradNorm,
    ...settings.noise,
    delta: settings.delta,
    seed: settings.seed,
    onEpoch: (e, logs) => io.stderr(`epoch ${e + 1}/${settings.epochs}: loss ${logs.loss.toFixed(4)}, ε ${logs.epsilon.toFixed(4)}\n`),
  }).catch((e: unknown) => {
    throw divergedError(e, { learningRate: settings.learningRate, maxGradNorm: settings.maxGradNorm, ...('noiseMultiplier' in settings.noise ? { noiseMultiplier: settings.noise.noiseMultiplier } : {}) });
  });
  const json: AuditDpJson = {
    claimedEpsilon: audit.claimedEpsilon,
    delta: audit.delta,
    epsilonLowerBound: audit.epsilonLowerBound,
    confidence: audit.confidence,
    method: 'one-run',
    canaries: audit.canaries,
    guesses: audit.guesses,
    correct: audit.correct,
  };
  const doc: ReportDocument = {
    title: 'privkit audit dp: claimed vs measured ε',
    generatedAt: new Date().toISOString(),
    summary: {
      columns: ['claimed ε (accountant)', 'measured ε lower bound', 'confidence', 'canaries', 'guesses', 'correct'],
      rows: [[audit.claimedEpsilon, audit.epsilonLowerBound, audit.confidence, audit.canaries, audit.guesses, audit.correct]],
    },
    sections: [
      {
        title: 'Claimed vs measured ε',
        explanation:
          'The accountant proves an upper bound on ε; the one-run audit (Steinke, Nasr & Jagielski 2023) measures a lower bound from canaries each included with probability ½ — the true ε of this training lies between them.',
        charts: [
          {
            title: 'ε: accountant upper bound and audit lower bound',
            explanation: 'A measured bound above the claimed one would mean the implementation leaks more than it claims.',
            spec: barChart(
              [
                { label: 'claimed (accountant)', value: audit.claimedEpsilon },
                { label: `measured (${Math.round(audit.confidence * 100)}% lower bound)`, value: audit.epsilonLowerBound },
              ],
              { yTitle: 'ε' },
            ),
          },
        ],
        tables: [],
      },
    ],
    settings: {
      ...settings,
      model: 'builtin' in settings.model ? settings.model.builtin : settings.model.path,
      noiseMultiplier: audit.noiseMultiplier,
      // 'seeded': the audit is a reproducible experiment (its DP-SGD run is not one to release).
      randomness: audit.randomness,
    },
  };
  const report = { ...json, settings: doc.settings, kPlus: audit.kPlus, kMinus: audit.kMinus, noiseMultiplier: audit.noiseMultiplier, randomness: audit.randomness };
  const html = await renderReportHtml(doc);
  await withOutputs([out], () => writeFilesAtomic(settings.out, { 'report.json': `${stringifyReportJson(report)}\n`, 'report.html': html }));
  return { audit, json };
}
