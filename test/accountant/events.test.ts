/**
 * DP events: constructors return deep-frozen values, JSON round-trips, and every invalid parameter
 * is an `INVALID_ARGUMENT` whose message names the field (with its path inside nested events) and
 * the allowed range.
 */
import { describe, expect, it } from 'vitest';
import {
  DP_EVENT_KINDS,
  composed,
  eventFromJSON,
  gaussian,
  laplace,
  noOp,
  nonPrivate,
  poissonSampled,
  selfComposed,
  validateEvent,
  type DpEvent,
} from '../../accountant/index.js';
import { expectInvalid, privkitErrorOf } from '../_support/errors.js';


function expectDeepFrozen(value: unknown, path = 'value'): void {
  if (typeof value !== 'object' || value === null) return;
  expect(Object.isFrozen(value), `${path} is frozen`).toBe(true);
  for (const [key, child] of Object.entries(value)) expectDeepFrozen(child, `${path}.${key}`);
}

// Casts for deliberately ill-typed input, as JavaScript callers or parsed JSON can produce it.
const untyped = <T>(value: unknown): T => value as T;

describe('event constructors', () => {
  const cases: [string, DpEvent, unknown][] = [
    ['gaussian', gaussian(1.1), { kind: 'gaussian', noiseMultiplier: 1.1 }],
    ['laplace', laplace(0.5), { kind: 'laplace', scale: 0.5 }],
    [
      'poissonSampled',
      poissonSampled(0.01, gaussian(2)),
      { kind: 'poissonSampled', sampleRate: 0.01, event: { kind: 'gaussian', noiseMultiplier: 2 } },
    ],
    [
      'selfComposed',
      selfComposed(poissonSampled(0.25, gaussian(0.8)), 1000),
      {
        kind: 'selfComposed',
        event: { kind: 'poissonSampled', sampleRate: 0.25, event: { kind: 'gaussian', noiseMultiplier: 0.8 } },
        count: 1000,
      },
    ],
    [
      'composed',
      composed([gaussian(3), laplace(2), selfComposed(noOp(), 2), nonPrivate()]),
      {
        kind: 'composed',
        events: [
          { kind: 'gaussian', noiseMultiplier: 3 },
          { kind: 'laplace', scale: 2 },
          { kind: 'selfComposed', event: { kind: 'noOp' }, count: 2 },
          { kind: 'nonPrivate' },
        ],
      },
    ],
    ['nonPrivate', nonPrivate(), { kind: 'nonPrivate' }],
    ['noOp', noOp(), { kind: 'noOp' }],
  ];

  for (const [name, event, plain] of cases) {
    describe(name, () => {
      it('holds exactly the given parameters', () => {
        expect(event).toStrictEqual(plain);
      });

      it('is deeply frozen', () => {
        expectDeepFrozen(event);
        expect(() => {
          (event as { kind: string }).kind = 'noOp';
        }).toThrow(TypeError); // ESM modules are strict: writing a frozen property throws
        expect(event.kind).toBe(name);
      });

      it('round-trips through JSON', () => {
        const back = eventFromJSON(JSON.stringify(event));
        expect(back).toStrictEqual(event);
        expectDeepFrozen(back);
      });
    });
  }

  it('covers every kind in DP_EVENT_KINDS', () => {
    expect([...DP_EVENT_KINDS].sort()).toEqual(cases.map(([name]) => name).sort());
  });

  it('accepts the closed ends of the ranges: q = 0, q = 1, count = 0', () => {
    expect(poissonSampled(0, gaussian(1)).sampleRate).toBe(0);
    expect(poissonSampled(1, gaussian(1)).sampleRate).toBe(1);
    expect(selfComposed(gaussian(1), 0).count).toBe(0);
    expect(composed([]).events).toEqual([]);
  });

  it('freezes a composed copy, not the caller’s array', () => {
    const events: DpEvent[] = [gaussian(1)];
    const c = composed(events);
    events.push(laplace(1));
    expect(c.events).toHaveLength(1);
    expect(Object.isFrozen(events)).toBe(false);
  });
});

describe('invalid parameters', () => {
  it.each([
    [0, /`noiseMultiplier` must be in \(0, ∞\); got 0\./],
    [-1, /`noiseMultiplier` must be in \(0, ∞\); got -1\./],
    [Number.NaN, /`noiseMultiplier` must be in \(0, ∞\); got NaN\./],
    [Number.POSITIVE_INFINITY, /`noiseMultiplier` must be in \(0, ∞\); got Infinity\./],
  ])('gaussian(%s) is rejected', (sigma, message) => {
    expectInvalid(() => gaussian(sigma), message);
  });

  it('gaussian of a non-number is rejected', () => {
    expectInvalid(() => gaussian(untyped<number>('1')), /`noiseMultiplier` must be in \(0, ∞\); got "1"\./);
  });

  it.each([
    [0, /`scale` must be in \(0, ∞\); got 0\./],
    [-0.5, /`scale` must be in \(0, ∞\); got -0\.5\./],
    [Number.NaN, /`scale` must be in \(0, ∞\); got NaN\./],
    [Number.POSITIVE_INFINITY, /`scale` must be in \(0, ∞\); got Infinity\./],
  ])('laplace(%s) is rejected', (scale, message) => {
    expectInvalid(() => laplace(scale), message);
  });

  it.each([
    [1.5, /`sampleRate` must be in \[0, 1\]; got 1\.5\./],
    [-0.1, /`sampleRate` must be in \[0, 1\]; got -0\.1\./],
    [Number.NaN, /`sampleRate` must be in \[0, 1\]; got NaN\./],
    [Number.POSITIVE_INFINITY, /`sampleRate` must be in \[0, 1\]; got Infinity\./],
  ])('poissonSampled(%s, …) is rejected', (q, message) => {
    expectInvalid(() => poissonSampled(q, gaussian(1)), message);
  });

  it.each([
    [-1, /`count` must be an integer ≥ 0; got -1\./],
    [2.5, /`count` must be an integer ≥ 0; got 2\.5\./],
    [Number.NaN, /`count` must be an integer ≥ 0; got NaN\./],
    [Number.POSITIVE_INFINITY, /`count` must be an integer ≥ 0; got Infinity\./],
  ])('selfComposed(…, %s) is rejected', (count, message) => {
    expectInvalid(() => selfComposed(gaussian(1), count), message);
  });

  it('composed of a non-array is rejected', () => {
    expectInvalid(() => composed(untyped<DpEvent[]>(gaussian(1))), /`events` must be an array of DP events; got \{"kind":"gaussian"/);
    expectInvalid(() => composed(untyped<DpEvent[]>('x')), /`events` must be an array of DP events; got "x"\./);
    expectInvalid(() => composed(untyped<DpEvent[]>(null)), /`events` must be an array of DP events; got null\./);
  });

  it('a nested invalid event is named by its path in the constructor that received it', () => {
    expectInvalid(
      () => poissonSampled(0.1, untyped<DpEvent>({ kind: 'gaussian', noiseMultiplier: 0 })),
      /`event\.noiseMultiplier` must be in \(0, ∞\); got 0\./,
    );
    expectInvalid(
      () => selfComposed(untyped<DpEvent>({ kind: 'laplace', scale: -2 }), 3),
      /`event\.scale` must be in \(0, ∞\); got -2\./,
    );
    expectInvalid(
      () => composed([gaussian(1), untyped<DpEvent>({ kind: 'poissonSampled', sampleRate: 2, event: gaussian(1) })]),
      /`events\[1\]\.sampleRate` must be in \[0, 1\]; got 2\./,
    );
    expectInvalid(() => poissonSampled(0.5, untyped<DpEvent>(undefined)), /`event` must be a DP event object with a `kind`; got undefined\./);
  });
});

describe('eventFromJSON / validateEvent', () => {
  it('rejects malformed JSON', () => {
    expectInvalid(() => eventFromJSON('{"kind": "gaussian",'), /^DP event JSON is malformed: /);
    expectInvalid(() => eventFromJSON(''), /^DP event JSON is malformed: /);
  });

  it('rejects an unknown kind, listing the known ones', () => {
    expectInvalid(
      () => eventFromJSON('{"kind":"exponential","epsilon":1}'),
      /`event\.kind` must be one of gaussian, laplace, poissonSampled, selfComposed, composed, nonPrivate, noOp; got "exponential"\./,
    );
  });

  it('rejects a value that is not an event object', () => {
    expectInvalid(() => eventFromJSON('null'), /`event` must be a DP event object with a `kind`; got null\./);
    expectInvalid(() => eventFromJSON('[1,2]'), /`event` must be a DP event object with a `kind`; got \[1,2\]\./);
    expectInvalid(() => eventFromJSON('{"kind":3}'), /`event` must be a DP event object with a `kind`; got \{"kind":3\}\./);
  });

  it('rejects missing and mistyped fields', () => {
    expectInvalid(() => eventFromJSON('{"kind":"gaussian"}'), /`event\.noiseMultiplier` must be in \(0, ∞\); got undefined\./);
    expectInvalid(() => eventFromJSON('{"kind":"gaussian","noiseMultiplier":"1"}'), /`event\.noiseMultiplier` must be in \(0, ∞\); got "1"\./);
    expectInvalid(() => eventFromJSON('{"kind":"selfComposed","event":{"kind":"noOp"},"count":null}'), /`event\.count` must be an integer ≥ 0; got null\./);
    expectInvalid(() => eventFromJSON('{"kind":"composed","events":{}}'), /`event\.events` must be an array of DP events; got \{\}\./);
  });

  it('names the full path of a nested invalid field', () => {
    expectInvalid(
      () => eventFromJSON('{"kind":"poissonSampled","sampleRate":0.1,"event":{"kind":"gaussian","noiseMultiplier":-1}}'),
      /`event\.event\.noiseMultiplier` must be in \(0, ∞\); got -1\./,
    );
    expectInvalid(
      () =>
        eventFromJSON(
          '{"kind":"selfComposed","count":2,"event":{"kind":"composed","events":[{"kind":"noOp"},{"kind":"poissonSampled","sampleRate":1.5,"event":{"kind":"noOp"}}]}}',
        ),
      /`event\.event\.events\[1\]\.sampleRate` must be in \[0, 1\]; got 1\.5\./,
    );
    expectInvalid(
      () => validateEvent({ kind: 'composed', events: [{ kind: 'laplace', scale: 0 }] }, 'ledger[3].event'),
      /`ledger\[3\]\.event\.events\[0\]\.scale` must be in \(0, ∞\); got 0\./,
    );
  });

  it('carries the offending field and value in `details`', () => {
    const error = privkitErrorOf(() => eventFromJSON('{"kind":"poissonSampled","sampleRate":1.5,"event":{"kind":"noOp"}}'));
    expect(error.details).toMatchObject({ field: 'event.sampleRate', value: 1.5 });
  });

  it('rebuilds a fresh frozen event from a mutable plain object', () => {
    const plain = { kind: 'poissonSampled', sampleRate: 0.5, event: { kind: 'gaussian', noiseMultiplier: 1 } };
    const event = validateEvent(plain);
    expect(event).toStrictEqual(poissonSampled(0.5, gaussian(1)));
    expectDeepFrozen(event);
    plain.event.noiseMultiplier = 7;
    expect(event).toStrictEqual(poissonSampled(0.5, gaussian(1)));
  });

  it('drops unknown extra fields', () => {
    expect(eventFromJSON('{"kind":"laplace","scale":2,"note":"x"}')).toStrictEqual(laplace(2));
  });
});
