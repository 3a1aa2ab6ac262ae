/**
 * The membership-inference audit as a {@link ReportDocument}: headline numbers, ROC curves on log-log
 * axes, score histograms and per-class results, reported the way Carlini et al. 2022 ("Membership
 * Inference Attacks From First Principles", §III) recommend: TPR at low FPR first, AUC second.
 */
import { PrivkitError, requireArrayLike, requireOptions, requireString, show } from '../../accountant/index.js';
import type { ReportDocument, ReportSection, ReportTable } from './ReportDocument.js';
import { downsampleCurve } from './_internals/downsampleCurve.js';
import { round } from './_internals/format.js';
import { histogramChart, rocChart } from './charts.js';

/** One attack's results on one class of audited examples. */
export interface MiaClassResult {
  label: number;
  members: number;
  nonMembers: number;
  /** `null` when the class lacks members or non-members. */
  auc: number | null;
  advantage: number | null;
}

/** One attack's results, as the report reads them. */
export interface MiaAttackReport {
  /** Attack name, e.g. `'lira'`. */
  name: string;
  auc: number;
  /**
   * TPR at fixed FPRs, keyed by the FPR: `'0.001'`, `'1e-3'` and `'0.1%'` all mean 0.1 %. The summary
   * shows 0.1 %, 1 % and 10 % (blank when missing) and any further FPRs found.
   */
  tprAtFpr: Record<string, number>;
  /** Membership advantage, max over thresholds of TPR − FPR (Yeom et al. 2018). */
  advantage: number;
  /** The ROC curve; any length (it is thinned to ≤ 400 points). */
  roc: { fpr: ArrayLike<number>; tpr: ArrayLike<number> };
  /** Scores of the audited members (higher = more likely a member); binned, not stored. */
  memberScores: ArrayLike<number>;
  nonMemberScores: ArrayLike<number>;
  perClass?: MiaClassResult[];
}

/** What {@link miaReportDocument} reads: every attack's results and the audit's size and settings. */
export interface MiaReportInput {
  attacks: MiaAttackReport[];
  /** Number of audited members (training examples of the target model). */
  members: number;
  /** Number of audited non-members. */
  nonMembers: number;
  /** Number of shadow (reference) models; 0 for attacks that need none. */
  shadowModels: number;
  /** The settings that produced the results (shown in the report and kept in `settings`). */
  settings: Record<string, unknown>;
}

/** Options for {@link miaReportDocument}. */
export interface MiaReportOptions {
  /** @defaultValue 'Membership-inference audit' */
  title?: string;
  /** ISO 8601 time stamp. @defaultValue now */
  generatedAt?: string;
}

const STANDARD_FPRS = [0.001, 0.01, 0.1];
const MAX_ROC_POINTS = 400;

function invalid(message: string): PrivkitError {
  return new PrivkitError('INVALID_ARGUMENT', message);
}

/** Reads an FPR from a `tprAtFpr` key: `'0.001'`, `'1e-3'`, `'0.1%'`, `'fpr=0.001'`. */
function parseFprKey(key: string): number | undefined {
  const m = /(\d*\.?\d+(?:e[-+]?\d+)?)\s*(%?)/i.exec(key);
  if (m === null) return undefined;
  const value = Number(m[1]) / (m[2] === '%' ? 100 : 1);
  return value > 0 && value <= 1 ? value : undefined;
}

function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(a, b);
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(6))}%`;
}

/**
 * Builds the report of a membership-inference audit: a summary table (attack, AUC, TPR at 0.1 %, 1 %
 * and 10 % FPR, advantage), all ROC curves on one log-log chart, one member-vs-non-member score
 * histogram per attack, and a per-class table when attacks report per-class results. It stays small:
 * ROC curves are thinned to ≤ 400 points (log-spaced in FPR, so the low-FPR end is kept) and scores
 * are binned (40 bins) before they go into a spec. `data` holds the numbers without the scores.
 *
 * @param result - the attacks' results and the audit's size and settings.
 * @param options - see {@link MiaReportOptions}.
 * @returns the report document, ready for {@link renderReportHtml} or `writeReport`.
 * @throws PrivkitError `INVALID_ARGUMENT` when there are no attacks, `members` or `nonMembers` is
 *   not a positive integer, `shadowModels` is not a non-negative integer, a ROC curve is malformed, an
 *   attack's `auc`, `advantage` or a TPR is not a number in [0, 1], its name is not a string or its
 *   scores not arrays, `settings` is not an object, or an option is malformed.
 * @example
 * ```ts
 * const doc = miaReportDocument({ attacks, members: 500, nonMembers: 500, shadowModels: 16, settings: { epochs: 10 } });
 * await writeReport('out/audit', doc, doc.data);
 * ```
 */
export function miaReportDocument(result: MiaReportInput, options: MiaReportOptions = {}): ReportDocument {
  requireOptions('result', result);
  requireOptions('options', options);
  if (options.title !== undefined) requireString('options.title', options.title);
  if (options.generatedAt !== undefined) requireString('options.generatedAt', options.generatedAt);
  const { attacks, members, nonMembers, shadowModels } = result;
  if (!Array.isArray(attacks)) throw invalid(`\`attacks\` must be an array of attack results; got ${show(attacks)}.`);
  if (attacks.length === 0) throw invalid('`attacks` must hold at least one attack; got none.');
  attacks.forEach(checkAttackReport);
  if (result.settings === null || typeof result.settings !== 'object') throw invalid(`\`settings\` must be an object; got ${show(result.settings)}.`);
  if (!(Number.isInteger(members) && members > 0)) throw invalid(`\`members\` must be a positive integer; got ${members}.`);
  if (!(Number.isInteger(nonMembers) && nonMembers > 0)) throw invalid(`\`nonMembers\` must be a positive integer; got ${nonMembers}.`);
  if (!(Number.isInteger(shadowModels) && shadowModels >= 0)) throw invalid(`\`shadowModels\` must be a non-negative integer; got ${shadowModels}.`);

  // 1/n is the smallest non-zero rate n examples can measure; log axes start there.
  const floor = Math.min(0.1, Math.max(1e-6, 1 / Math.max(members, nonMembers)));

  const sections: ReportSection[] = [
    {
      title: 'ROC curves',
      explanation:
        'How often each attack flags a true member (true positive rate) for a given rate of falsely flagged non-members (false positive rate); '
        + 'an attack that is right about even a few members at a very low false positive rate shows that those members are exposed.',
      charts: [
        {
          title: 'ROC curves on log-log axes',
          explanation:
            `Each line is one attack, the dashed diagonal is random guessing, and the further a line lies above the diagonal at the left (rates below ${percent(floor)} are drawn at ${percent(floor)}), the more surely the attack identifies some members.`,
          spec: rocChart(attacks.map((a) => ({ name: a.name, fpr: a.roc.fpr, tpr: a.roc.tpr })), { floor, maxPoints: MAX_ROC_POINTS }),
        },
      ],
      tables: [],
    },
    {
      title: 'Score distributions',
      explanation: 'Each attack gives every audited example a score, higher meaning "more likely a member"; the less the member and non-member histograms overlap, the better the attack tells them apart.',
      charts: attacks.map((a) => ({
        title: `Scores of the ${a.name} attack`,
        explanation: 'Bars show the share of members (red) and of non-members (blue) in each score bin, so a red tail to the right of all blue bars marks members the attack exposes with confidence.',
        spec: histogramChart(a.memberScores, a.nonMemberScores, { title: a.name, xTitle: 'Attack score (higher = more likely a member)' }),
      })),
      tables: [],
    },
  ];
  const perClass = perClassTable(attacks);
  if (perClass !== undefined) {
    sections.push({
      title: 'Per-class results',
      explanation: 'The attacks\' success on the examples of each class; a class with a much higher AUC or advantage than the rest is one the model memorises more.',
      charts: [],
      tables: [perClass],
    });
  }

  return {
    title: options.title ?? 'Membership-inference audit',
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    summary: summaryTable(attacks),
    sections,
    settings: { members, nonMembers, shadowModels, ...result.settings },
    data: {
      members,
      nonMembers,
      shadowModels,
      attacks: attacks.map((a) => {
        const roc = downsampleCurve(a.roc.fpr, a.roc.tpr, MAX_ROC_POINTS, floor);
        return {
          name: a.name,
          auc: a.auc,
          tprAtFpr: { ...a.tprAtFpr },
          advantage: a.advantage,
          roc: { fpr: roc.fpr.map((x) => round(x)), tpr: roc.tpr.map((x) => round(x)) },
          ...(a.perClass === undefined ? {} : { perClass: a.perClass.map((c) => ({ ...c })) }),
        };
      }),
    },
  };
}

/** One attack's results: numbers in [0, 1] where they are rates, arrays where they are lists. */
function checkAttackReport(attack: unknown, i: number): void {
  const where = `attacks[${i}]`;
  if (attack === null || typeof attack !== 'object') throw invalid(`\`${where}\` must be an attack result { name, auc, tprAtFpr, advantage, roc, … }; got ${show(attack)}.`);
  const a = attack as Partial<Record<keyof MiaAttackReport, unknown>>;
  requireString(`${where}.name`, a.name);
  const rate = (name: string, value: unknown): void => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalid(`\`${where}.${name}\` (attack "${String(a.name)}") must be a number in [0, 1]; got ${show(value)}.`);
  };
  rate('auc', a.auc);
  rate('advantage', a.advantage);
  if (a.tprAtFpr === null || typeof a.tprAtFpr !== 'object') throw invalid(`\`${where}.tprAtFpr\` must be an object of TPRs keyed by FPR; got ${show(a.tprAtFpr)}.`);
  for (const [key, value] of Object.entries(a.tprAtFpr)) rate(`tprAtFpr[${JSON.stringify(key)}]`, value);
  const roc = a.roc as Partial<Record<'fpr' | 'tpr', unknown>> | null | undefined;
  if (roc === null || typeof roc !== 'object') throw invalid(`\`${where}.roc\` must be { fpr, tpr }; got ${show(roc)}.`);
  requireArrayLike(`${where}.roc.fpr`, roc.fpr);
  requireArrayLike(`${where}.roc.tpr`, roc.tpr);
  requireArrayLike(`${where}.memberScores`, a.memberScores);
  requireArrayLike(`${where}.nonMemberScores`, a.nonMemberScores);
  if (a.perClass !== undefined && !Array.isArray(a.perClass)) throw invalid(`\`${where}.perClass\` must be an array; got ${show(a.perClass)}.`);
}

function summaryTable(attacks: readonly MiaAttackReport[]): ReportTable {
  const fprs = [...STANDARD_FPRS];
  for (const a of attacks) {
    for (const key of Object.keys(a.tprAtFpr)) {
      const rate = parseFprKey(key);
      if (rate !== undefined && !fprs.some((f) => sameRate(f, rate))) fprs.push(rate);
    }
  }
  fprs.sort((x, y) => x - y);
  const rows = attacks.map((a) => {
    const parsed = Object.entries(a.tprAtFpr).map(([k, v]) => [parseFprKey(k), v] as const);
    const tprs = fprs.map((f) => parsed.find(([rate]) => rate !== undefined && sameRate(rate, f))?.[1] ?? null);
    return [a.name, a.auc, ...tprs, a.advantage];
  });
  return { columns: ['Attack', 'AUC', ...fprs.map((f) => `TPR @ ${percent(f)} FPR`), 'Advantage'], rows };
}

function perClassTable(attacks: readonly MiaAttackReport[]): ReportTable | undefined {
  const rows: (string | number | null)[][] = [];
  for (const a of attacks) {
    for (const c of a.perClass ?? []) rows.push([a.name, c.label, c.members, c.nonMembers, c.auc, c.advantage]);
  }
  if (rows.length === 0) return undefined;
  return { columns: ['Attack', 'Class', 'Members', 'Non-members', 'AUC', 'Advantage'], rows };
}
