/**
 * The run of `privkit audit canary` (loads tfjs): the Secret Sharer test on a text corpus, then
 * report.json and report.html (exposure vs insertions), both or neither, after success.
 */
import { readFileSync } from 'node:fs';
import { PrivkitError } from '../../accountant/index.js';
import { canaryExposure, type CanaryExposureResult } from '../../mia/canary/index.js';
import { publicDomainText } from '../../mia/node/index.js';
import { CHAR_MODEL_DEFAULTS } from '../../mia/canary/index.js';
import { lineChart, renderReportHtml, stringifyReportJson, type ReportDocument } from '../../mia/index.js';
import { writeFilesAtomic } from '../../src/node/index.js';
import { useBackend, type BackendChoice } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { quietTfjs } from './quietTfjs.js';
import { divergedError } from './divergedError.js';
import { probeOutputs, withOutputs } from './outputTargets.js';
import { UsageError } from './UsageError.js';

/** Validated settings of `privkit audit canary`. */
export interface AuditCanarySettings {
  /** A text file, or `builtin:sotu` (public-domain State of the Union addresses, first `textLength` characters). */
  readonly text: string;
  readonly textLength: number;
  readonly canary: string;
  readonly insertions: number[];
  readonly canariesPerCount: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly dp?: { noiseMultiplier?: number; targetEpsilon?: number; delta: number; maxGradNorm: number };
  readonly exposure: 'interpolation' | 'extrapolation' | 'both';
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly out: string;
}

function corpus(settings: AuditCanarySettings): string {
  if (settings.text === 'builtin:sotu') return publicDomainText({ maxLength: settings.textLength });
  try {
    return readFileSync(settings.text, 'utf8').slice(0, settings.textLength);
  } catch (e) {
    throw new PrivkitError('BAD_DATA_FILE', `cannot read --text ${settings.text}: ${(e as Error).message}`, { path: settings.text });
  }
}

/**
 * Runs `privkit audit canary`.
 * @param settings - validated flags.
 * @param io - progress lines go to stderr.
 * @returns the experiment's result.
 * @throws UsageError for a DP `--batch-size` above the training records, or training that diverged;
 *   PrivkitError `IO_ERROR` when `--out` cannot be written (probed first), `BAD_DATA_FILE`.
 * @example
 * ```ts
 * const result = await runAuditCanary(settings, io);
 * ```
 */
export async function runAuditCanary(settings: AuditCanarySettings, io: CliIo): Promise<CanaryExposureResult> {
  const out = { flag: '--out', path: settings.out } as const;
  probeOutputs([out]);
  const text = corpus(settings);
  if (settings.dp !== undefined) {
    // The fewest training records there can be: the corpus in records of T characters, plus one per inserted canary.
    const records = Math.ceil([...text].length / CHAR_MODEL_DEFAULTS.sequenceLength) + settings.canariesPerCount * settings.insertions.reduce((a, b) => a + b, 0);
    if (settings.batchSize > records) {
      throw new UsageError(`--batch-size must be ≤ the number of training records under DP (${records}: the text in records of ${CHAR_MODEL_DEFAULTS.sequenceLength} characters, plus the inserted canaries); got ${settings.batchSize}`, '--batch-size');
    }
  }
  quietTfjs();
  await useBackend(settings.backend);
  const result = await canaryExposure({
    text,
    canary: settings.canary,
    insertions: settings.insertions,
    canariesPerCount: settings.canariesPerCount,
    exposure: settings.exposure,
    train: { epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate, dp: settings.dp },
    seed: settings.seed,
    onEpoch: (e, logs) =>
      io.stderr(`epoch ${e + 1}/${settings.epochs}: ${logs.bitsPerCharacter.toFixed(3)} bits/char${logs.epsilon === undefined ? '' : `, ε ${logs.epsilon.toFixed(4)}`}\n`),
    onCanary: (done, total) => io.stderr(`canaries scored: ${done}/${total}\n`),
  }).catch((e: unknown) => {
    throw divergedError(e, { learningRate: settings.learningRate, maxGradNorm: settings.dp?.maxGradNorm ?? NaN, ...(settings.dp?.noiseMultiplier === undefined ? {} : { noiseMultiplier: settings.dp.noiseMultiplier }) });
  });
  const byCount = [...new Set(result.canaries.map((c) => c.insertions))].sort((a, b) => a - b);
  const mean = (k: number, f: (c: CanaryExposureResult['canaries'][number]) => number | null): number => {
    const v = result.canaries.filter((c) => c.insertions === k).map(f).filter((x): x is number => x !== null);
    return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  };
  const series = [
    ...(settings.exposure === 'extrapolation' ? [] : [{ name: 'interpolation', x: byCount, y: byCount.map((k) => mean(k, (c) => c.exposure)) }]),
    ...(settings.exposure === 'interpolation' ? [] : [{ name: 'extrapolation', x: byCount, y: byCount.map((k) => mean(k, (c) => c.exposureExtrapolated)) }]),
    { name: 'log2|R| (maximum)', x: byCount, y: byCount.map(() => result.maxExposure) },
  ];
  const doc: ReportDocument = {
    title: 'privkit audit canary: exposure of inserted secrets',
    generatedAt: new Date().toISOString(),
    summary: {
      columns: ['secret', 'insertions', 'exposure', 'exposure (extrapolated)', 'extracted', 'beam rank'],
      rows: result.canaries.map((c) => [c.secret, c.insertions, c.exposure, c.exposureExtrapolated, c.extracted ? 'yes' : 'no', c.rank]),
    },
    sections: [
      {
        title: 'Exposure vs insertions',
        explanation:
          'Exposure (Carlini et al. 2019) is log2|R| − log2 rank of the secret among all candidates by the model\'s perplexity: 0 means the model prefers it no more than a random candidate, log2|R| means it ranks first.',
        charts: [
          {
            title: 'Mean exposure by number of insertions (0 = never inserted)',
            explanation: 'A model that memorises shows exposure rising with insertions towards log2|R|; a private one stays near the never-inserted level.',
            spec: lineChart(series, { xTitle: 'insertions', yTitle: 'exposure (bits)' }),
          },
        ],
        tables: [],
      },
    ],
    settings: { ...settings, epsilon: result.epsilon ?? null, bitsPerCharacter: result.bitsPerCharacter },
  };
  const html = await renderReportHtml(doc);
  await withOutputs([out], () => writeFilesAtomic(settings.out, { 'report.json': `${stringifyReportJson({ ...canaryJson(result), settings: doc.settings })}\n`, 'report.html': html }));
  return result;
}

/**
 * The `--json` object: `{"canaries": [{"secret", "insertions", "exposure", "exposureExtrapolated", "extracted", "rank"}], "maxExposure"}`.
 * @param result - the experiment.
 * @returns the object.
 * @example
 * ```ts
 * JSON.stringify(canaryJson(result));
 * ```
 */
export function canaryJson(result: CanaryExposureResult): { canaries: CanaryExposureResult['canaries']; maxExposure: number; epsilon?: number } {
  return { canaries: result.canaries, maxExposure: result.maxExposure, ...(result.epsilon === undefined ? {} : { epsilon: result.epsilon }) };
}
