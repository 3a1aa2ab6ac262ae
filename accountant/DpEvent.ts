/**
 * DP events: small, frozen, JSON-serialisable descriptions of mechanisms (the design of
 * dp_accounting's `dp_event.py`). An accountant reads events; it never sees a model or data.
 * New kinds may be added; the meaning of an existing kind never changes.
 */
import { PrivkitError } from './PrivkitError.js';
import { requireInRange, requireInteger, requirePositiveFinite, show } from './_internals/validate.js';

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
  return Object.freeze({ kind: 'gaussian', noiseMultiplier: requirePositiveFinite('noiseMultiplier', noiseMultiplier) });
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
  return Object.freeze({ kind: 'laplace', scale: requirePositiveFinite('scale', scale) });
}

/**
 * Poisson subsampling of another event.
 * @param sampleRate - q in [0, 1].
 * @param event - the mechanism run on the sample.
 * @returns a frozen {@link PoissonSampledEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if q is outside [0, 1] or `event` is not a valid event.
 * @example
 * ```ts
 * poissonSampled(0.01, gaussian(1.0));
 * ```
 */
export function poissonSampled(sampleRate: number, event: DpEvent): PoissonSampledEvent {
  requireInRange('sampleRate', sampleRate, { min: 0, max: 1 });
  return Object.freeze({ kind: 'poissonSampled', sampleRate, event: validateEvent(event, 'event') });
}

/**
 * `count`-fold composition of one event.
 * @param event - the repeated mechanism.
 * @param count - a non-negative integer.
 * @returns a frozen {@link SelfComposedEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if `count` is not a non-negative integer.
 * @example
 * ```ts
 * selfComposed(poissonSampled(0.01, gaussian(1.0)), 10_000);
 * ```
 */
export function selfComposed(event: DpEvent, count: number): SelfComposedEvent {
  requireInteger('count', count, 0);
  return Object.freeze({ kind: 'selfComposed', event: validateEvent(event, 'event'), count });
}

/**
 * Composition of several events.
 * @param events - the mechanisms, each run once.
 * @returns a frozen {@link ComposedEvent}.
 * @throws PrivkitError `INVALID_ARGUMENT` if `events` is not an array of valid events.
 * @example
 * ```ts
 * composed([gaussian(2), laplace(1)]);
 * ```
 */
export function composed(events: readonly DpEvent[]): ComposedEvent {
  if (!Array.isArray(events)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`events\` must be an array of DP events; got ${show(events)}.`);
  }
  const checked = events.map((e, i) => validateEvent(e, `events[${i}]`));
  return Object.freeze({ kind: 'composed', events: Object.freeze(checked) });
}

/** An event with no privacy guarantee. @returns a frozen {@link NonPrivateEvent}. @example `nonPrivate()` */
export function nonPrivate(): NonPrivateEvent {
  return NON_PRIVATE;
}

/** An event with no privacy cost. @returns a frozen {@link NoOpEvent}. @example `noOp()` */
export function noOp(): NoOpEvent {
  return NO_OP;
}

const NON_PRIVATE: NonPrivateEvent = Object.freeze({ kind: 'nonPrivate' });
const NO_OP: NoOpEvent = Object.freeze({ kind: 'noOp' });

/**
 * Checks and rebuilds an event from untrusted data (e.g. parsed JSON), frozen, with every
 * parameter validated.
 * @param value - anything.
 * @param path - the name used in error messages.
 * @returns the same event, frozen.
 * @throws PrivkitError `INVALID_ARGUMENT` naming the bad field.
 * @example
 * ```ts
 * const event = validateEvent(JSON.parse(text));
 * ```
 */
export function validateEvent(value: unknown, path = 'event'): DpEvent {
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`${path}\` must be a DP event object with a \`kind\`; got ${show(value)}.`);
  }
  const v = value as Record<string, unknown>;
  const at = (field: string): string => `${path}.${field}`;
  switch (v.kind) {
    case 'gaussian':
      requirePositiveFinite(at('noiseMultiplier'), v.noiseMultiplier);
      return gaussian(v.noiseMultiplier as number);
    case 'laplace':
      requirePositiveFinite(at('scale'), v.scale);
      return laplace(v.scale as number);
    case 'poissonSampled':
      requireInRange(at('sampleRate'), v.sampleRate, { min: 0, max: 1 });
      return poissonSampled(v.sampleRate as number, validateEvent(v.event, at('event')));
    case 'selfComposed':
      requireInteger(at('count'), v.count, 0);
      return selfComposed(validateEvent(v.event, at('event')), v.count as number);
    case 'composed':
      if (!Array.isArray(v.events)) {
        throw new PrivkitError('INVALID_ARGUMENT', `\`${at('events')}\` must be an array of DP events; got ${show(v.events)}.`);
      }
      return composed((v.events as unknown[]).map((e, i) => validateEvent(e, `${at('events')}[${i}]`)));
    case 'nonPrivate':
      return NON_PRIVATE;
    case 'noOp':
      return NO_OP;
    default:
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        `\`${at('kind')}\` must be one of ${DP_EVENT_KINDS.join(', ')}; got ${show(v.kind)}.`,
      );
  }
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

/** Human-readable one-line description, used in error messages (e.g. "poissonSampled(q=0.01, laplace(b=1))"). */
export function describeEvent(event: DpEvent): string {
  switch (event.kind) {
    case 'gaussian':
      return `gaussian(σ=${event.noiseMultiplier})`;
    case 'laplace':
      return `laplace(b=${event.scale})`;
    case 'poissonSampled':
      return `poissonSampled(q=${event.sampleRate}, ${describeEvent(event.event)})`;
    case 'selfComposed':
      return `selfComposed(${describeEvent(event.event)}, ${event.count})`;
    case 'composed':
      return `composed([${event.events.map(describeEvent).join(', ')}])`;
    case 'nonPrivate':
      return 'nonPrivate()';
    case 'noOp':
      return 'noOp()';
  }
}
