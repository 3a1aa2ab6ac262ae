import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { exposureAll, exposureByInterpolation, fillCanary, parseCanaryFormat } from '../../../mia/canary/index.js';
import { enumerateLogPerplexities } from '../../../mia/canary/_internals/enumerate.js';
import { resolveScorer } from '../../../mia/canary/_internals/scoring.js';
import { expectInvalid } from '../../_support/errors.js';
import { mulberry32 } from '../../_support/prng.js';
import { hashCharModel, tableScorer } from './_mockScorers.js';

const PROPERTY_PARAMETERS = { seed: 20251126, numRuns: 300 } as const;

async function expectInvalidAsync(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrivkitError);
  expect((error as PrivkitError).code).toBe('INVALID_ARGUMENT');
  expect((error as PrivkitError).message).toMatch(message);
}

describe('exposureByInterpolation', () => {
  it('ranks by ≤ with the secret itself included (hand-computed)', () => {
    // Sorted: 1, 2, 2, 5, 6, 7, 8, 9. Candidates ≤ 2: {1, 2, 2} → rank 3, one tie besides the secret.
    const r = exposureByInterpolation(2, [5, 2, 9, 2, 7, 1, 8, 6]);
    expect(r).toEqual({ exposure: 3 - Math.log2(3), rank: 3, ties: 1, log2SpaceSize: 3 });
  });

  it('gives log₂|R| at rank 1 and 0 when every candidate is at least as likely', () => {
    expect(exposureByInterpolation(0.5, [0.5, 1, 2, 3]).exposure).toBe(2);
    expect(exposureByInterpolation(3, [0.5, 1, 2, 3]).exposure).toBe(0);
    expect(exposureByInterpolation(7, [7, 7, 7, 7])).toEqual({ exposure: 0, rank: 4, ties: 3, log2SpaceSize: 2 });
  });

  it('floors the rank at 1 when the list lacks the secret and nothing is lower', () => {
    expect(exposureByInterpolation(0, [1, 2, 3, 4]).rank).toBe(1);
  });

  it('equals log₂ n − log₂ #{v ≤ t} exactly on random tie-heavy data (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 60 }), fc.nat(), (values, pick) => {
        const target = values[pick % values.length];
        const atMost = values.filter((v) => v <= target).length;
        const equal = values.filter((v) => v === target).length;
        const r = exposureByInterpolation(target, values);
        expect(r.rank).toBe(atMost);
        expect(r.ties).toBe(equal - 1);
        expect(r.exposure).toBe(Math.log2(values.length) - Math.log2(atMost));
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses an empty list and NaN', () => {
    expectInvalid(() => exposureByInterpolation(1, []), /non-empty/);
    expectInvalid(() => exposureByInterpolation(1, [1, NaN]), /NaN at index 1/);
    expectInvalid(() => exposureByInterpolation(NaN, [1]), /`targetLogPerplexity` must be a number/);
  });
});

describe('exposureAll', () => {
  it('equals log₂|R| − log₂ rank exactly with a mock scorer of known log-perplexities', async () => {
    const format = parseCanaryFormat('pin {d3}');
    // Candidate i has log-perplexity (i·37 mod 1000)/10: a permutation of 0, 0.1, …, 99.9.
    const values = Float64Array.from({ length: 1000 }, (_, i) => ((i * 37) % 1000) / 10);
    const scorer = tableScorer(format, values);
    for (const [index, rank] of [
      [0, 1], // value 0: the most likely
      [27, 1000], // 27·37 = 999: the least likely
      [1, 38], // value 3.7: 0.0 … 3.7 → 38 candidates
    ] as const) {
      const r = await exposureAll(format, scorer, fillCanary(format, index), { batchSize: 64 });
      expect(r.rank).toBe(rank);
      expect(r.ties).toBe(0);
      expect(r.exposure).toBe(format.log2SpaceSize - Math.log2(rank));
      expect(r.targetLogPerplexity).toBe(values[index]);
      expect(r.method).toBe('candidateScorer');
      expect(r.evaluations).toBe(1000);
    }
    expect(scorer.maxBatch).toBe(64);
  });

  it('counts ties against the secret (Definition of rank uses ≤)', async () => {
    const format = parseCanaryFormat('{d2}');
    const values = Float64Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : i < 15 ? 2 : 3));
    const r = await exposureAll(format, tableScorer(format, values), '12');
    expect(r.rank).toBe(15);
    expect(r.ties).toBe(4);
    expect(r.exposure).toBe(format.log2SpaceSize - Math.log2(15));
  });

  it('exact enumeration via SlotScorer equals brute-force CandidateScorer enumeration', async () => {
    const format = parseCanaryFormat('id: {d2}-{a1}!');
    const model = hashCharModel('0123456789abcdefghijklmnopqrstuvwxyz:-! di', 3);
    const slot = await enumerateLogPerplexities(format, resolveScorer(model, true), 37);
    const brute = await enumerateLogPerplexities(format, resolveScorer(model, false), 37);
    // Brute force scores the prefix too: the difference is the constant −log₂ Pr("id: ").
    const prefixBits = (await model.logPerplexity(['id: ']))[0];
    for (let i = 0; i < format.spaceSize; i++) expect(brute.logPerplexities[i] - slot.logPerplexities[i]).toBeCloseTo(prefixBits, 10);
    // Tree rows: 1 (before d) + 10 + 100 (before '-', before a) + 2600 ('!') = 1 + 10 + 100 + 100 + 2600.
    expect(slot.evaluations).toBe(1 + 10 + 100 + 100 + 2600);
    expect(brute.evaluations).toBe(2600);

    const all = await model.logPerplexity(Array.from({ length: 2600 }, (_, i) => fillCanary(format, i)));
    for (const secret of ['id: 42-q!', 'id: 00-a!', 'id: 99-z!']) {
      const viaTree = await exposureAll(format, model, secret, { batchSize: 50 });
      const viaBrute = await exposureAll(format, model, secret, { batchSize: 50, useSlotScorer: false });
      expect(viaTree.method).toBe('slotTree');
      expect(viaBrute.method).toBe('candidateScorer');
      expect(viaTree.rank).toBe(viaBrute.rank);
      expect(viaTree.exposure).toBe(viaBrute.exposure);
      // Independent brute force: score every candidate's chain rule directly.
      const target = (await model.logPerplexity([secret]))[0];
      expect(viaBrute.rank).toBe(all.filter((v) => v <= target).length);
    }
  });

  it('walks the tree in batches of at most batchSize prefixes', async () => {
    const format = parseCanaryFormat('{d3}');
    const model = hashCharModel('0123456789');
    const r = await exposureAll(format, model, '123', { batchSize: 7 });
    expect(r.evaluations).toBe(1 + 10 + 100);
    expect(model.rows).toBe(111);
    expect(model.calls).toBeGreaterThanOrEqual(Math.ceil(111 / 7));
    expect(model.calls).toBeLessThanOrEqual(20);
  });

  it('reports progress up to |R|', async () => {
    const format = parseCanaryFormat('{d3}');
    const seen: number[] = [];
    await exposureAll(format, tableScorer(format, new Float64Array(1000)), '000', { batchSize: 300, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([0.3, 0.6, 0.9, 1]);
  });

  it('refuses |R| above maxSpaceSize, naming |R| and extrapolation', async () => {
    const format = parseCanaryFormat('my pin is {d7}');
    await expectInvalidAsync(
      exposureAll(format, tableScorer(format, []), 'my pin is 1234567'),
      /\|R\| = 1\.000e\+7 candidates .* more than `maxSpaceSize` = 1000000 can enumerate; use exposureByExtrapolation\./,
    );
  });

  it('refuses a secret of another format, malformed scorer output, and natural-log rows', async () => {
    const format = parseCanaryFormat('{d2}');
    await expectInvalidAsync(exposureAll(format, tableScorer(format, new Float64Array(100)), '1x'), /does not match/);
    await expectInvalidAsync(exposureAll(format, { logPerplexity: async () => new Float64Array(3) }, '12'), /one value per text; got 3 for 100/);
    await expectInvalidAsync(exposureAll(format, { logPerplexity: async (t) => new Float64Array(t.length).fill(NaN) }, '12'), /returned NaN/);
    const nats = {
      vocabulary: '0123456789',
      nextSymbolLogProbs: async (p: readonly string[]) => p.map(() => new Float64Array(10).fill(Math.log(0.1))),
    };
    await expectInvalidAsync(exposureAll(format, nats, '12'), /summing to 1 .*divided by ln 2/);
    const short = { vocabulary: '012345678', nextSymbolLogProbs: async (p: readonly string[]) => p.map(() => new Float64Array(9)) };
    await expectInvalidAsync(exposureAll(format, short, '12'), /`scorer.vocabulary` lacks "9"/);
    await expectInvalidAsync(exposureAll(format, {} as never, '12'), /must implement CandidateScorer/);
    await expectInvalidAsync(exposureAll('{d2}' as never, tableScorer(format, new Float64Array(100)), '12'), /`format` must be a CanaryFormat from parseCanaryFormat; got "\{d2\}"/);
  });

  it('is exact on a random permutation with a planted secret (seeded)', async () => {
    const format = parseCanaryFormat('{a2}');
    const random = mulberry32(3);
    const values = Float64Array.from({ length: 676 }, () => Math.floor(random() * 50));
    const r = await exposureAll(format, tableScorer(format, values), 'ab');
    const reference = exposureByInterpolation(values[1], values);
    expect(r.rank).toBe(reference.rank);
    expect(r.ties).toBe(reference.ties);
    expect(r.exposure).toBeCloseTo(reference.exposure, 12);
  });
});
