/**
 * renderSvg loads vega and vega-lite on its first call, not when privkit/mia is imported; when they
 * cannot be loaded it is MISSING_DEPENDENCY naming them, and a later call tries again.
 * (test/package/consumer.test.ts checks the same on the packed tarball, in the reference lane.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('vega');
  vi.doUnmock('vega-lite');
  vi.resetModules();
});

const chart = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } };

describe('renderSvg loads vega lazily', () => {
  it('importing privkit/mia evaluates neither vega nor vega-lite; the first render evaluates both', async () => {
    vi.resetModules();
    const loaded: string[] = [];
    vi.doMock('vega', async (importOriginal) => {
      loaded.push('vega');
      return importOriginal();
    });
    vi.doMock('vega-lite', async (importOriginal) => {
      loaded.push('vega-lite');
      return importOriginal();
    });
    const mia = await import('../../../mia/index.js');
    expect(loaded).toEqual([]);
    const svg = await mia.renderSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(loaded.sort()).toEqual(['vega', 'vega-lite']);
  });

  it('vega that cannot be loaded is MISSING_DEPENDENCY with the npm install line; the next call retries', async () => {
    vi.resetModules();
    let broken = true;
    vi.doMock('vega', async (importOriginal) => {
      if (broken) throw new Error("Cannot find package 'vega'");
      return importOriginal();
    });
    const { renderSvg } = await import('../../../mia/report/renderSvg.js');
    // The class of this module graph (resetModules gave renderSvg a fresh one).
    const { PrivkitError } = await import('../../../accountant/index.js');
    const error = await renderSvg(chart).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PrivkitError);
    const { code, message } = error as InstanceType<typeof PrivkitError>;
    expect(code).toBe('MISSING_DEPENDENCY');
    expect(message).toContain('"vega" and "vega-lite"');
    expect(message).toContain('`npm install vega vega-lite`');
    broken = false;
    expect((await renderSvg(chart)).startsWith('<svg')).toBe(true);
  });
});
