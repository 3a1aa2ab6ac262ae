import * as tf from '@tensorflow/tfjs';
import { invalid, PrivkitError, requireArrayLike, requireFunction, requireInteger, requireOptions, requireSeed, show } from '../accountant/index.js';
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
import { validateAttackData } from './attacks/validateAttackData.js';
import {
  checkAugmentation,
  checkBatchModels,
  checkDataShape,
  checkMembershipData,
  checkShadowCount,
  checkStore,
  checkTrainingOptions,
  checkViewsFit,
  MAX_EXAMPLES,
  requireModel,
} from './shadow/_internals/checkShadowInputs.js';

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
 * @throws PrivkitError `INVALID_ARGUMENT` when `options` is not an object, `batchModels` is not an
 *   integer ≥ 1, `store` lacks `load`/`save`, or a callback is not a function.
 * @example
 * ```ts
 * const runner = inProcessShadowRunner({ batchModels: 8 });
 * ```
 */
export function inProcessShadowRunner(options: InProcessShadowRunnerOptions = {}): ShadowRunner {
  requireOptions('options', options);
  checkBatchModels('batchModels', options.batchModels);
  if (options.store !== undefined && options.store !== null) checkStore('store', options.store);
  for (const name of ['onEpoch', 'onShadowSaved'] as const) {
    if (options[name] !== undefined && options[name] !== null) requireFunction(name, options[name]);
  }
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
 * @param numExamples - population size, an integer in [1, 2³¹ − 1].
 * @returns the membership mask (1 = member).
 * @throws PrivkitError `INVALID_ARGUMENT` for a non-integer, out-of-range or repeated index (naming it and
 *   its position), when there is no member or no non-member, or for `members` that is not an array or
 *   a bad `numExamples`.
 * @example
 * ```ts
 * membershipMask([0, 2], 4); // Uint8Array [1, 0, 1, 0]
 * ```
 */
export function membershipMask(members: ArrayLike<number>, numExamples: number): Uint8Array {
  requireInteger('numExamples', numExamples, 1, MAX_EXAMPLES);
  requireArrayLike('members', members);
  const mask = new Uint8Array(numExamples);
  for (let k = 0; k < members.length; k++) {
    const i = members[k];
    if (!Number.isInteger(i) || i < 0 || i >= numExamples) {
      throw new PrivkitError('INVALID_ARGUMENT', `member index #${k + 1} must be an integer in [0, ${numExamples - 1}] (the data has ${numExamples} rows); got ${show(i)}.`);
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
 * shadows are trained with sparse categorical cross-entropy, from logits for a logits-output model,
 * so one-unit sigmoid models are refused).
 * @param model - the target.
 * @param data - the population (its `exampleShape` and `numClasses` are read).
 * @throws PrivkitError `INVALID_ARGUMENT` naming both shapes; or naming `model` or `data` when either is
 *   not what it should be (a LayersModel; a non-empty shape of positive integers and an integer class count).
 * @example
 * ```ts
 * checkModelMatchesData(model, data);
 * ```
 */
export function checkModelMatchesData(model: tf.LayersModel, data: MembershipData): void {
  requireModel('model', model);
  checkDataShape(data, 1);
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
  if (!Array.isArray(attacks)) throw new PrivkitError('INVALID_ARGUMENT', `\`attacks\` must be an array of attack names (${ATTACK_NAMES.join(', ')}); got ${show(attacks)}.`);
  if (attacks.length === 0) throw new PrivkitError('INVALID_ARGUMENT', `\`attacks\` must name at least one of ${ATTACK_NAMES.join(', ')}.`);
  for (const name of attacks) {
    if (!ATTACK_NAMES.includes(name)) throw new PrivkitError('INVALID_ARGUMENT', `unknown attack ${show(name)}; known: ${ATTACK_NAMES.join(', ')}.`);
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
 * @throws PrivkitError `INVALID_ARGUMENT` for malformed data (see `validateAttackData`), a membership
 *   mask that is not one 0/1 per example with both members and non-members, unknown attacks, too few
 *   shadows for an attack, or options that are not objects.
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
  requireOptions('options', options);
  validateAttackData(data);
  const attacks = options.attacks ?? ATTACK_NAMES;
  checkAttacks(attacks, data.shadows.length);
  if (options.attackOptions !== undefined && options.attackOptions !== null) requireOptions('attackOptions', options.attackOptions);
  requireArrayLike('isMember', isMember);
  if (isMember.length !== data.numExamples) {
    throw new PrivkitError('INVALID_ARGUMENT', `the membership mask has ${isMember.length} entries for ${data.numExamples} examples (\`isMember\` needs one per example).`);
  }
  let members = 0;
  for (let i = 0; i < isMember.length; i++) {
    if (isMember[i] !== 0 && isMember[i] !== 1) invalid(`\`isMember[${i}]\` must be 0 or 1; got ${show(isMember[i])}.`, { field: 'isMember', index: i });
    members += isMember[i];
  }
  if (members === 0 || members === isMember.length) {
    invalid(`\`isMember\` must mark at least one member and one non-member; got ${members} members of ${isMember.length}.`, { field: 'isMember' });
  }
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
 * @throws PrivkitError `INVALID_ARGUMENT`, before any training, for bad member indices, a model that does
 *   not fit the data, a malformed population (labels outside [0, numClasses), `x` of the wrong length or
 *   not finite), a shadow count outside [1, 65 536] or too small for an attack, a bad recipe (`epochs`,
 *   `batchSize` not integers ≥ 1, `learningRate` not finite > 0, an unknown optimizer), an unknown
 *   augmentation, or a seed outside [0, 2³² − 1].
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
  const n = checkAuditSetup(options);
  const { targetModel, data, shadow } = options;
  const isMember = membershipMask(options.members, n);
  const attacks = options.attacks ?? ATTACK_NAMES;
  checkAttacks(attacks, shadow.count);
  if (options.attackOptions !== undefined && options.attackOptions !== null) requireOptions('attackOptions', options.attackOptions);
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

/**
 * Checks what {@link auditMembership} and {@link trainShadowModels} share, before any tensor is made:
 * the options object, the target, the population, the shadow count and recipe, the runner, the query
 * views and the seed.
 * @returns the number of population examples.
 */
function checkAuditSetup(options: unknown): number {
  requireOptions('options', options);
  const o = options as Partial<Record<keyof AuditMembershipOptions, unknown>>;
  requireModel('targetModel', o.targetModel);
  const n = checkMembershipData(o.data);
  requireOptions('shadow', o.shadow);
  const shadow = o.shadow as Partial<Record<keyof AuditMembershipOptions['shadow'], unknown>>;
  checkShadowCount(shadow.count);
  checkTrainingOptions('shadow.train', shadow.train);
  if (shadow.runner !== undefined && shadow.runner !== null) requireFunction('shadow.runner', shadow.runner);
  if (o.augmentation !== undefined && o.augmentation !== null) checkAugmentation('augmentation', o.augmentation);
  if (o.seed !== undefined && o.seed !== null) requireSeed('seed', o.seed);
  return n;
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
 * @throws PrivkitError `INVALID_ARGUMENT` for what {@link auditMembership} refuses before training, a bad
 *   shard (safe integers 0 ≤ index < count), or `xAll` that is not the population as a tensor.
 * @example
 * ```ts
 * await trainShadowModels({ targetModel, data, shadow: { count: 256, train, runner }, shard: { index: 3, count: 16 } });
 * ```
 */
export async function trainShadowModels(
  options: TrainShadowModelsOptions,
  xAll?: tf.Tensor,
): Promise<{ store: ShadowStore; jobs: ShadowJob[]; settings: ShadowSettings }> {
  // The attacks would refuse a bad label too, but only after every shadow had been trained.
  const n = checkAuditSetup(options);
  const { targetModel, data, shadow } = options;
  checkModelMatchesData(targetModel, data);
  const augmentation = options.augmentation ?? 'none';
  checkViewsFit(augmentation, data.exampleShape);
  const shard = options.shard ?? undefined;
  if (shard !== undefined) {
    requireOptions('shard', shard);
    if (!(Number.isSafeInteger(shard.count) && shard.count >= 1 && Number.isSafeInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
      throw new PrivkitError('INVALID_ARGUMENT', `a shard must be i/n with integers 0 ≤ i < n ≤ 2^53 − 1; got ${show(shard.index)}/${show(shard.count)}.`);
    }
  }
  if (xAll !== undefined) {
    const expected = [n, ...data.exampleShape];
    if (!(xAll instanceof tf.Tensor) || xAll.shape.length !== expected.length || !xAll.shape.every((d, i) => d === expected[i])) {
      const got = xAll instanceof tf.Tensor ? `a tensor shaped [${xAll.shape.join(', ')}]` : show(xAll);
      invalid(`\`xAll\` must be the population as a tensor shaped [${expected.join(', ')}]; got ${got}.`, { field: 'xAll' });
    }
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
