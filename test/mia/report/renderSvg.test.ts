import { describe, expect, it } from 'vitest';
import { lineChart, renderSvg } from '../../../mia/report/index.js';
import { PrivkitError } from '../../../accountant/PrivkitError.js';

async function rejection(promise: Promise<unknown>): Promise<PrivkitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrivkitError);
  return error as PrivkitError;
}

describe('renderSvg', () => {
  it('returns standalone SVG with a viewBox and no namespace but the SVG one', async () => {
    // Arrange
    const spec = lineChart([{ name: 's', x: [1, 2], y: [1, 2] }], { xTitle: 'x', yTitle: 'y', width: 300, height: 200 });
    // Act
    const svg = await renderSvg(spec);
    // Assert
    const root = svg.slice(0, svg.indexOf('>') + 1);
    expect(root).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const [, w, h] = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(root) ?? [];
    expect(Number(w)).toBeGreaterThan(300);
    expect(Number(h)).toBeGreaterThan(200);
    expect(svg.match(/https?:\/\/[^\s"'<>]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('leaves the spec it is given unchanged', async () => {
    const spec = lineChart([{ name: 's', x: [1, 2], y: [1, 2] }], { xTitle: 'x', yTitle: 'y' });
    const before = structuredClone(spec);
    await renderSvg(spec);
    expect(spec).toStrictEqual(before);
  });

  it('escapes text from the data', async () => {
    const svg = await renderSvg(lineChart([{ name: '<script>alert(1)</script>', x: [1, 2], y: [1, 2] }], { xTitle: 'a & b', yTitle: 'y' }));
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a &amp; b');
  });

  it('refuses specs that do not compile, with vega-lite\'s reason', async () => {
    const error = await rejection(renderSvg({ data: { values: [] } }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/could not be rendered: Invalid specification/);
  });

  it('refuses external data and images instead of fetching them', async () => {
    const data = await rejection(renderSvg({ data: { url: 'https://example.com/scores.csv' }, mark: 'point' }));
    expect(data.message).toMatch(/inline.*"https:\/\/example\.com\/scores\.csv"/);
    const image = await rejection(
      renderSvg({ data: { values: [{ u: 'a.png' }] }, mark: 'image', encoding: { url: { field: 'u', type: 'nominal' } } }),
    );
    expect(image.code).toBe('INVALID_ARGUMENT');
  });

  it('fails on runtime dataflow errors instead of drawing an empty chart', async () => {
    const error = await rejection(
      renderSvg({ data: { values: [{ a: 1 }] }, transform: [{ calculate: 'nosuchfunction(datum.a)', as: 'b' }], mark: 'point', encoding: { x: { field: 'b', type: 'quantitative' } } }),
    );
    expect(error.message).toMatch(/nosuchfunction/);
  });
});
