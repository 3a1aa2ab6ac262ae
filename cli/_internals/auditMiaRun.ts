/**
 * The run of `privkit audit mia` (loads tfjs): data, members, model, shadow runner with cache and
 * workers, the attacks, and the outputs (report.json, report.html, scores.csv), all written only once
 * everything has succeeded, together (writeFilesAtomic).
 */
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import {
  auditFromLogits,
  auditMembership,
  downsampleRoc,
  membershipMask,
  miaReportDocument,
  trainShadowModels,
  type AttackName,
  type MembershipAudit,
  type MembershipData,
} from '../../mia/index.js';
import { fileShadowRunner, readMembersFile, readScoresFile, scoresCsv } from '../../mia/node/index.js';
import { loadDataset, loadModel } from '../../src/node/index.js';
import { writeFilesAtomic } from '../../src/node/index.js';
import { renderReportHtml, stringifyReportJson } from '../../mia/index.js';
import { useBackend, type BackendChoice } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { jsonLine } from './format.js';
import { quietTfjs } from './quietTfjs.js';
import { barOutput } from './barOutput.js';
import { probeOutputs, withOutputs } from './outputTargets.js';

/** Validated settings of `privkit audit mia`. */
export interface AuditMiaSettings {
  readonly out: string;
  readonly attacks: AttackName[];
  /** Path of the members file. */
  readonly members: string;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly source:
    | { readonly scores: string }
    | {
        readonly model: string;
        readonly data: string;
        readonly labelColumn: string;
        readonly populationSize?: number;
        readonly shadowModels: number;
        readonly train: { epochs: number; batchSize: number; learningRate: number; optimizer: 'adam' | 'sgd' };
        readonly jobs: number;
        readonly cache?: string;
        readonly shard?: { index: number; count: number };
      };
}

/** What the run produced. */
export type AuditMiaResult =
  | { readonly kind: 'audit'; readonly audit: MembershipAudit; readonly summary: AuditSummaryJson; readonly wrote: string[] }
  | { readonly kind: 'shard'; readonly shard: string; readonly shadowModels: number; readonly trained: number[] };

/** The `--json` object (also the head of report.json). */
export interface AuditSummaryJson {
  readonly attacks: { name: string; auc: number; tprAtFpr: Record<string, number>; advantage: number }[];
  readonly members: number;
  readonly nonMembers: number;
  readonly shadowModels: number;
}

function population(source: Extract<AuditMiaSettings['source'], { model: string }>): { data: MembershipData; rows: number } {
  const d = source.data.startsWith('dataset:') ? loadDataset(source.data, { split: 'all', seed: 0 }) : loadDataset(source.data, { labelColumn: source.labelColumn });
  const n = d.y.length;
  const size = source.populationSize;
  if (size === undefined) return { data: d, rows: n };
  if (size > n) throw new PrivkitError('INVALID_ARGUMENT', `--population-size must be at most the ${n} rows of --data; got ${size}.`);
  const per = d.x.length / n;
  return { data: { ...d, x: d.x.slice(0, size * per), y: d.y.slice(0, size), ...(d.rows === undefined ? {} : { rows: d.rows.slice(0, size) }) }, rows: n };
}

/**
 * The population with its examples in the shape the model takes. Examples are row-major, so when a
 * model's input (all dimensions known) holds as many values per example as the data, only
 * `exampleShape` changes: a CSV's 784 feature columns become [28, 28, 1] for a CNN, an image dataset's
 * [28, 28, 1] becomes [784] for a model taking flat vectors. Anything else is left for
 * `checkModelMatchesData` to refuse, except a CSV whose column count cannot fill a multi-dimensional
 * input, refused here naming both sizes.
 * @throws PrivkitError `BAD_DATA_FILE` naming --data, its feature-column count, the model's input
 *   shape and its size.
 */
function shapedForModel(data: MembershipData, model: tf.LayersModel, dataSpec: string): MembershipData {
  if (model.inputs.length !== 1) return data;
  const takes = model.inputs[0].shape.slice(1);
  if (!takes.every((d): d is number => d !== null && d > 0)) return data;
  const have = data.exampleShape;
  if (takes.length === have.length && takes.every((d, i) => d === have[i])) return data;
  const size = takes.reduce((a, d) => a * d, 1);
  const per = have.reduce((a, d) => a * d, 1);
  if (size === per) return { ...data, exampleShape: takes };
  if (!dataSpec.startsWith('dataset:') && have.length === 1 && takes.length > 1) {
    throw new PrivkitError(
      'BAD_DATA_FILE',
      `${dataSpec}: rows have ${per} feature columns, but the model takes examples shaped [${takes.join(', ')}] (${size} values each); the columns must number exactly ${size}.`,
      { path: dataSpec },
    );
  }
  return data;
}

/**
 * The members inside the population: with `--population-size N`, a members file written for all of
 * `--data` (train's members.txt) also lists rows in [N, rows of --data); those are outside the audit
 * and dropped. Anything else (beyond the data, not an integer) stays, for membershipMask to refuse.
 */
function membersIn(members: number[], size: number, rows: number): number[] {
  return members.filter((i) => !(Number.isInteger(i) && i >= size && i < rows));
}

function shadowProgress(io: CliIo, total: number, label: string): { saved(): void; stop(): void } {
  let done = 0;
  const columns = io.stderrTerminal?.columns;
  if (columns === undefined) {
    return {
      saved: () => io.stderr(`${label}: ${++done}/${total}\n`),
      stop: () => {},
    };
  }
  const write = barOutput((s) => io.stderr(s));
  const stream = { write: (s: string) => (write(s), true), isTTY: true, columns, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } as unknown as NodeJS.WriteStream;
  const bar = new cliProgress.SingleBar({ stream, format: `${label} [{bar}] {value}/{total} | {duration_formatted}`, hideCursor: false, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return {
    saved: () => bar.update(++done),
    stop: () => bar.stop(),
  };
}

/**
 * Runs `privkit audit mia`.
 * @param settings - validated flags.
 * @param io - progress goes to stderr.
 * @returns the audit (and the files written), or what a `--shard` run trained.
 * @throws PrivkitError `IO_ERROR` naming `--out` or `--cache` when it cannot be written (checked by a
 *   probe write before any shadow is trained; report.json, report.html and scores.csv are written all
 *   or none), `BAD_DATA_FILE`, `BAD_MODEL_FILE`, `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * const result = await runAuditMia(parseAuditMiaFlags(flags), io);
 * ```
 */
export async function runAuditMia(settings: AuditMiaSettings, io: CliIo): Promise<AuditMiaResult> {
  const { source } = settings;
  const out = { flag: '--out', path: settings.out } as const;
  const cache = 'scores' in source || source.cache === undefined ? undefined : ({ flag: '--cache', path: source.cache } as const);
  const targets = cache === undefined ? [out] : [out, cache];
  // A --shard run writes only into the cache.
  probeOutputs('shard' in source && source.shard !== undefined ? targets.slice(1) : targets);
  return withOutputs(targets, () => auditRun(settings, io));
}

async function auditRun(settings: AuditMiaSettings, io: CliIo): Promise<AuditMiaResult> {
  const { source } = settings;
  let audit: MembershipAudit;
  let reportSettings: Record<string, unknown>;
  if ('scores' in source) {
    const data = readScoresFile(source.scores, { name: '--scores' });
    audit = auditFromLogits(data, membershipMask(readMembersFile(settings.members, { name: '--members' }), data.numExamples), { attacks: settings.attacks });
    reportSettings = { scores: source.scores, attacks: settings.attacks };
  } else {
    quietTfjs();
    const backend = await useBackend(settings.backend);
    const { data: rowData, rows } = population(source);
    const members = membersIn(readMembersFile(settings.members, { name: '--members' }), rowData.y.length, rows);
    membershipMask(members, rowData.y.length);
    const targetModel = await loadModel(source.model);
    let data: MembershipData;
    try {
      data = shapedForModel(rowData, targetModel, source.data);
    } catch (e) {
      targetModel.dispose();
      throw e;
    }
    const total = source.shard === undefined ? source.shadowModels : Math.ceil((source.shadowModels - source.shard.index) / source.shard.count);
    const progress = shadowProgress(io, total, 'shadow models');
    const runner = fileShadowRunner({
      cacheDir: source.cache,
      workers: source.jobs,
      backend: settings.backend === 'auto' ? backend : settings.backend,
      onShadowSaved: () => progress.saved(),
    });
    const shadow = { count: source.shadowModels, train: source.train, runner };
    try {
      if (source.shard !== undefined) {
        const trained: number[] = [];
        const spy = fileShadowRunner({
          cacheDir: source.cache,
          workers: source.jobs,
          backend: settings.backend === 'auto' ? backend : settings.backend,
          onShadowSaved: (i) => {
            trained.push(i);
            progress.saved();
          },
        });
        await trainShadowModels({ targetModel, data, shadow: { ...shadow, runner: spy }, seed: settings.seed, shard: source.shard });
        return { kind: 'shard', shard: `${source.shard.index}/${source.shard.count}`, shadowModels: source.shadowModels, trained: trained.sort((a, b) => a - b) };
      }
      audit = await auditMembership({ targetModel, data, members, attacks: settings.attacks, shadow, seed: settings.seed });
    } finally {
      progress.stop();
      targetModel.dispose();
    }
    reportSettings = {
      model: source.model,
      data: source.data,
      populationSize: data.y.length,
      attacks: settings.attacks,
      shadowModels: source.shadowModels,
      ...source.train,
      seed: settings.seed,
      backend,
      jobs: source.jobs,
      cache: source.cache ?? null,
    };
  }
  const summary = summaryJson(audit);
  const doc = miaReportDocument({
    attacks: audit.attacks.map((a) => ({
      name: a.name,
      auc: a.auc,
      tprAtFpr: a.tprAtFpr,
      advantage: a.advantage,
      roc: a.roc,
      memberScores: a.scores.filter((_, i) => audit.isMember[i] === 1),
      nonMemberScores: a.scores.filter((_, i) => audit.isMember[i] === 0),
      perClass: a.perClass,
    })),
    members: audit.members,
    nonMembers: audit.nonMembers,
    shadowModels: audit.shadowModels,
    settings: reportSettings,
  });
  const json = {
    ...summary,
    settings: reportSettings,
    details: audit.attacks.map((a) => ({ name: a.name, balancedAccuracy: a.balancedAccuracy, perClass: a.perClass, roc: thinRoc(a.roc) })),
  };
  const csv = scoresCsv(audit);
  // All three complete on disk, or (after a failed write) none of them touched.
  writeFilesAtomic(settings.out, { 'report.json': `${stringifyReportJson(json)}\n`, 'report.html': await renderReportHtml(doc), 'scores.csv': csv });
  return { kind: 'audit', audit, summary, wrote: ['report.json', 'report.html', 'scores.csv'].map((f) => join(settings.out, f)) };
}

function thinRoc(roc: MembershipAudit['attacks'][number]['roc']): { fpr: number[]; tpr: number[] } {
  const r = downsampleRoc(roc, 400);
  return { fpr: Array.from(r.fpr), tpr: Array.from(r.tpr) };
}

function summaryJson(audit: MembershipAudit): AuditSummaryJson {
  return {
    attacks: audit.attacks.map((a) => ({ name: a.name, auc: a.auc, tprAtFpr: a.tprAtFpr, advantage: a.advantage })),
    members: audit.members,
    nonMembers: audit.nonMembers,
    shadowModels: audit.shadowModels,
  };
}

/**
 * The `--json` line.
 * @param result - the run's result.
 * @returns one line of JSON.
 * @example
 * ```ts
 * io.stdout(auditJson(result));
 * ```
 */
export function auditJson(result: AuditMiaResult): string {
  if (result.kind === 'shard') return jsonLine({ shard: result.shard, shadowModels: result.shadowModels, trained: result.trained });
  return jsonLine(result.summary);
}

/**
 * The human summary: one line per attack, then the files written.
 * @param result - the run's result.
 * @returns text lines.
 * @example
 * ```ts
 * io.stdout(formatAuditReport(result, settings));
 * ```
 */
export function formatAuditReport(result: AuditMiaResult): string {
  if (result.kind === 'shard') {
    return `Shard ${result.shard}: trained ${result.trained.length} shadow models (${result.trained.join(', ') || 'none missing'}) into the cache\n`;
  }
  const s = result.summary;
  const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(2)}%`);
  const rows = s.attacks.map(
    (a) => `  ${a.name.padEnd(13)} AUC ${a.auc.toFixed(4)}  TPR@0.1%FPR ${pct(a.tprAtFpr['0.001']).padStart(7)}  TPR@1%FPR ${pct(a.tprAtFpr['0.01']).padStart(7)}  advantage ${a.advantage.toFixed(4)}`,
  );
  return (
    `Membership inference on ${s.members} members and ${s.nonMembers} non-members with ${s.shadowModels} shadow models:\n` +
    `${rows.join('\n')}\n` +
    `Wrote ${result.wrote.join(', ')}\n`
  );
}
