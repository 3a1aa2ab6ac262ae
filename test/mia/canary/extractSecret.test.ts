import { describe, expect, it } from 'vitest';
import { extractSecret, fillCanary, parseCanaryFormat, type SlotScorer } from '../../../mia/canary/index.js';
import { positionalDigitScorer, tableScorer } from './_mockScorers.js';

describe('extractSecret (SlotScorer beam search)', () => {
  const format = parseCanaryFormat('pin {d6}');
  const secret = 'pin 281265';

  it('extracts the most likely secret at rank 1 with its exact log-perplexity', async () => {
    const scorer = positionalDigitScorer('pin ', [2, 8, 1, 2, 6, 5], [0.5, 0.6, 0.7, 0.5, 0.9, 0.4]);
    const r = await extractSecret(format, scorer, secret, { width: 16 });
    expect(r.extracted).toBe(true);
    expect(r.rank).toBe(1);
    expect(r.method).toBe('slotTree');
    expect(r.candidates).toHaveLength(10);
    expect(r.candidates[0].text).toBe(secret);
    expect(r.candidates[0].logPerplexity).toBeCloseTo(-Math.log2(0.5 * 0.6 * 0.7 * 0.5 * 0.9 * 0.4), 12);
    for (let i = 1; i < r.candidates.length; i++) expect(r.candidates[i].logPerplexity).toBeGreaterThanOrEqual(r.candidates[i - 1].logPerplexity);
    // Rows: 1 + 16 per later position (beam stays at 16 after the second digit: 1, 10, 16, 16, 16, 16).
    expect(r.evaluations).toBe(1 + 10 + 16 * 4);
  });

  it('reports extracted false and rank null when beam search prunes the secret', async () => {
    // The first digit 2 is unlikely (0.05 vs 0.95/9 ≈ 0.106 for each other digit), but after it the
    // model is sure of "81265"; after any other first digit it is uniform. Globally the secret is by far
    // the most likely (4.4 bits vs ≥ 19.8), yet a beam of width 2 drops it at the first digit.
    const favourite = [8, 1, 2, 6, 5];
    const scorer: SlotScorer = {
      vocabulary: '0123456789',
      async nextSymbolLogProbs(prefixes) {
        return prefixes.map((p) => {
          const digits = p.slice(4);
          if (digits.length === 0) return Float64Array.from({ length: 10 }, (_, d) => Math.log2(d === 2 ? 0.05 : 0.95 / 9));
          if (digits[0] !== '2') return new Float64Array(10).fill(Math.log2(0.1));
          const want = favourite[digits.length - 1];
          return Float64Array.from({ length: 10 }, (_, d) => Math.log2(d === want ? 0.991 : 0.001));
        });
      },
    };
    const narrow = await extractSecret(format, scorer, secret, { width: 2 });
    expect(narrow).toMatchObject({ extracted: false, rank: null });
    expect(narrow.candidates.map((c) => c.text)).not.toContain(secret);
    const wide = await extractSecret(format, scorer, secret, { width: 10 });
    expect(wide).toMatchObject({ extracted: true, rank: 1 });
  });

  it('counts the secret as extracted within `guesses`', async () => {
    // Second-most likely: the favourite at every position except the last, where 5 is second best.
    const scorer: SlotScorer = {
      vocabulary: '0123456789',
      async nextSymbolLogProbs(prefixes) {
        return prefixes.map((p) => {
          const i = p.length - 4;
          const best = i === 5 ? 9 : [2, 8, 1, 2, 6][i];
          if (i < 5) return Float64Array.from({ length: 10 }, (_, d) => Math.log2(d === best ? 0.5 : 0.5 / 9));
          return Float64Array.from({ length: 10 }, (_, d) => Math.log2(d === best ? 0.5 : d === 5 ? 0.3 : 0.2 / 8));
        });
      },
    };
    const one = await extractSecret(format, scorer, secret, { guesses: 1, candidates: 3 });
    expect(one).toMatchObject({ extracted: false, rank: 2 });
    expect(one.candidates.map((c) => c.text).slice(0, 2)).toEqual(['pin 281269', secret]);
    expect(await extractSecret(format, scorer, secret, { guesses: 2 })).toMatchObject({ extracted: true, rank: 2 });
  });

  it('adds the log-probability of fixed characters between and after slots', async () => {
    const f = parseCanaryFormat('{d1}-{d1}');
    const scorer: SlotScorer = {
      vocabulary: ['<pad>', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      async nextSymbolLogProbs(prefixes) {
        return prefixes.map((p) => {
          const row = new Float64Array(12).fill(-Infinity);
          if (p.length === 1) {
            // '-' is likely only after 7.
            row[1] = Math.log2(p === '7' ? 1 : 0.25);
            row[0] = p === '7' ? -Infinity : Math.log2(0.75);
          } else {
            // Digits: 3 is the favourite (0.19 each for 3, 0.09 for others).
            for (let d = 0; d < 10; d++) row[2 + d] = Math.log2(d === 3 ? 0.19 : 0.09);
          }
          return row;
        });
      },
    };
    const r = await extractSecret(f, scorer, '7-3', { width: 100 });
    expect(r).toMatchObject({ extracted: true, rank: 1 });
    expect(r.candidates[0].logPerplexity).toBeCloseTo(-Math.log2(0.09 * 1 * 0.19), 12);
  });
});

describe('extractSecret (CandidateScorer fallback)', () => {
  it('extracts from separable log-perplexities and scores the final beam exactly', async () => {
    const format = parseCanaryFormat('{d3}');
    // Px(abc) = |a − 4| + |b − 7| + |c − 1| + 10: the secret "471" is the unique minimum.
    const values = Float64Array.from({ length: 1000 }, (_, i) => Math.abs(Math.floor(i / 100) - 4) + Math.abs((Math.floor(i / 10) % 10) - 7) + Math.abs((i % 10) - 1) + 10);
    const scorer = tableScorer(format, values);
    const r = await extractSecret(format, scorer, '471', { width: 8, batchSize: 16 });
    expect(r).toMatchObject({ extracted: true, rank: 1, method: 'candidateScorer' });
    expect(r.candidates[0]).toEqual({ text: '471', logPerplexity: 10 });
    expect(r.evaluations).toBe(10 + 8 * 10 + 8 * 10);
    expect(scorer.maxBatch).toBeLessThanOrEqual(16);
    for (const c of r.candidates) expect(c.logPerplexity).toBe(values[Number(c.text)]);
  });

  it('returns rank null for a secret outside the final beam', async () => {
    const format = parseCanaryFormat('{d3}');
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const r = await extractSecret(format, tableScorer(format, values), fillCanary(format, 999), { width: 4 });
    expect(r).toMatchObject({ extracted: false, rank: null });
    expect(r.candidates.map((c) => c.text)).toEqual(['000', '001', '002', '003']);
  });

  it('refuses bad options', async () => {
    const format = parseCanaryFormat('{d3}');
    await expect(extractSecret(format, tableScorer(format, new Float64Array(1000)), '123', { width: 0 })).rejects.toThrow(/`width` must be an integer ≥ 1; got 0/);
  });
});
