/**
 * RdpAccountant behaviour: chaining, the ledger, all-or-nothing composition, supported events,
 * argument checks, JSON state, custom orders, and the closed forms of the Gaussian and Laplace RDP.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RDP_ORDERS,
  RdpAccountant,
  composed,
  gaussian,
  laplace,
  noOp,
  nonPrivate,
  poissonSampled,
  selfComposed,
  type DpEvent,
} from '../../accountant/index.js';
import { expectInvalid, privkitErrorOf } from '../_support/errors.js';


/** The IEEE-754 bit patterns, so that equality is bitwise (and −0 ≠ +0). */
const bits = (values: readonly number[]): bigint[] => Array.from(new BigUint64Array(Float64Array.from(values).buffer));

const step = poissonSampled(0.01, gaussian(1.1));

describe('compose', () => {
  it('returns the accountant itself, so calls chain', () => {
    const acc = new RdpAccountant();
    expect(acc.compose(step)).toBe(acc);
    expect(acc.compose(step, 3).compose(gaussian(10))).toBe(acc);
  });

  it('adds RDP vectors: compose(e, 2) then compose(e, 3) equals compose(e, 5)', () => {
    const chained = new RdpAccountant().compose(step, 2).compose(step, 3);
    const once = new RdpAccountant().compose(step, 5);
    const single = new RdpAccountant().compose(step).rdpVector();
    // 2r + 3r and 5r differ by rounding only: a couple of ulps.
    chained.rdpVector().forEach((r, i) => {
      expect(Math.abs(r - once.rdpVector()[i])).toBeLessThanOrEqual(1e-15 * r);
      expect(Math.abs(r - 5 * single[i])).toBeLessThanOrEqual(1e-15 * r);
    });
    expect(chained.getEpsilon(1e-5)).toBeGreaterThan(new RdpAccountant().compose(step, 4).getEpsilon(1e-5));
  });

  it('count 0 adds nothing but is recorded in the ledger', () => {
    const acc = new RdpAccountant().compose(step, 0);
    expect(acc.rdpVector().every((r) => r === 0)).toBe(true);
    expect(acc.getEpsilon(1e-5)).toBe(0);
    expect(acc.ledger).toEqual([{ event: step, count: 0 }]);
  });

  it('defaults count to 1', () => {
    expect(bits(new RdpAccountant().compose(step).rdpVector())).toEqual(bits(new RdpAccountant().compose(step, 1).rdpVector()));
    expect(new RdpAccountant().compose(step).ledger[0].count).toBe(1);
  });

  it('rejects a bad count or a bad event with INVALID_ARGUMENT and leaves the state unchanged', () => {
    const acc = new RdpAccountant().compose(step, 7);
    const before = bits(acc.rdpVector());
    expectInvalid(() => acc.compose(step, -1), /`count` must be an integer ≥ 0; got -1\./);
    expectInvalid(() => acc.compose(step, 1.5), /`count` must be an integer ≥ 0; got 1\.5\./);
    expectInvalid(() => acc.compose(step, Number.NaN), /`count` must be an integer ≥ 0; got NaN\./);
    expectInvalid(() => acc.compose({ kind: 'gaussian', noiseMultiplier: -1 } as unknown as DpEvent), /`event\.noiseMultiplier` must be in \(0, ∞\); got -1\./);
    expect(bits(acc.rdpVector())).toEqual(before);
    expect(acc.ledger).toHaveLength(1);
  });
});

describe('ledger', () => {
  it('records every compose call in order, with the validated events', () => {
    const events: [DpEvent, number][] = [
      [step, 100],
      [gaussian(5), 1],
      [laplace(2), 3],
      [composed([noOp(), selfComposed(step, 2)]), 4],
    ];
    const acc = new RdpAccountant();
    for (const [e, n] of events) acc.compose(e, n);
    expect(acc.ledger).toEqual(events.map(([event, count]) => ({ event, count })));
  });

  it('is a frozen snapshot that callers cannot use to change the accountant', () => {
    const acc = new RdpAccountant().compose(step);
    const ledger = acc.ledger;
    expect(Object.isFrozen(ledger)).toBe(true);
    expect(Object.isFrozen(ledger[0])).toBe(true);
    acc.compose(gaussian(2));
    expect(ledger).toHaveLength(1);
    expect(acc.ledger).toHaveLength(2);
  });
});

describe('unsupported events', () => {
  it('are refused as a whole: UNSUPPORTED_EVENT naming the sub-event, state unchanged', () => {
    const acc = new RdpAccountant().compose(step, 10);
    const rdpBefore = bits(acc.rdpVector());
    const epsBefore = acc.getEpsilon(1e-5);
    const event = composed([gaussian(1), poissonSampled(0.1, laplace(1))]);

    const error = privkitErrorOf(() => acc.compose(event));

    expect(error.code).toBe('UNSUPPORTED_EVENT');
    expect(error.message).toContain('poissonSampled(q=0.1, laplace(b=1))');
    expect(error.details?.event).toEqual(poissonSampled(0.1, laplace(1)));
    expect(bits(acc.rdpVector())).toEqual(rdpBefore);
    expect(acc.getEpsilon(1e-5)).toBe(epsBefore);
    expect(acc.ledger).toEqual([{ event: step, count: 10 }]);
  });

  it('supports() agrees with compose()', () => {
    const supported: DpEvent[] = [
      gaussian(1),
      laplace(1),
      step,
      poissonSampled(0.3, noOp()),
      selfComposed(step, 5),
      composed([gaussian(1), laplace(2), step]),
      nonPrivate(),
      noOp(),
      composed([]),
    ];
    const unsupported: DpEvent[] = [
      poissonSampled(0.1, laplace(1)),
      poissonSampled(0.1, poissonSampled(0.5, gaussian(1))),
      poissonSampled(0.1, selfComposed(gaussian(1), 2)),
      poissonSampled(0.1, nonPrivate()),
      selfComposed(poissonSampled(0.1, laplace(1)), 3),
      composed([gaussian(1), selfComposed(composed([poissonSampled(0.2, laplace(3))]), 2)]),
    ];
    for (const e of supported) {
      expect(new RdpAccountant().supports(e)).toBe(true);
      expect(() => new RdpAccountant().compose(e)).not.toThrow();
    }
    for (const e of unsupported) {
      expect(new RdpAccountant().supports(e)).toBe(false);
      expect(privkitErrorOf(() => new RdpAccountant().compose(e)).code).toBe('UNSUPPORTED_EVENT');
    }
  });
});

describe('special events', () => {
  it('nonPrivate makes ε infinite, δ(ε) = 1, and has no optimal order', () => {
    const acc = new RdpAccountant().compose(step, 10).compose(nonPrivate());
    expect(acc.getEpsilon(1e-5)).toBe(Infinity);
    expect(acc.getEpsilonAndOrder(1e-5)).toEqual({ epsilon: Infinity, order: null });
    expect(acc.getDelta(10)).toBe(1);
    expect(acc.rdpVector().every((r) => r === Infinity)).toBe(true);
  });

  it('noOp costs nothing: ε = 0 and δ(0) = 0', () => {
    const acc = new RdpAccountant().compose(noOp(), 1000);
    expect(acc.getEpsilon(1e-10)).toBe(0);
    expect(acc.getDelta(0)).toBe(0);
  });

  it('an empty accountant is (0, 0)-DP', () => {
    const acc = new RdpAccountant();
    expect(acc.getEpsilon(1e-5)).toBe(0);
    expect(acc.getDelta(0)).toBe(0);
    expect(acc.ledger).toEqual([]);
  });
});

describe('getEpsilon / getDelta arguments', () => {
  const acc = new RdpAccountant().compose(step, 100);

  it.each([0, 1, 1.5, Number.NaN, -1])('getEpsilon(%s) is INVALID_ARGUMENT', (delta) => {
    expectInvalid(() => acc.getEpsilon(delta), new RegExp(`\`delta\` must be in \\(0, 1\\); got ${Number.isNaN(delta) ? 'NaN' : delta}\\.`));
    expect(privkitErrorOf(() => acc.getEpsilonAndOrder(delta)).code).toBe('INVALID_ARGUMENT');
  });

  it.each([-1, Number.NaN, -Infinity])('getDelta(%s) is INVALID_ARGUMENT', (epsilon) => {
    expectInvalid(() => acc.getDelta(epsilon), new RegExp(`\`epsilon\` must be in \\[0, ∞\\); got ${Number.isNaN(epsilon) ? 'NaN' : epsilon}\\.`));
  });

  // Regression: getDelta may return the Bretagnolle–Huber bound δ = √(1 − e^{−RDP(α)}), which holds at
  // ε = 0; getEpsilon must then certify ε = 0 for that δ (it once tested δ² + expm1(−RDP) > 0, which
  // rounding defeated, giving ε(δ(0.01)) = 32.28).
  it('getEpsilon(getDelta(ε)) ≤ ε when getDelta returns the Bretagnolle–Huber bound', () => {
    const heavy = new RdpAccountant().compose(poissonSampled(0.5, gaussian(2)), 1000);
    const delta = heavy.getDelta(0.01);
    expect(delta).toBeGreaterThan(0.999999999999999);
    expect(heavy.getEpsilon(delta)).toBeLessThanOrEqual(0.01);
    const light = new RdpAccountant().compose(gaussian(1), 6);
    const eps = light.getEpsilon(0.5);
    expect(light.getEpsilon(light.getDelta(eps))).toBeLessThanOrEqual(eps);
  });

  it('getDelta(∞) is 0 for a finite curve', () => {
    expect(acc.getDelta(Infinity)).toBe(0);
  });
});

describe('JSON state', () => {
  it('toJSON → JSON.stringify → JSON.parse → fromJSON gives the same RDP curve, bit for bit, and the same ε', () => {
    const acc = new RdpAccountant()
      .compose(step, 1234)
      .compose(gaussian(3.3))
      .compose(laplace(7), 2)
      .compose(composed([poissonSampled(0.37, gaussian(0.9)), noOp()]), 11);
    const restored = RdpAccountant.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    expect(bits(restored.rdpVector())).toEqual(bits(acc.rdpVector()));
    expect(restored.getEpsilon(1e-7)).toBe(acc.getEpsilon(1e-7));
    expect(restored.getDelta(2)).toBe(acc.getDelta(2));
    expect(restored.ledger).toEqual(acc.ledger);
    expect(restored.orders).toEqual(DEFAULT_RDP_ORDERS);
  });

  it('keeps custom orders', () => {
    const acc = new RdpAccountant({ orders: [1.5, 2, 32.25] }).compose(step, 9);
    const state = JSON.parse(JSON.stringify(acc.toJSON()));
    expect(state).toMatchObject({ accountant: 'rdp', options: { orders: [1.5, 2, 32.25] } });
    const restored = RdpAccountant.fromJSON(state);
    expect(restored.orders).toEqual([1.5, 2, 32.25]);
    expect(bits(restored.rdpVector())).toEqual(bits(acc.rdpVector()));
  });

  it('rejects a state of another accountant or with a malformed ledger', () => {
    expectInvalid(() => RdpAccountant.fromJSON({ accountant: 'pld', options: {}, ledger: [] }), /`state\.accountant` must be "rdp"; got "pld"\./);
    expectInvalid(
      () => RdpAccountant.fromJSON({ accountant: 'rdp', options: {}, ledger: 'x' } as never),
      /`state\.ledger` must be an array\./,
    );
    expectInvalid(
      () => RdpAccountant.fromJSON({ accountant: 'rdp', options: {}, ledger: [{ event: { kind: 'laplace', scale: 0 }, count: 1 }] } as never),
      /`event\.scale` must be in \(0, ∞\); got 0\./,
    );
    expectInvalid(() => RdpAccountant.fromJSON({ accountant: 'rdp', options: { orders: [0.5] }, ledger: [] }), /`orders\[0\]` must be in \(1, ∞\); got 0\.5\./);
  });
});

describe('orders option', () => {
  it('defaults to dp_accounting’s 156 orders', () => {
    const acc = new RdpAccountant();
    expect(acc.orders).toEqual(DEFAULT_RDP_ORDERS);
    expect(acc.orders).toHaveLength(156);
    expect(acc.rdpVector()).toHaveLength(156);
  });

  it('tracks custom orders, copied and frozen', () => {
    const orders = [1.5, 3, 20];
    const acc = new RdpAccountant({ orders });
    orders[0] = 99;
    expect(acc.orders).toEqual([1.5, 3, 20]);
    expect(Object.isFrozen(acc.orders)).toBe(true);
    acc.compose(gaussian(2));
    expect(acc.rdpVector()).toEqual([1.5 / 8, 3 / 8, 20 / 8]);
  });

  it('minimises ε over the given orders only', () => {
    const sigma = 4;
    const acc = new RdpAccountant({ orders: [2, 50] }).compose(gaussian(sigma));
    const delta = 1e-5;
    const at = (a: number): number => a / (2 * sigma * sigma) + Math.log1p(-1 / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    expect(acc.getEpsilonAndOrder(delta)).toEqual({ epsilon: Math.min(at(2), at(50)), order: at(2) < at(50) ? 2 : 50 });
  });

  it.each([
    ['[]', [], /`orders` must be a non-empty array of numbers > 1\./],
    ['[1]', [1], /`orders\[0\]` must be in \(1, ∞\); got 1\./],
    ['[0.5]', [0.5], /`orders\[0\]` must be in \(1, ∞\); got 0\.5\./],
    ['[NaN]', [Number.NaN], /`orders\[0\]` must be in \(1, ∞\); got NaN\./],
    ['[2, ∞]', [2, Infinity], /`orders\[1\]` must be in \(1, ∞\); got Infinity\./],
  ])('orders %s are INVALID_ARGUMENT', (_name, orders, message) => {
    expectInvalid(() => new RdpAccountant({ orders }), message);
  });
});

describe('closed forms', () => {
  it('Gaussian: RDP(α) = α/(2σ²) exactly, times the count', () => {
    for (const sigma of [0.3, 1, 1.1, 4.530877117, 50]) {
      const one = new RdpAccountant().compose(gaussian(sigma)).rdpVector();
      const many = new RdpAccountant().compose(gaussian(sigma), 37).rdpVector();
      DEFAULT_RDP_ORDERS.forEach((a, i) => {
        expect(one[i]).toBe(a / (2 * sigma * sigma));
        expect(many[i]).toBe(37 * (a / (2 * sigma * sigma)));
      });
    }
  });

  it('Poisson sampling at q = 1 is the plain mechanism, at q = 0 free', () => {
    const full = new RdpAccountant().compose(poissonSampled(1, gaussian(2))).rdpVector();
    expect(bits(full)).toEqual(bits(new RdpAccountant().compose(gaussian(2)).rdpVector()));
    expect(new RdpAccountant().compose(poissonSampled(0, gaussian(0.1)), 1000).rdpVector().every((r) => r === 0)).toBe(true);
  });

  it('Laplace: RDP(α) matches Mironov 2017 Prop. 6 evaluated directly where it does not overflow', () => {
    const orders = [1.1, 1.5, 2, 3, 10, 32.5];
    for (const b of [0.5, 1, 2, 10]) {
      const rdp = new RdpAccountant({ orders }).compose(laplace(b)).rdpVector();
      orders.forEach((a, i) => {
        const direct = Math.log((a / (2 * a - 1)) * Math.exp((a - 1) / b) + ((a - 1) / (2 * a - 1)) * Math.exp(-a / b)) / (a - 1);
        expect(Math.abs(rdp[i] - direct) / direct, `b=${b} α=${a}`).toBeLessThan(1e-13);
      });
    }
  });

  it('Laplace: RDP(α) increases to the pure-DP ε = 1/b, within log 2/(α − 1) at α = 1024', () => {
    // Prop. 6: 1/b + log(α/(2α−1))/(α−1) ≤ RDP(α) ≤ 1/b, and log(α/(2α−1)) > −log 2.
    const a = 1024;
    for (const b of [0.01, 0.5, 1, 2, 100]) {
      const rdp = new RdpAccountant({ orders: [a] }).compose(laplace(b)).rdpVector()[0];
      expect(rdp).toBeLessThanOrEqual((1 / b) * (1 + 1e-15));
      expect(rdp).toBeGreaterThanOrEqual(1 / b - Math.LN2 / (a - 1));
      const curve = new RdpAccountant().compose(laplace(b)).rdpVector();
      for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeGreaterThanOrEqual(curve[i - 1]);
    }
  });

  it('Laplace: ε(δ) ≤ 1/b + log(1/δ)/1023 (the bound at α = 1024)', () => {
    for (const b of [0.1, 1, 10]) {
      for (const delta of [1e-3, 1e-5, 1e-9]) {
        const eps = new RdpAccountant().compose(laplace(b)).getEpsilon(delta);
        expect(eps).toBeLessThanOrEqual(1 / b + Math.log(1 / delta) / 1023);
        expect(eps).toBeGreaterThan(0);
      }
    }
  });
});
