import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../accountant/index.js';
import type { AttackData, AttackName } from './attacks/AttackData.js';
import { ATTACK_NAMES } from './attacks/attackNames.js';
import { minShadowModels } from './attacks/minShadowModels.js';
import { runAttack, type AttackOptionsMap } from './attacks/runAttack.js';
import { summarizeAttack, type AttackSummary } from './metrics/summarizeAttack.js';
import { outputKind, queryLogits } from './shadow/queryLogits.js';
import { shadowInMasks } from './shadow/shadowInMasks.js';
import { shadowSeed } from './shadow/shadowBatches.js';
import { memoryShadowStore, type ShadowStore } from './shadow/ShadowStore.js';
import type { MembershipData, QueryAugmentation, ShadowSettings, ShadowTrainingOptions } from './shadow/ShadowTrainingOptions.js';
import { trainMissingShadows } from './shadow/trainMissingShadows.js';
import type { ShadowJob, ShadowTrainingContext } from './shadow/trainShadowModel.js';

/**
 * Gets the shadow models of an audit trained: given the settings and all jobs, returns a store that
 * holds every one of them. The default trains them in this thread ({@link inProcessShadowRunner});
 * `privkit/mia/node` has runners with a file cache and worker threads.
 */
export type ShadowRunner = (settings: ShadowSettings, jobs: readonly ShadowJob[], ctx: ShadowTrainingContext) => Promise<ShadowStore>;

/** Options of {@link inProcessShadowRunner}. */
export interface InProcessShadowRunnerOptions {
  /** Where shadows go. @defaultValue a memory store */
  readonly store?: ShadowStore;
  /** Shadows trained together (see trainMissingShadows). @defaultValue 8 */
  readonly batchModels?: number;
  readonly onEpoch?: (shadows: readonly number[], epoch: number) => void;
  readonly onShadowSaved?: (index: number) => void;
}

/**
 * A runner that trains the missing shadows in this thread (browser or Node).
 * @param options - store, grouping, progress.
 * @returns the runner.
 * @example
 * ```ts
 * const runner = inProcessShadowRunner({ batchModels: 8 });
 * ```
 */
export function inProcessShadowRunner(options: InProcessShadowRunnerOptions = {}): ShadowRunner {
  return async (settings, jobs, ctx) => {
    const store = options.store ?? memoryShadowStore();
    await trainMissingShadows({ ...ctx, onEpoch: options.onEpoch }, jobs, store, {
      augmentation: settings.augmentation,
      batchModels: options.batchModels,
      onShadowSaved: options.onShadowSaved,
    });
    return store;
  };
}

/** Options of {@link auditMembership}. */
export interface AuditMembershipOptions {
  /** The released model. It is only queried (in inference mode). */
  readonly targetModel: tf.LayersModel;
  /** The population: the target's training rows and candidates; the shadows train on halves of it. */
  readonly data: MembershipData;
  /** 0-based rows of `data` the target was trained on; every other row is a non-member. */
  readonly members: ArrayLike<number>;
  /** @defaultValue all: loss, shokri, lira, lira-offline, rmia */
  readonly attacks?: readonly AttackName[];
  readonly shadow: {
    /** Number of shadow models (each example is IN for half of them). */
    readonly count: number;
    /** Their training recipe (ideally the target's). */
    readonly train: ShadowTrainingOptions;
    /** @defaultValue inProcessShadowRunner() */
    readonly runner?: ShadowRunner;
  };
  /** Query views (`flip` for images). @defaultValue 'none' */
  readonly augmentation?: QueryAugmentation;
  /** Seed of the shadows' halves, initialisation and batches. @defaultValue 0 */
  readonly seed?: number;
  /** Per-attack options (see each attack). */
  readonly attackOptions?: { readonly [N in AttackName]?: AttackOptionsMap[N] };
}

/** One attack's result: its metrics and per-example scores (higher = more likely member). */
export interface AttackReport extends AttackSummary {
  readonly name: AttackName;
  readonly scores: Float64Array;
}

/** The result of {@link auditMembership}. */
export interface MembershipAudit {
  readonly attacks: AttackReport[];
  readonly members: number;
  readonly nonMembers: number;
  readonly shadowModels: number;
  /** 1 for the target's training rows. */
  readonly isMember: Uint8Array;
}

/**
 * Checks `members` (0-based row indices of a population of `numExamples`).
 * @param members - the indices.
 * @param numExamples - population size.
 * @returns the membership mask (1 = member).
 * @throws PrivkitError `INVALID_ARGUMENT` for a non-integer, out-of-range or repeated index (naming it and
 *   its position), or when there is no member or no non-member.
 * @example
 * ```ts
 * membershipMask([0, 2], 4); // Uint8Array [1, 0, 1, 0]
 * ```
 */
export function membershipMask(members: ArrayLike<number>, numExamples: number): Uint8Array {
  const mask = new Uint8Array(numExamples);
  for (let k = 0; k < members.length; k++) {
    const i = members[k];
    if (!Number.isInteger(i) || i < 0 || i >= numExamples) {
      throw new PrivkitError('INVALID_ARGUMENT', `member index #${k + 1} must be an integer in [0, ${numExamples - 1}] (the data has ${numExamples} rows); got ${i}.`);
    }
    if (mask[i] === 1) throw new PrivkitError('INVALID_ARGUMENT', `member index ${i} appears twice (again at #${k + 1}); each row may be listed once.`);
    mask[i] = 1;
  }
  if (members.length === 0 || members.length === numExamples) {
    throw new PrivkitError('INVALID_ARGUMENT', `an audit needs members and non-members; got ${members.length} members out of ${numExamples} rows.`);
  }
  return mask;
}

/**
 * Checks that a model takes the data's examples and outputs one score per class (softmax or logits;
 * shadows are trained with sparse categorical cross-entropy, so one-unit sigmoid models are refused).
 * @param model - the target.
 * @param data - the population.
 * @throws PrivkitError `INVALID_ARGUMENT` naming both shapes.
 * @example
 * ```ts
 * checkModelMatchesData(model, data);
 * ```
 */
export function checkModelMatchesData(model: tf.LayersModel, data: MembershipData): void {
  const shape = (s: readonly (number | null)[]): string => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new PrivkitError('INVALID_ARGUMENT', `the target model must have one input and one output; it has ${model.inputs.length} and ${model.outputs.length}.`);
  }
  const input = model.inputs[0].shape.slice(1);
  const output = model.outputs[0].shape;
  const units = output[output.length - 1];
  const inputFits = input.length === data.exampleShape.length && input.every((d, i) => d === null || d === data.exampleShape[i]);
  const outputFits =
    output.length === 2 && (units === null || units === data.numClasses) && outputKind(model) !== 'sigmoid';
  if (!inputFits || !outputFits) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `the target model takes examples shaped ${shape(input)} and outputs ${shape(output.slice(1))}, but the data has examples shaped ` +
        `${shape(data.exampleShape)} and ${data.numClasses} classes.`,
    );
  }
}

function checkAttacks(attacks: readonly AttackName[], shadowModels: number): void {
  if (attacks.length === 0) throw new PrivkitError('INVALID_ARGUMENT', `\`attacks\` must name at least one of ${ATTACK_NAMES.join(', ')}.`);
  for (const name of attacks) {
    if (!ATTACK_NAMES.includes(name)) throw new PrivkitError('INVALID_ARGUMENT', `unknown attack ${JSON.stringify(name)}; known: ${ATTACK_NAMES.join(', ')}.`);
    const need = minShadowModels(name);
    if (shadowModels < need) {
      throw new PrivkitError('INVALID_ARGUMENT', `attack \`${name}\` needs at least ${need} shadow models; got ${shadowModels}.`);
    }
  }
}

/**
 * Runs attacks on given outputs (the `--scores` path: bring your own target and shadow logits) and
 * summarises each against the true membership.
 * @param data - target and shadow outputs with IN masks.
 * @param isMember - 1 for the target's members.
 * @param options - attacks (default all) and their options.
 * @returns the audit.
 * @throws PrivkitError `INVALID_ARGUMENT` for malformed data or too few shadows for an attack.
 * @example
 * ```ts
 * const audit = auditFromLogits(attackData, isMember, { attacks: ['lira'] });
 * ```
 */
export function auditFromLogits(
  data: AttackData,
  isMember: Uint8Array,
  options: Pick<AuditMembershipOptions, 'attacks' | 'attackOptions'> = {},
): MembershipAudit {
  const attacks = options.attacks ?? ATTACK_NAMES;
  checkAttacks(attacks, data.shadows.length);
  if (isMember.length !== data.numExamples) {
    throw new PrivkitError('INVALID_ARGUMENT', `the membership mask has ${isMember.length} entries for ${data.numExamples} examples.`);
  }
  const members = isMember.reduce((a, v) => a + v, 0);
  const reports = attacks.map((name): AttackReport => {
    const result = runAttack(name, data, options.attackOptions?.[name] as never);
    return { name, scores: result.scores, ...summarizeAttack(result.scores, isMember, { labels: data.labels }) };
  });
  return { attacks: reports, members, nonMembers: data.numExamples - members, shadowModels: data.shadows.length, isMember };
}

/**
 * Membership-inference audit of a trained model: trains shadow models of its architecture on halves
 * of the population (each example IN for half of them, Carlini et al. 2022), queries target and
 * shadows on every row, runs the attacks (loss, Shokri, LiRA online/offline, RMIA) and measures each
 * against the true membership: ROC, AUC, TPR at 0.1%/1%/10% FPR, advantage, per-class slices.
 * @param options - target, population, members, attacks, shadow count and recipe.
 * @returns per-attack metrics and scores.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad member indices, a model that does not fit the data,
 *   or too few shadows for an attack (checked before any training).
 * @example
 * ```ts
 * const audit = await auditMembership({
 *   targetModel, data, members,
 *   attacks: ['lira', 'loss'],
 *   shadow: { count: 16, train: { epochs: 40, batchSize: 128, learningRate: 1e-3 } },
 * });
 * console.log(audit.attacks.map((a) => `${a.name}: AUC ${a.auc.toFixed(3)}`));
 * ```
 */
export async function auditMembership(options: AuditMembershipOptions): Promise<MembershipAudit> {
  const { targetModel, data, shadow } = options;
  const n = data.y.length;
  const isMember = membershipMask(options.members, n);
  const attacks = options.attacks ?? ATTACK_NAMES;
  checkAttacks(attacks, shadow.count);
  const x = tf.tensor(data.x, [n, ...data.exampleShape], 'float32');
  try {
    const { store, jobs, settings } = await trainShadowModels(options, x);
    const shadows = [];
    for (const job of jobs) {
      const s = await store.load(job.index);
      if (s === null) throw new PrivkitError('INTERNAL', `shadow model ${job.index} is missing after training.`);
      shadows.push({ logits: s.logits, inMask: s.inMask });
    }
    const target = queryLogits(targetModel, x, settings.augmentation);
    return auditFromLogits({ numExamples: n, numClasses: data.numClasses, labels: data.y, target, shadows }, isMember, options);
  } finally {
    x.dispose();
  }
}

/** Options of {@link trainShadowModels}: those of {@link auditMembership} that shape the shadows, and a shard. */
export interface TrainShadowModelsOptions extends Pick<AuditMembershipOptions, 'targetModel' | 'data' | 'shadow' | 'augmentation' | 'seed'> {
  /**
   * Train only the shadows whose index ≡ `index` (mod `count`) — for spreading hundreds of shadows
   * over machines that share a file cache (`--shard i/n`). @defaultValue all shadows
   */
  readonly shard?: { readonly index: number; readonly count: number };
}

/**
 * Trains (the missing ones of) an audit's shadow models through the shadow runner, without attacking:
 * what `auditMembership` does first, and what a `--shard i/n` run does alone.
 * @param options - target (for its topology), population, shadow count and recipe, shard.
 * @param xAll - the population as a tensor, when the caller has it already.
 * @returns the store holding the shadows, the jobs (all of them, not just the shard's) and the settings.
 * @throws PrivkitError `INVALID_ARGUMENT` for a model that does not fit the data, a label outside
 *   [0, numClasses), a bad shard or augmentation.
 * @example
 * ```ts
 * await trainShadowModels({ targetModel, data, shadow: { count: 256, train, runner }, shard: { index: 3, count: 16 } });
 * ```
 */
export async function trainShadowModels(
  options: TrainShadowModelsOptions,
  xAll?: tf.Tensor,
): Promise<{ store: ShadowStore; jobs: ShadowJob[]; settings: ShadowSettings }> {
  const { targetModel, data, shadow, shard } = options;
  const n = data.y.length;
  checkModelMatchesData(targetModel, data);
  // The attacks would refuse a bad label too, but only after every shadow had been trained.
  for (let i = 0; i < n; i++) {
    if (!(data.y[i] >= 0 && data.y[i] < data.numClasses)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`labels[${i}]\` must be an integer in [0, ${data.numClasses}); got ${data.y[i]}.`);
    }
  }
  const augmentation = options.augmentation ?? 'none';
  if (augmentation === 'flip' && data.exampleShape.length !== 3) {
    throw new PrivkitError('INVALID_ARGUMENT', `augmentation 'flip' needs image examples [height, width, channels]; got examples shaped [${data.exampleShape.join(', ')}].`);
  }
  if (shard !== undefined && !(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new PrivkitError('INVALID_ARGUMENT', `a shard must be i/n with integers 0 ≤ i < n; got ${shard.index}/${shard.count}.`);
  }
  const seed = options.seed ?? 0;
  const settings: ShadowSettings = { topology: targetModel.toJSON(null, false) as object, train: shadow.train, count: shadow.count, seed, augmentation, data };
  const masks = shadowInMasks(n, shadow.count, seed);
  const jobs: ShadowJob[] = masks.map((mask, index) => ({ index, seed: shadowSeed(seed, index), mask }));
  const mine = shard === undefined ? jobs : jobs.filter((j) => j.index % shard.count === shard.index);
  const x = xAll ?? tf.tensor(data.x, [n, ...data.exampleShape], 'float32');
  const y = tf.tensor1d(data.y, 'int32');
  try {
    const runner = shadow.runner ?? inProcessShadowRunner();
    const store = await runner(settings, mine, { topology: settings.topology, x, y, train: shadow.train });
    return { store, jobs, settings };
  } finally {
    y.dispose();
    if (xAll === undefined) x.dispose();
  }
}
