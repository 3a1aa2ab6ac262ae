/**
 * The demo's report: a {@link ReportDocument} (summary table, ε over training steps, held-out accuracy,
 * LiRA ROC curves, claimed vs measured ε, setup), written as `index.html` (self-contained: inline SVG
 * and CSS, no scripts, no network) beside `report.json`, which holds the numbers and the document
 * itself, so `privkit report <dir>` can render the page again.
 */
import { join } from 'node:path';
import { barChart, lineChart, renderReportHtml, rocChart, stringifyReportJson, type ReportDocument } from '../../mia/index.js';
import { formatDelta, writeFileAtomic } from '../../src/node/index.js';
import type { DemoModelResult, DemoResult } from './result.js';

/** The format tag of the demo's report.json. */
export const DEMO_REPORT_FORMAT = 'privkit-report/1';

/** The HTML file name of the demo's report. */
export const DEMO_REPORT_HTML = 'index.html';

const pct = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const eps = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '∞');

/**
 * The numbers of a demo run as one JSON-ready object (what `privkit demo --json` prints, and the head
 * of report.json). ε of the non-private model is Infinity (written `1e999` by stringifyJson).
 * @param result - the run.
 * @returns the summary.
 * @example
 * ```ts
 * stringifyReportJson(demoSummary(result), 0);
 * ```
 */
export function demoSummary(result: Omit<DemoResult, 'wrote'>) {
  return {
    targetEpsilon: result.targetEpsilon,
    delta: result.delta,
    members: result.members,
    nonMembers: result.nonMembers,
    canaries: result.canaries,
    shadowModels: result.shadowModels.count,
    seconds: Math.round(result.seconds.total),
    models: result.models.map((m) => ({
      name: m.name,
      heldOutAccuracy: m.heldOutAccuracy,
      claimedEpsilonRdp: m.claimedEpsilon.rdp,
      claimedEpsilonPld: m.claimedEpsilon.pld,
      measuredEpsilonLowerBound: m.oneRun.epsilonLowerBound,
      liraAuc: m.lira.auc,
      liraTprAt0_1PctFpr: m.lira.tprAtFpr['0.001'],
      liraTprAt1PctFpr: m.lira.tprAtFpr['0.01'],
      noiseMultiplier: m.noiseMultiplier,
    })),
  };
}

function summaryRow(m: DemoModelResult): string[] {
  return [
    m.name,
    pct(m.heldOutAccuracy),
    eps(m.claimedEpsilon.rdp),
    eps(m.claimedEpsilon.pld),
    eps(m.oneRun.epsilonLowerBound),
    m.lira.auc.toFixed(3),
    pct(m.lira.tprAtFpr['0.001'], 2),
    pct(m.lira.tprAtFpr['0.01'], 2),
  ];
}

/**
 * The report document of a demo run. Every cell is a string and every chart value finite, so the
 * document survives report.json unchanged and renders again byte for byte.
 * @param result - the run.
 * @param generatedAt - ISO time. @defaultValue now
 * @returns the document.
 * @example
 * ```ts
 * const html = await renderReportHtml(demoReportDocument(result));
 * ```
 */
export function demoReportDocument(result: Omit<DemoResult, 'wrote'>, generatedAt = new Date().toISOString()): ReportDocument {
  const [plain, dp] = result.models;
  const s = result.sizes;
  const dpName = dp.name;
  const floor = 1 / Math.max(2, result.nonMembers);
  return {
    title: 'privkit demo: what DP-SGD does against membership inference',
    generatedAt,
    summary: {
      columns: ['model', 'held-out accuracy', 'claimed ε (RDP)', 'claimed ε (PLD)', 'measured ε lower bound (95%)', 'LiRA AUC', 'LiRA TPR at 0.1% FPR', 'LiRA TPR at 1% FPR'],
      rows: [summaryRow(plain), summaryRow(dp)],
    },
    sections: [
      {
        title: 'What was run',
        explanation:
          `One small model (an MLP 784-${s.hiddenUnits}-10) was trained twice on the same ${result.members} ${s.dataset === 'mnist' ? 'MNIST digits' : 'Fashion-MNIST images'} ` +
          `plus ${result.canariesIncluded} of ${result.canaries} mislabelled canaries: once with plain Adam, once with DP-SGD calibrated to ε = ${result.targetEpsilon} at δ = ${formatDelta(result.delta)}. ` +
          `Both were then attacked: LiRA guesses which of ${result.members + result.nonMembers} images were training members using ${result.shadowModels.count} shadow models ` +
          `(trained once, cached, and shared by both targets), and the one-run audit turns guesses about the canaries into a lower bound on ε.`,
        charts: [],
        tables: [
          {
            columns: ['', plain.name, dpName],
            rows: [
              ['training examples', String(result.trainingSize), String(result.trainingSize)],
              ['epochs, batch size', `${s.epochs}, ${s.batchSize}`, `${s.dpEpochs}, ${s.dpBatchSize} (Poisson sampling, q = ${(s.dpBatchSize / result.trainingSize).toFixed(4)})`],
              ['optimizer', `Adam, learning rate ${s.learningRate}`, `DP-SGD around Adam, learning rate ${s.dpLearningRate}, clipping norm ${s.maxGradNorm}`],
              ['noise multiplier σ', '—', dp.noiseMultiplier === null ? '—' : dp.noiseMultiplier.toFixed(4)],
              ['steps', String(plain.steps), String(dp.steps)],
              ['training time', `${plain.trainingSeconds.toFixed(0)} s`, `${dp.trainingSeconds.toFixed(0)} s`],
            ],
          },
        ],
      },
      {
        title: 'Privacy spent during training',
        explanation:
          'DP-SGD spends privacy at every step; the accountants add it up. The RDP accountant calibrated σ so that the whole run stays within the target; the PLD accountant, which is tight, shows the same run spends a little less.',
        charts: [
          {
            title: `ε over training steps (δ = ${formatDelta(result.delta)})`,
            explanation: 'Each point is the ε the DP-SGD model had spent at the end of an epoch, by each accountant; the non-private model has no finite ε at any step.',
            spec: lineChart(
              [
                { name: 'RDP', x: [0, ...dp.epochs.map((e) => e.step)], y: [0, ...dp.epochs.map((e) => e.epsilon)] },
                { name: 'PLD', x: [0, ...dp.epochs.map((e) => e.step)], y: [0, ...dp.epochs.map((e) => e.pldEpsilon ?? NaN)] },
              ],
              { xTitle: 'training step', yTitle: 'ε', legendTitle: 'accountant' },
            ),
          },
          {
            title: 'Held-out accuracy over epochs',
            explanation: 'Accuracy on the images neither model trained on, after each epoch: the gap at the end is the price of the privacy guarantee.',
            spec: lineChart(
              [
                { name: plain.name, x: plain.epochs.map((e) => e.epoch), y: plain.epochs.map((e) => e.accuracy) },
                { name: dpName, x: dp.epochs.map((e) => e.epoch), y: dp.epochs.map((e) => e.accuracy) },
              ],
              { xTitle: 'epoch', yTitle: 'held-out accuracy', legendTitle: 'model' },
            ),
          },
        ],
        tables: [],
      },
      {
        title: 'Membership inference (LiRA)',
        explanation:
          `LiRA (Carlini et al. 2022) scores each of the ${result.members + result.nonMembers} images by how much more likely the target's confidence in its label is under the shadow models that trained on it than under those that did not; ` +
          'what matters is how many members it finds while almost never accusing a non-member (the left end of the curve).',
        charts: [
          {
            title: 'LiRA ROC curves, log-log',
            explanation:
              `A curve above the dashed diagonal finds members better than guessing, and a private model's curve should stay close to it, most of all at the low false-positive rates on the left (rates below 1/${result.nonMembers} are drawn at that floor).`,
            spec: rocChart(
              [
                { name: plain.name, fpr: plain.lira.roc.fpr, tpr: plain.lira.roc.tpr },
                { name: dpName, fpr: dp.lira.roc.fpr, tpr: dp.lira.roc.tpr },
              ],
              { floor, legendTitle: 'model' },
            ),
          },
        ],
        tables: [],
      },
      {
        title: 'Claimed vs measured ε',
        explanation:
          `The accountants prove an upper bound on ε; the one-run audit (Steinke, Nasr & Jagielski 2023) measures a lower bound at 95% confidence from ${result.canaries} mislabelled canaries, each included with probability ½, scored by the trained model's log-probability of their wrong label. ` +
          'The true ε of a run lies between the two; a measured bound above the claim would expose a broken implementation.',
        charts: [
          {
            title: 'ε: what the accountants claim and what the audit measures',
            explanation:
              "For the DP-SGD model the measured bound must stay below both claims (a bound of 0, no bar, means the canaries gave no evidence of leakage); the non-private model claims nothing (ε = ∞, no bar), and its measured bound shows what the canaries reveal when nothing protects them.",
            spec: barChart(
              [
                { label: dpName, group: 'claimed (RDP)', value: dp.claimedEpsilon.rdp },
                { label: dpName, group: 'claimed (PLD)', value: dp.claimedEpsilon.pld },
                { label: dpName, group: 'measured lower bound', value: dp.oneRun.epsilonLowerBound },
                { label: plain.name, group: 'claimed (RDP)', value: plain.claimedEpsilon.rdp },
                { label: plain.name, group: 'claimed (PLD)', value: plain.claimedEpsilon.pld },
                { label: plain.name, group: 'measured lower bound', value: plain.oneRun.epsilonLowerBound },
              ],
              { yTitle: 'ε', legendTitle: 'ε' },
            ),
          },
        ],
        tables: [
          {
            columns: ['model', 'canaries guessed', 'right', 'measured ε lower bound (95%)'],
            rows: result.models.map((m) => [m.name, String(m.oneRun.guesses), String(m.oneRun.correct), eps(m.oneRun.epsilonLowerBound)]),
          },
        ],
      },
    ],
    settings: {
      run: result.quick ? 'npm start -- --quick (privkit demo --quick)' : 'npm start (privkit demo)',
      dataset: s.dataset,
      population: result.members + result.nonMembers,
      canaries: result.canaries,
      model: `MLP 784-${s.hiddenUnits}-10`,
      'privacy target': `ε = ${result.targetEpsilon}, δ = ${formatDelta(result.delta)}`,
      'shadow models': `${result.shadowModels.count} (${result.shadowModels.trained} trained by this run, ${result.shadowModels.count - result.shadowModels.trained} reused from ${result.shadowModels.cacheDir})`,
      seed: result.seed,
      randomness: result.randomness === 'seeded' ? 'seeded: reproducible, for this demo only (train a model for release without a seed)' : 'secure (CSPRNG)',
      'total time': `${result.seconds.total.toFixed(0)} s (shadow models ${result.seconds.shadows.toFixed(0)} s)`,
    },
  };
}

/**
 * Writes `<dir>/report.json` (format tag, summary, document) and `<dir>/index.html`, each atomically,
 * after both have been built (a chart that fails to render leaves the folder as it was).
 * @param dir - the report folder (created when needed).
 * @param result - the run.
 * @returns the paths written.
 * @example
 * ```ts
 * const { html } = await writeDemoReport('privkit-report', result);
 * ```
 */
export async function writeDemoReport(dir: string, result: Omit<DemoResult, 'wrote'>): Promise<{ html: string; json: string }> {
  const document = demoReportDocument(result);
  const html = await renderReportHtml(document);
  const json = `${stringifyReportJson({ format: DEMO_REPORT_FORMAT, html: DEMO_REPORT_HTML, summary: demoSummary(result), document })}\n`;
  const paths = { html: join(dir, DEMO_REPORT_HTML), json: join(dir, 'report.json') };
  writeFileAtomic(paths.json, json);
  writeFileAtomic(paths.html, html);
  return paths;
}

/**
 * The summary table for a terminal: one row per figure, one column per model.
 * @param result - the run.
 * @returns text lines, newline-terminated.
 * @example
 * ```ts
 * process.stdout.write(formatDemoSummary(result));
 * ```
 */
export function formatDemoSummary(result: DemoResult): string {
  const [plain, dp] = result.models;
  const rows: [string, string, string][] = [
    ['held-out accuracy', pct(plain.heldOutAccuracy), pct(dp.heldOutAccuracy)],
    ['claimed ε (RDP)', eps(plain.claimedEpsilon.rdp), eps(dp.claimedEpsilon.rdp)],
    ['claimed ε (PLD)', eps(plain.claimedEpsilon.pld), eps(dp.claimedEpsilon.pld)],
    ['measured ε lower bound (95%)', eps(plain.oneRun.epsilonLowerBound), eps(dp.oneRun.epsilonLowerBound)],
    ['LiRA AUC', plain.lira.auc.toFixed(3), dp.lira.auc.toFixed(3)],
    ['LiRA TPR at 0.1% FPR', pct(plain.lira.tprAtFpr['0.001'], 2), pct(dp.lira.tprAtFpr['0.001'], 2)],
    ['LiRA TPR at 1% FPR', pct(plain.lira.tprAtFpr['0.01'], 2), pct(dp.lira.tprAtFpr['0.01'], 2)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(plain.name.length, ...rows.map((r) => r[1].length));
  const w2 = Math.max(dp.name.length, ...rows.map((r) => r[2].length));
  const line = (a: string, b: string, c: string): string => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(w2)}\n`;
  return (
    `\nprivkit demo: ${result.members} members, ${result.nonMembers} non-members, ${result.canaries} canaries; δ = ${formatDelta(result.delta)}; ${result.shadowModels.count} shadow models\n\n` +
    line('', plain.name, dp.name) +
    rows.map((r) => line(...r)).join('') +
    `\nThe DP-SGD model's measured ε lower bound ${dp.oneRun.epsilonLowerBound <= dp.claimedEpsilon.pld ? 'stays within' : 'EXCEEDS'} its claimed ε; ` +
    `LiRA finds ${pct(plain.lira.tprAtFpr['0.001'], 2)} of the non-private model's members at 0.1% FPR, ${pct(dp.lira.tprAtFpr['0.001'], 2)} of the DP-SGD model's.\n` +
    `Report: ${result.wrote.html} (and ${result.wrote.json}); ${result.seconds.total.toFixed(0)} s in all.\n`
  );
}
