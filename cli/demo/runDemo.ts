/**
 * What privkit is for, in one run (`npm start`; `npm start -- --quick` for a first look; the same as
 * `privkit demo`): one small MLP trained twice on MNIST digits — non-privately and with DP-SGD at
 * ε = 3, δ = 1e-5 — then both audited: LiRA with shadow models (trained once, cached in
 * `.privkit-cache/`, shared by both targets) and the one-run canary audit. Prints a summary table and
 * writes `privkit-report/index.html` and `report.json`.
 *
 * One training run per target serves both audits: mislabelled canaries from outside the audited
 * population are added to the training set (each with probability ½, the same coins for both
 * targets); LiRA attacks the population's rows (members vs non-members), the one-run audit scores the
 * canaries. Progress goes to stderr. Ctrl-C leaves the shadow cache consistent (each shadow is saved
 * atomically; a rerun reuses those finished) and writes no report.
 *
 * Run: `privkit demo [--quick] [--out DIR] [--cache DIR]` (cli/commands/demo.ts), or `npm start`. It lives in
 * the CLI (not in examples/, which is not published) so that the installed `privkit demo` has it.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/index.js';
import { formatDelta } from '../../src/node/index.js';
import { auditMembership, auditOneRun, downsampleRoc, type MembershipAudit } from '../../mia/index.js';
import { fileShadowRunner } from '../../mia/node/index.js';
import { demoData, type DemoData } from './data.js';
import { processDemoIo, shadowProgress, trainingProgress, type DemoIo, type Stoppable } from './progress.js';
import { formatDemoSummary, writeDemoReport } from './report.js';
import type { DemoModelResult, DemoResult } from './result.js';
import { DEMO_PRIVACY, FULL_SIZES, QUICK_SIZES, type DemoSizes } from './sizes.js';
import { pldEpsilonAt, trainDpSgd, trainNonPrivate, type TrainedTarget } from './targets.js';

export type { DemoIo } from './progress.js';
export type { DemoResult, DemoModelResult } from './result.js';
export type { DemoSizes } from './sizes.js';
export { FULL_SIZES, QUICK_SIZES } from './sizes.js';
export { formatDemoSummary, demoSummary, demoReportDocument } from './report.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The small run (under 30 s on 2 cores) instead of the full one (2–4 minutes). @defaultValue false */
  readonly quick?: boolean;
  /** The report folder. @defaultValue 'privkit-report' */
  readonly out?: string;
  /** The shadow-model cache. @defaultValue '.privkit-cache' */
  readonly cacheDir?: string;
  /** Where progress goes (stderr only; `runDemo` prints nothing to stdout). @defaultValue the process's streams */
  readonly io?: DemoIo;
  /** Overrides of the preset sizes (tests run smaller still). @defaultValue none */
  readonly sizes?: Partial<DemoSizes>;
  /** Seed of members, canaries, weights, noise and shadows. @defaultValue 0 */
  readonly seed?: number;
}

/** Score of each canary: the model's log-probability of its (wrong) canary label. */
function canaryScores(model: tf.LayersModel, data: DemoData): Float64Array {
  const { x, labels } = data.canaries;
  const p = data.population;
  const scores = tf.tidy(() => {
    const probs = model.predict(tf.tensor(x, [labels.length, ...p.exampleShape])) as tf.Tensor;
    const picked = tf.sum(tf.mul(probs, tf.oneHot(tf.tensor1d(labels, 'int32'), p.numClasses)), 1);
    return tf.log(tf.maximum(picked, 1e-30));
  });
  const values = Float64Array.from(scores.dataSync());
  scores.dispose();
  return values;
}

function modelResult(name: string, target: TrainedTarget, audit: MembershipAudit, data: DemoData, pld: number[] | null): DemoModelResult {
  const lira = audit.attacks.find((a) => a.name === 'lira');
  if (lira === undefined) throw new Error('the audit has no LiRA result');
  const last = target.epochs[target.epochs.length - 1];
  const oneRun = auditOneRun({ scores: canaryScores(target.model, data), included: data.canaries.included, delta: DEMO_PRIVACY.delta });
  const roc = downsampleRoc(lira.roc, 400);
  return {
    name,
    heldOutAccuracy: last.accuracy,
    claimedEpsilon: { rdp: last.epsilon, pld: pld === null ? Infinity : pld[pld.length - 1] },
    noiseMultiplier: target.dp?.noiseMultiplier ?? null,
    oneRun: { epsilonLowerBound: oneRun.epsilonLowerBound, confidence: oneRun.confidence, canaries: oneRun.canaries, guesses: oneRun.guesses, correct: oneRun.correct },
    lira: { auc: lira.auc, tprAtFpr: lira.tprAtFpr, advantage: lira.advantage, roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) } },
    epochs: target.epochs.map((e, i) => (pld === null ? e : { ...e, pldEpsilon: pld[i] })),
    steps: target.dp?.steps ?? last.step,
    trainingSeconds: target.seconds,
  };
}

/**
 * Runs the demo: data, both trainings, shadow models, both audits, the report. Progress goes to
 * `io.stderr`; nothing is printed to stdout (print {@link formatDemoSummary} of the result).
 * @param options - quick or full, output and cache folders, io, size overrides, seed.
 * @returns the numbers of the summary table, the curves, and the files written.
 * @throws PrivkitError `INVALID_ARGUMENT` for sizes the dataset cannot provide.
 * @example
 * ```ts
 * const result = await runDemo({ quick: true, out: 'privkit-report', cacheDir: '.privkit-cache' });
 * process.stdout.write(formatDemoSummary(result));
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const start = performance.now();
  const quick = options.quick ?? false;
  const io = options.io ?? processDemoIo;
  const out = options.out ?? 'privkit-report';
  const cacheDir = options.cacheDir ?? '.privkit-cache';
  const seed = options.seed ?? 0;
  const sizes: DemoSizes = { ...(quick ? QUICK_SIZES : FULL_SIZES), ...options.sizes };

  // Ctrl-C: end the progress line cleanly, say what is kept, then let the signal do what it does.
  let display: Stoppable | null = null;
  const onInterrupt = (): void => {
    display?.stop();
    io.stderr(`\nprivkit demo: interrupted. Finished shadow models stay in ${cacheDir} (each was saved atomically) and the next run reuses them; no report was written.\n`);
    process.kill(process.pid, 'SIGINT');
  };
  process.once('SIGINT', onInterrupt);
  const disposables: tf.LayersModel[] = [];
  try {
    const backend = await useBackend('auto');
    // The data first: a missing dataset package is then the one stderr line, with no banner before it.
    const data = demoData(sizes, seed);
    io.stderr(`privkit demo${quick ? ' --quick' : ''}: ${sizes.population} ${sizes.dataset === 'mnist' ? 'MNIST digits' : 'Fashion-MNIST images'} (half of them training members), ${sizes.canaries} canaries, ${backend} backend\n`);

    io.stderr(`Training the model without privacy (${sizes.epochs} epochs):\n`);
    const plainProgress = trainingProgress(io, 'non-private', { epochs: sizes.epochs, totalSteps: sizes.epochs * Math.ceil(data.train.size / sizes.batchSize) });
    display = plainProgress;
    const plain = await trainNonPrivate(data, sizes, seed, plainProgress);
    disposables.push(plain.model);

    io.stderr(`Training the same model with DP-SGD, ε = ${DEMO_PRIVACY.targetEpsilon}, δ = ${formatDelta(DEMO_PRIVACY.delta)} (${sizes.dpEpochs} epochs):\n`);
    const dpSteps = Math.ceil(sizes.dpEpochs / Math.min(1, sizes.dpBatchSize / data.train.size));
    const dpProgress = trainingProgress(io, 'DP-SGD', { epochs: sizes.dpEpochs, totalSteps: dpSteps });
    display = dpProgress;
    const dp = await trainDpSgd(data, sizes, seed, dpProgress);
    disposables.push(dp.model);

    io.stderr(`Auditing with LiRA: ${sizes.shadowModels} shadow models (cached in ${cacheDir}, shared by both models), ${sizes.workers} worker thread${sizes.workers === 1 ? '' : 's'}:\n`);
    const shadowStart = performance.now();
    const progress = shadowProgress(io, { count: sizes.shadowModels, epochs: sizes.epochs });
    display = progress;
    let trained = 0;
    const shadow = (withProgress: boolean) => ({
      count: sizes.shadowModels,
      train: { epochs: sizes.epochs, batchSize: sizes.batchSize, learningRate: sizes.learningRate, optimizer: 'adam' as const },
      runner: fileShadowRunner({
        cacheDir,
        workers: sizes.workers,
        backend,
        ...(withProgress
          ? {
              onEpoch: (shadows: readonly number[], epoch: number) => progress.epoch(shadows, epoch),
              onShadowSaved: (index: number) => {
                trained++;
                progress.saved(index);
              },
            }
          : {}),
      }),
    });
    const audit = (model: tf.LayersModel, withProgress: boolean) =>
      auditMembership({ targetModel: model, data: data.population, members: data.members, attacks: ['lira'], shadow: shadow(withProgress), seed });
    let plainAudit: MembershipAudit;
    try {
      plainAudit = await audit(plain.model, true);
    } finally {
      progress.stop();
    }
    display = null;
    const shadowSeconds = (performance.now() - shadowStart) / 1000;
    const reused = sizes.shadowModels - trained;
    const origin = reused === 0 ? `${trained} shadow models trained and cached` : trained === 0 ? `all ${reused} shadow models came from the cache` : `${trained} shadow models trained, ${reused} came from the cache`;
    io.stderr(`LiRA: ${origin} (${shadowSeconds.toFixed(0)} s); the DP-SGD model is attacked with the same ones.\n`);
    const dpAudit = await audit(dp.model, false);

    io.stderr('One-run canary audits and the PLD accountant…\n');
    if (dp.dp === undefined) throw new Error('the DP-SGD run reported no σ');
    const pld = pldEpsilonAt(dp.dp, dp.epochs.map((e) => e.step), DEMO_PRIVACY.delta);
    const models = [modelResult('non-private', plain, plainAudit, data, null), modelResult(`DP-SGD (ε = ${DEMO_PRIVACY.targetEpsilon})`, dp, dpAudit, data, pld)] as const;
    const partial = {
      quick,
      sizes,
      seed,
      randomness: dp.dp.randomness,
      targetEpsilon: DEMO_PRIVACY.targetEpsilon,
      delta: DEMO_PRIVACY.delta,
      members: data.members.length,
      nonMembers: data.nonMembers.length,
      trainingSize: data.train.size,
      canaries: sizes.canaries,
      canariesIncluded: data.canaries.included.reduce((a, b) => a + b, 0),
      models,
      shadowModels: { count: sizes.shadowModels, trained, cacheDir },
      seconds: { total: (performance.now() - start) / 1000, shadows: shadowSeconds },
    };
    const wrote = await writeDemoReport(out, partial);
    return { ...partial, wrote };
  } finally {
    display?.stop();
    process.removeListener('SIGINT', onInterrupt);
    disposables.forEach((m) => m.dispose());
  }
}
