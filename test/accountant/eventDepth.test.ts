/**
 * Nested and shared DP events from untrusted sources (a hostile privacy.json or checkpoint): validation
 * is linear in the input (counted by reading every property through a Proxy), nesting is limited to
 * MAX_EVENT_DEPTH with a typed error (never a RangeError from the call stack), and every walk over an
 * event (supports, compose, RDP and PLD evaluation, describeEvent) is linear in the distinct
 * sub-events, so that a sub-event shared by many parents cannot make it exponential.
 *
 * Independent references: a nested event means exactly its flattened form, so the accountants must
 * give bit for bit what they give for `compose(leaf, total count)`.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { describe, expect, it, vi } from 'vitest';
import {
  MAX_EVENT_DEPTH,
  PldAccountant,
  RdpAccountant,
  composed,
  describeEvent,
  eventFromJSON,
  gaussian,
  laplace,
  noOp,
  poissonSampled,
  restoreAccountant,
  selfComposed,
  validateEvent,
  type DpEvent,
} from '../../accountant/index.js';
import { expectInvalid, privkitErrorOf } from '../_support/errors.js';

type Wrapper = 'poissonSampled' | 'selfComposed' | 'composed';
const WRAPPERS: readonly Wrapper[] = ['poissonSampled', 'selfComposed', 'composed'];

/** JSON text of a leaf wrapped `wrappers` times (depth = wrappers + 1). */
function nestedJson(wrappers: number, kind: Wrapper): string {
  let text = '{"kind":"gaussian","noiseMultiplier":2}';
  for (let i = 0; i < wrappers; i++) {
    if (kind === 'poissonSampled') text = `{"kind":"poissonSampled","sampleRate":1,"event":${text}}`;
    else if (kind === 'selfComposed') text = `{"kind":"selfComposed","event":${text},"count":1}`;
    else text = `{"kind":"composed","events":[${text}]}`;
  }
  return text;
}

/** The same nesting, built with the constructors. */
function nestedEvent(wrappers: number, kind: Wrapper): DpEvent {
  let event: DpEvent = gaussian(2);
  for (let i = 0; i < wrappers; i++) {
    if (kind === 'poissonSampled') event = poissonSampled(1, event);
    else if (kind === 'selfComposed') event = selfComposed(event, 1);
    else event = composed([event]);
  }
  return event;
}

/** `value` (parsed JSON) with every object wrapped in a Proxy that counts property reads into `reads`. */
function counted(value: unknown, reads: { n: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const inner: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? value.map((v) => counted(v, reads))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, counted(v, reads)]));
  return new Proxy(inner, {
    get(target, key, receiver) {
      reads.n++;
      return Reflect.get(target, key, receiver);
    },
  });
}

describe('validation is linear in the size of the event', () => {
  it.each(WRAPPERS)('builds each level of a 21-level %s chain once (counted by Object.freeze calls), not 2^depth times', (kind) => {
    // Arrange: every event (and a composed list) is frozen once when it is built, so the freeze
    // calls count the events built. Before the fix each level validated its sub-event twice.
    const input = JSON.parse(nestedJson(20, kind));
    const freeze = vi.spyOn(Object, 'freeze');
    // Act
    let event: DpEvent;
    let built: number;
    try {
      event = validateEvent(input);
    } finally {
      built = freeze.mock.calls.length;
      freeze.mockRestore();
    }
    // Assert
    expect(event).toStrictEqual(nestedEvent(20, kind));
    expect(built).toBeGreaterThanOrEqual(21);
    expect(built).toBeLessThanOrEqual(2 * 21);
  });

  it.each(WRAPPERS)('reads each property of a 21-level %s chain a bounded number of times', (kind) => {
    const reads = { n: 0 };
    const input = counted(JSON.parse(nestedJson(20, kind)), reads);
    expect(validateEvent(input)).toStrictEqual(nestedEvent(20, kind));
    expect(reads.n).toBeLessThanOrEqual(21 * 12);
  });

  it.each(WRAPPERS)('validates a 31-level %s chain (2^30 passes before the fix) and round-trips it', (kind) => {
    const text = nestedJson(30, kind);
    const event = eventFromJSON(text);
    expect(JSON.stringify(event)).toBe(text);
  });

  it('checks a sub-object shared by many parents once: 2^40 paths through 41 distinct objects', () => {
    // A plain object graph (not JSON, which cannot share) as a JavaScript caller may pass it.
    const reads = { n: 0 };
    let node: unknown = counted({ kind: 'poissonSampled', sampleRate: 0.01, event: { kind: 'gaussian', noiseMultiplier: 1 } }, reads);
    for (let i = 0; i < 40; i++) {
      const events = [node, node];
      node = new Proxy({ kind: 'composed', events }, { get: (t, k, r) => (reads.n++, Reflect.get(t, k, r)) });
    }
    const event = validateEvent(node);
    expect(event.kind).toBe('composed');
    expect(reads.n).toBeLessThanOrEqual(42 * 12);
  });
});

describe(`nesting limit MAX_EVENT_DEPTH = ${MAX_EVENT_DEPTH}`, () => {
  it('is a documented, sensible constant', () => {
    expect(MAX_EVENT_DEPTH).toBe(100);
  });

  it.each(WRAPPERS)('accepts a %s chain of exactly MAX_EVENT_DEPTH levels, from JSON and from the constructors', (kind) => {
    expect(eventFromJSON(nestedJson(MAX_EVENT_DEPTH - 1, kind))).toStrictEqual(nestedEvent(MAX_EVENT_DEPTH - 1, kind));
  });

  it.each(WRAPPERS)('refuses a %s chain one level deeper with INVALID_ARGUMENT naming the limit and the depth', (kind) => {
    const message = new RegExp(`more than ${MAX_EVENT_DEPTH} levels deep .*got depth ${MAX_EVENT_DEPTH + 1}`);
    expectInvalid(() => eventFromJSON(nestedJson(MAX_EVENT_DEPTH, kind)), message);
    const deepest = nestedEvent(MAX_EVENT_DEPTH - 1, kind);
    const oneMore = (): DpEvent =>
      kind === 'poissonSampled' ? poissonSampled(1, deepest) : kind === 'selfComposed' ? selfComposed(deepest, 1) : composed([noOp(), deepest]);
    expectInvalid(oneMore, message);
  });

  it.each(WRAPPERS)('refuses a 20,000-level %s chain with the typed error, not "Maximum call stack size exceeded"', (kind) => {
    const error = privkitErrorOf(() => eventFromJSON(nestedJson(20_000, kind)));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`more than ${MAX_EVENT_DEPTH} levels deep`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses a cyclic object with the typed error', () => {
    const cyclic: Record<string, unknown> = { kind: 'selfComposed', count: 2 };
    cyclic.event = cyclic;
    expectInvalid(() => validateEvent(cyclic), /more than 100 levels deep/);
  });

  it('refuses a 20,000-level event inside an accountant state (a hostile checkpoint), for both accountants', () => {
    for (const accountant of ['rdp', 'pld'] as const) {
      const state = JSON.parse(`{"accountant":"${accountant}","options":{},"ledger":[{"count":1,"event":${nestedJson(20_000, 'composed')}}]}`);
      const error = privkitErrorOf(() => restoreAccountant(state));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^In `state\.ledger\[0\]`: .*more than 100 levels deep/);
    }
  });

  it('supports() and compose() refuse it too (typed), and compose leaves the state unchanged', () => {
    const deep = JSON.parse(nestedJson(20_000, 'selfComposed')) as DpEvent;
    for (const acc of [new RdpAccountant(), new PldAccountant()]) {
      expectInvalid(() => acc.supports(deep), /more than 100 levels deep/);
      expectInvalid(() => acc.compose(deep), /more than 100 levels deep/);
      expect(acc.ledger).toEqual([]);
    }
  });
});

describe('malformed accountant states and events are typed errors', () => {
  it.each([
    ['a null ledger entry', { accountant: 'rdp', options: {}, ledger: [null] }, /`state\.ledger\[0\]` must be an object \{ event, count \}; got null\./],
    ['a number as ledger entry', { accountant: 'pld', options: {}, ledger: [{ event: { kind: 'noOp' }, count: 1 }, 7] }, /`state\.ledger\[1\]` must be an object/],
    ['a bad count', { accountant: 'rdp', options: {}, ledger: [{ event: { kind: 'noOp' }, count: -1 }] }, /^In `state\.ledger\[0\]`: `count` must be an integer ≥ 0; got -1\./],
    ['options that are not an object', { accountant: 'rdp', options: 'x', ledger: [] }, /`state\.options` must be an object; got "x"\./],
    ['a null state', null, /`state\.accountant` must be "rdp" or "pld"; got undefined/],
  ])('%s', (_name, state, message) => {
    expectInvalid(() => restoreAccountant(state as never), message);
  });

  it('supports() of a malformed event is INVALID_ARGUMENT (it threw a TypeError), like compose()', () => {
    for (const acc of [new RdpAccountant(), new PldAccountant()]) {
      expectInvalid(() => acc.supports({ kind: 'composed' } as never), /`event\.events` must be an array of DP events; got undefined\./);
      expectInvalid(() => acc.supports(null as never), /`event` must be a DP event object/);
    }
  });

  it('an error message quotes at most a few hundred characters of a huge bad value', () => {
    const huge = { kind: 'composed', events: { list: Array.from({ length: 100_000 }, (_, i) => i) } };
    const error = privkitErrorOf(() => validateEvent(huge));
    expect(error.message).toMatch(/^`event\.events` must be an array of DP events; got \{"list":\[0,1,2,/);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('walks over shared sub-events are linear in the distinct sub-events', () => {
  /** 2^levels runs of `leaf`, as a chain of `composed([e, e])` that shares each level. */
  function doubling(leaf: DpEvent, levels: number): DpEvent {
    let e = leaf;
    for (let i = 0; i < levels; i++) e = composed([e, e]);
    return e;
  }

  it('RDP of 2^40 shared runs equals compose(leaf, 2^40) bit for bit, in milliseconds', () => {
    const leaf = poissonSampled(0.01, gaussian(1.3));
    const event = doubling(leaf, 40);
    const start = performance.now();
    const acc = new RdpAccountant();
    expect(acc.supports(event)).toBe(true);
    acc.compose(event);
    // Generous: 41 distinct events; the walk over all 2^40 paths would take days.
    expect(performance.now() - start).toBeLessThan(2000);
    // v + v doubled 40 times is exactly 2^40·v in float64, so the two must agree bit for bit.
    expect(acc.rdpVector()).toEqual(new RdpAccountant().compose(leaf, 2 ** 40).rdpVector());
  });

  it('PLD of 2^40 shared Gaussian runs equals compose(gaussian, 2^40) (one Gaussian of σ/2^20, closed form)', () => {
    const event = doubling(gaussian(1e6), 40);
    const start = performance.now();
    const acc = new PldAccountant().compose(event);
    const viaCount = new PldAccountant().compose(gaussian(1e6), 2 ** 40);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(acc.getEpsilon(1e-5)).toBe(viaCount.getEpsilon(1e-5));
    // And against the closed form of a Gaussian with σ_eff = 1e6/2^20 (Balle & Wang 2018, Thm 8),
    // through δ(ε) at the reported ε: the PLD bound is pessimistic, so its δ is ≥ the exact one there
    // and its ε is within the grid width 1e-4 of the exact ε (the exact δ at ε − 2e-4 exceeds 1e-5).
    const s = 1e6 / 2 ** 20;
    const exactDelta = (eps: number): number => ndtr(-eps * s + 1 / (2 * s)) - Math.exp(eps) * ndtr(-eps * s - 1 / (2 * s));
    const eps = acc.getEpsilon(1e-5);
    expect(exactDelta(eps)).toBeLessThanOrEqual(1e-5 * (1 + 1e-9));
    expect(exactDelta(eps - 2e-4)).toBeGreaterThan(1e-5);
  });

  it('a composition of 2^40 shared leaves, one of them unsupported, is refused fast, naming it briefly', () => {
    const bad = poissonSampled(0.5, laplace(1));
    const event = composed([doubling(poissonSampled(0.01, gaussian(1)), 40), bad]);
    for (const acc of [new RdpAccountant(), new PldAccountant()]) {
      expect(acc.supports(event)).toBe(false);
      const error = privkitErrorOf(() => acc.compose(event));
      expect(error.code).toBe('UNSUPPORTED_EVENT');
      expect(error.message).toContain('poissonSampled(q=0.5, laplace(b=1))');
    }
  });

  it('describeEvent of 2^40 shared leaves stops after a few hundred characters', () => {
    const text = describeEvent(doubling(gaussian(1), 40));
    expect(text.startsWith('composed([composed([')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(241);
    expect(describeEvent(composed([gaussian(1), laplace(2)]))).toBe('composed([gaussian(σ=1), laplace(b=2)])');
  });
});

/** Φ(x) = ½·erfc(−x/√2), with stdlib's erfc (a few ulps over the real line), not privkit's own code. */
function ndtr(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
