/**
 * DP events: small, frozen, JSON-serialisable descriptions of mechanisms (the design of
 * dp_accounting's `dp_event.py`). An accountant reads events; it never sees a model or data.
 * New kinds may be added; the meaning of an existing kind never changes.
 */
import { PrivkitError } from './PrivkitError.js';
import { requireInRange, requireInteger, show, type Range } from './base/check.js';

/** (0, ∞): a noise multiplier or a Laplace scale. */
const POSITIVE_FINITE: Range = { min: 0, max: Infinity, minOpen: true, maxOpen: true };

/** Gaussian mechanism with L2 sensitivity 1 and noise standard deviation `noiseMultiplier`. */
export interface GaussianEvent {
  readonly kind: 'gaussian';
  readonly noiseMultiplier: number;
}
/** Laplace mechanism with L1 sensitivity 1 and scale `scale` (density ∝ e^{−|x|/scale}). */
export interface LaplaceEvent {
  readonly kind: 'laplace';
  readonly scale: number;
}
/** `event` applied to a Poisson sample: each record included independently with probability `sampleRate`. */
export interface PoissonSampledEvent {
  readonly kind: 'poissonSampled';
  readonly sampleRate: number;
  readonly event: DpEvent;
}
/** `event` run `count` times on the same data. */
export interface SelfComposedEvent {
  readonly kind: 'selfComposed';
  readonly event: DpEvent;
  readonly count: number;
}
/** Each of `events` run once, in order, on the same data. */
export interface ComposedEvent {
  readonly kind: 'composed';
  readonly events: readonly DpEvent[];
}
/** A mechanism with no privacy guarantee (ε = ∞). */
export interface NonPrivateEvent {
  readonly kind: 'nonPrivate';
}
/** A mechanism that does not touch the data (no privacy cost). */
export interface NoOpEvent {
  readonly kind: 'noOp';
}

/** Every DP event privkit knows. */
export type DpEvent =
  | GaussianEvent
  | LaplaceEvent
  | PoissonSampledEvent
  | SelfComposedEvent
  | ComposedEvent
  | NonPrivateEvent
  | NoOpEvent;

/** The kinds, for messages and JSON validation. */
export const DP_EVENT_KINDS: readonly DpEvent['kind'][] = Object.freeze([
  'gaussian',
  'laplace',
  'poissonSampled',
  'selfComposed',
  'composed',
  'nonPrivate',
  'noOp',
]);

/**
 * The deepest nesting of DP events privkit accepts: a leaf (`gaussian`, `laplace`, `nonPrivate`,
 * `noOp`) has depth 1, and `poissonSampled`, `selfComposed` and `composed` add one level to their
 * deepest sub-event. Real mechanisms need a handful of levels; the limit keeps every recursive walk
 * over an event (validation, `supports`, `compose`, the RDP and PLD evaluation) far from the call
 * stack's limit, so that a hostile event JSON is refused with a typed error instead of overflowing it.
 */
export const MAX_EVENT_DEPTH = 100;

/**
 * Depth of every event built by the constructors below. Those events are deeply frozen and were
 * validated when built, so a constructor or {@link validateEvent} that receives one uses it as it is
 * (O(1)) instead of checking it again: without this, each level validated its sub-event twice and
 * validation took time 2^depth.
 */
const depthOf = new WeakMap<object, number>();

function register<E extends DpEvent>(event: E, depth: number): E {
  depthOf.set(event, depth);
  return event;
}

function depthError(path: string): PrivkitError {
  // The path of a too-deep sub-event is ~100 segments long: the message keeps its two ends.
  const where = path.length > 80 ? `${path.slice(0, 40)}…${path.slice(-30)}` : path;
  return new PrivkitError(
    'INVALID_ARGUMENT',
    `\`${where}\` nests DP events more than ${MAX_EVENT_DEPTH} levels deep (the limit, MAX_EVENT_DEPTH); got depth ${MAX_EVENT_DEPTH + 1} or more.`,
    { field: path, limit: MAX_EVENT_DEPTH },
  );
}

/** `child` as a checked event, at most `room` levels deep: an event of ours as it is, anything else validated. */
function checkedChild(child: unknown, path: string, room: number): DpEvent {
  return validateAt(child, path, room, new Map());
}

function makePoissonSampled(sampleRate: number, event: DpEvent): PoissonSampledEvent {
  return register(Object.freeze({ kind: 'poissonSampled', sampleRate, event }), 1 + (depthOf.get(event) as number));
}

function makeSelfComposed(event: DpEvent, count: number): SelfComposedEvent {
  return register(Object.freeze({ kind: 'selfComposed', event, count }), 1 + (depthOf.get(event) as number));
}

function makeComposed(events: DpEvent[]): ComposedEvent {
  let depth = 0;
  for (const e of events) depth = Math.max(depth, depthOf.get(e) as number);
  return register(Object.freeze({ kind: 'composed', events: Object.freeze(events) }), 1 + depth);
}

/**
 * Gaussian mechanism event.
 * @param noiseMultiplier - σ > 0, finite: noise standard deviation divided by the L2 sensitivity.
 * @returns a frozen {@link GaussianEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if σ is not a finite number > 0.
 * @example
 * ```ts
 * const step = poissonSampled(256 / 60000, gaussian(1.1));
 * ```
 */
export function gaussian(noiseMultiplier: number): GaussianEvent {
  return register(Object.freeze({ kind: 'gaussian', noiseMultiplier: requireInRange('noiseMultiplier', noiseMultiplier, POSITIVE_FINITE) }), 1);
}

/**
 * Laplace mechanism event.
 * @param scale - b > 0, finite: Laplace scale divided by the L1 sensitivity.
 * @returns a frozen {@link LaplaceEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if b is not a finite number > 0.
 * @example
 * ```ts
 * const count = laplace(1 / epsilon);
 * ```
 */
export function laplace(scale: number): LaplaceEvent {
  return register(Object.freeze({ kind: 'laplace', scale: requireInRange('scale', scale, POSITIVE_FINITE) }), 1);
}

/**
 * Poisson subsampling of another event.
 * @param sampleRate - q in [0, 1].
 * @param event - the mechanism run on the sample.
 * @returns a frozen {@link PoissonSampledEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if q is outside [0, 1], `event` is not a valid event, or the
 *   result would nest deeper than {@link MAX_EVENT_DEPTH}.
 * @example
 * ```ts
 * poissonSampled(0.01, gaussian(1.0));
 * ```
 */
export function poissonSampled(sampleRate: number, event: DpEvent): PoissonSampledEvent {
  requireInRange('sampleRate', sampleRate, { min: 0, max: 1 });
  return makePoissonSampled(sampleRate, checkedChild(event, 'event', MAX_EVENT_DEPTH - 1));
}

/**
 * `count`-fold composition of one event.
 * @param event - the repeated mechanism.
 * @param count - a non-negative integer.
 * @returns a frozen {@link SelfComposedEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if `count` is not a non-negative integer, `event` is not a
 *   valid event, or the result would nest deeper than {@link MAX_EVENT_DEPTH}.
 * @example
 * ```ts
 * selfComposed(poissonSampled(0.01, gaussian(1.0)), 10_000);
 * ```
 */
export function selfComposed(event: DpEvent, count: number): SelfComposedEvent {
  requireInteger('count', count, 0);
  return makeSelfComposed(checkedChild(event, 'event', MAX_EVENT_DEPTH - 1), count);
}

/**
 * Composition of several events.
 * @param events - the mechanisms, each run once.
 * @returns a frozen {@link ComposedEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if `events` is not an array of valid events, or the result
 *   would nest deeper than {@link MAX_EVENT_DEPTH}.
 * @example
 * ```ts
 * composed([gaussian(2), laplace(1)]);
 * ```
 */
export function composed(events: readonly DpEvent[]): ComposedEvent {
  if (!Array.isArray(events)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`events\` must be an array of DP events; got ${show(events)}.`);
  }
  return makeComposed(events.map((e, i) => checkedChild(e, `events[${i}]`, MAX_EVENT_DEPTH - 1)));
}

/** An event with no privacy guarantee. @returns a frozen {@link NonPrivateEvent}. @example `nonPrivate()` */
export function nonPrivate(): NonPrivateEvent {
  return NON_PRIVATE;
}

/** An event with no privacy cost. @returns a frozen {@link NoOpEvent}. @example `noOp()` */
export function noOp(): NoOpEvent {
  return NO_OP;
}

const NON_PRIVATE: NonPrivateEvent = register(Object.freeze({ kind: 'nonPrivate' }), 1);
const NO_OP: NoOpEvent = register(Object.freeze({ kind: 'noOp' }), 1);

/**
 * Checks and rebuilds an event from untrusted data (e.g. parsed JSON), frozen, with every
 * parameter validated. Takes time linear in the size of `value` (an object reached twice, as in a
 * shared sub-event, is checked once); an event built by this module's constructors is returned as
 * it is, since it was checked when it was built.
 * @param value - anything.
 * @param path - the name used in error messages.
 * @returns the same event, frozen.
 * @throws PrivkitError `INVALID_ARGUMENT` naming the bad field, or when `value` nests deeper than
 *   {@link MAX_EVENT_DEPTH} levels (this includes a cyclic object).
 * @example
 * ```ts
 * const event = validateEvent(JSON.parse(text));
 * ```
 */
export function validateEvent(value: unknown, path = 'event'): DpEvent {
  return checkedChild(value, path, MAX_EVENT_DEPTH);
}

/**
 * Recursive core of {@link validateEvent}: `value` may be at most `room` levels deep (so the
 * recursion is at most {@link MAX_EVENT_DEPTH} calls deep); `seen` maps the plain objects already
 * rebuilt in this call to their events, so that shared sub-objects cost one visit each.
 */
function validateAt(value: unknown, path: string, room: number, seen: Map<object, DpEvent>): DpEvent {
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`${path}\` must be a DP event object with a \`kind\`; got ${show(value)}.`);
  }
  const done = depthOf.has(value) ? (value as DpEvent) : seen.get(value);
  if (done !== undefined) {
    if ((depthOf.get(done) as number) > room) throw depthError(path);
    return done;
  }
  if (room < 1) throw depthError(path);
  const v = value as Record<string, unknown>;
  const at = (field: string): string => `${path}.${field}`;
  const child = (c: unknown, childPath: string): DpEvent => validateAt(c, childPath, room - 1, seen);
  let event: DpEvent;
  switch (v.kind) {
    case 'gaussian':
      requireInRange(at('noiseMultiplier'), v.noiseMultiplier, POSITIVE_FINITE);
      event = gaussian(v.noiseMultiplier as number);
      break;
    case 'laplace':
      requireInRange(at('scale'), v.scale, POSITIVE_FINITE);
      event = laplace(v.scale as number);
      break;
    case 'poissonSampled':
      requireInRange(at('sampleRate'), v.sampleRate, { min: 0, max: 1 });
      event = makePoissonSampled(v.sampleRate as number, child(v.event, at('event')));
      break;
    case 'selfComposed':
      requireInteger(at('count'), v.count, 0);
      event = makeSelfComposed(child(v.event, at('event')), v.count as number);
      break;
    case 'composed': {
      if (!Array.isArray(v.events)) {
        throw new PrivkitError('INVALID_ARGUMENT', `\`${at('events')}\` must be an array of DP events; got ${show(v.events)}.`);
      }
      const events = v.events as unknown[];
      const checked = new Array<DpEvent>(events.length);
      for (let i = 0; i < events.length; i++) checked[i] = child(events[i], `${at('events')}[${i}]`);
      event = makeComposed(checked);
      break;
    }
    case 'nonPrivate':
      event = NON_PRIVATE;
      break;
    case 'noOp':
      event = NO_OP;
      break;
    default:
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        `\`${at('kind')}\` must be one of ${DP_EVENT_KINDS.join(', ')}; got ${show(v.kind)}.`,
      );
  }
  seen.set(value, event);
  return event;
}

/**
 * Parses an event from its JSON text (the inverse of `JSON.stringify(event)`).
 * @param json - JSON text.
 * @returns the validated, frozen event.
 * @throws PrivkitError `INVALID_ARGUMENT` for malformed JSON or an invalid event.
 * @example
 * ```ts
 * eventFromJSON(JSON.stringify(gaussian(1))); // deep-equals gaussian(1)
 * ```
 */
export function eventFromJSON(json: string): DpEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new PrivkitError('INVALID_ARGUMENT', `DP event JSON is malformed: ${(e as Error).message}.`);
  }
  return validateEvent(parsed);
}

/** Longest {@link describeEvent} output; a longer description ends in "…". */
const DESCRIPTION_LIMIT = 240;

/**
 * Human-readable one-line description, used in error messages (e.g. "poissonSampled(q=0.01,
 * laplace(b=1))"). At most a few hundred characters: the walk stops (and the text ends in "…") once
 * that is written, so describing a huge composition costs no more than describing a small one.
 */
export function describeEvent(event: DpEvent): string {
  const parts: string[] = [];
  let length = 0;
  const put = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= DESCRIPTION_LIMIT;
  };
  const walk = (e: DpEvent): boolean => {
    switch (e.kind) {
      case 'gaussian':
        return put(`gaussian(σ=${e.noiseMultiplier})`);
      case 'laplace':
        return put(`laplace(b=${e.scale})`);
      case 'poissonSampled':
        return put(`poissonSampled(q=${e.sampleRate}, `) && walk(e.event) && put(')');
      case 'selfComposed':
        return put('selfComposed(') && walk(e.event) && put(`, ${e.count})`);
      case 'composed':
        if (!put('composed([')) return false;
        for (let i = 0; i < e.events.length; i++) if (!(i === 0 || put(', ')) || !walk(e.events[i])) return false;
        return put('])');
      case 'nonPrivate':
        return put('nonPrivate()');
      case 'noOp':
        return put('noOp()');
    }
  };
  return walk(event) ? parts.join('') : `${parts.join('').slice(0, DESCRIPTION_LIMIT)}…`;
}
