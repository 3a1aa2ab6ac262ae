import { describe, expect, it } from 'vitest';
import { barChart, lineChart, renderReportHtml, type ReportDocument } from '../../../mia/report/index.js';
import { PrivkitError } from '../../../accountant/PrivkitError.js';

const EVIL = '<script>alert("x")</script>';

function doc(overrides: Partial<ReportDocument> = {}): ReportDocument {
  return {
    title: 'Audit',
    generatedAt: '2025-01-02T03:04:05.000Z',
    summary: { columns: ['Attack', 'AUC'], rows: [['lira', 0.712345], ['loss', null]] },
    sections: [
      {
        title: 'Privacy over time',
        explanation: 'How ε grows.',
        charts: [
          { title: 'ε over steps', explanation: 'One line per accountant.', spec: lineChart([{ name: 'RDP', x: [1, 2, 3], y: [0.1, 0.2, 0.4] }], { xTitle: 'Step', yTitle: 'ε' }) },
          { title: 'Claimed vs measured', explanation: 'Bars per model.', spec: barChart([{ label: 'm', value: 1, group: 'claimed' }, { label: 'm', value: 0.5, group: 'measured' }], { yTitle: 'ε' }) },
        ],
        tables: [{ columns: ['Step', 'ε'], rows: [[1, 0.1], [2, Infinity]] }],
      },
    ],
    settings: { noiseMultiplier: 1.1, orders: [2, 4, 8], dataset: 'mnist', delta: 0.00001, epsilon: Infinity },
    ...overrides,
  };
}

describe('renderReportHtml', () => {
  it('is one self-contained HTML5 page: no scripts, no links, no URL but the SVG namespace', async () => {
    // Act
    const html = await renderReportHtml(doc());
    // Assert
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|<iframe|<object|<embed|@import|@font-face|src=/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]*/gi) ?? [];
    expect(urls.length).toBe(2); // one xmlns per chart
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html.match(/url\((?!#)/g)).toBeNull(); // only fragment references inside the SVGs
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('lays out for reading without sideways scrolling', async () => {
    const html = await renderReportHtml(doc());
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/main \{[^}]*max-width: 60rem/);
    expect(html).toMatch(/figure svg \{[^}]*width: 100%; height: auto;/);
    const roots = html.match(/<svg [^>]*>/g) ?? [];
    expect(roots).toHaveLength(2);
    for (const root of roots) expect(root).toMatch(/^<svg style="max-width: [\d.]+px" [^>]*viewBox="0 0 [\d.]+ [\d.]+"/);
  });

  it('shows each chart as a figure with its one-sentence caption, then the tables, settings and footer', async () => {
    const html = await renderReportHtml(doc());
    expect(html).toContain('<title>Audit</title>');
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toContain('<td class="num">0.7123</td>');
    expect(html).toContain('<td class="num">—</td>');
    expect(html).toContain('<td class="num">∞</td>');
    expect(html).toContain('<figcaption><strong>ε over steps.</strong> One line per accountant.</figcaption>');
    expect(html.indexOf('Claimed vs measured')).toBeGreaterThan(html.indexOf('ε over steps'));
    expect(html).toContain('<dt>orders</dt><dd>[2,4,8]</dd>');
    expect(html).toContain('<dt>dataset</dt><dd>mnist</dd>');
    expect(html).toContain('<dt>epsilon</dt><dd>Infinity</dd>');
    expect(html).toContain('<dt>delta</dt><dd>0.00001</dd>');
    expect(html).toMatch(/<footer>[\s\S]*self-contained[\s\S]*<\/footer>/);
  });

  it('escapes every piece of text it is given', async () => {
    // Arrange
    const evil = doc({
      title: EVIL,
      summary: { columns: [EVIL], rows: [[EVIL]] },
      sections: [
        {
          title: EVIL,
          explanation: EVIL,
          charts: [{ title: EVIL, explanation: EVIL, spec: lineChart([{ name: EVIL, x: [1, 2], y: [1, 2] }], { xTitle: EVIL, yTitle: 'y', title: EVIL }) }],
          tables: [],
        },
      ],
      settings: { [EVIL]: EVIL, nested: { s: EVIL } },
    });
    // Act
    const html = await renderReportHtml(evil);
    // Assert
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>');
    expect(html.match(/&lt;script&gt;/g)!.length).toBeGreaterThanOrEqual(10);
  });

  it('gives the ids of each chart a distinct prefix so clip paths cannot collide', async () => {
    const html = await renderReportHtml(doc());
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
  });

  it('cuts very long settings (the full value belongs in report.json)', async () => {
    const html = await renderReportHtml(doc({ settings: { weights: Array.from({ length: 1000 }, (_, i) => i) } }));
    expect(html).toMatch(/<dt>weights<\/dt><dd>\[0,1,2,[\d,]+… \(3891 characters\)<\/dd>/);
  });

  it('renders an empty document and says when no settings were recorded', async () => {
    const html = await renderReportHtml({ title: 't', generatedAt: 'now', sections: [], settings: {} });
    expect(html).not.toContain('<h2>Summary</h2>');
    expect(html).toContain('No settings were recorded.');
  });

  it('names the chart that fails to render and the table whose rows do not fit', async () => {
    const broken = doc();
    broken.sections[0].charts[1] = { title: 'Broken', explanation: '', spec: { mark: 'nope' } };
    const error = await renderReportHtml(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).message).toMatch(/^section "Privacy over time", chart "Broken": the chart spec could not be rendered/);

    const ragged = doc({ summary: { columns: ['a', 'b'], rows: [[1]] } });
    await expect(renderReportHtml(ragged)).rejects.toThrow(/summary: row 0 has 1 cells but there are 2 columns/);
  });

  it('refuses charts that would link out', async () => {
    const linked = doc();
    linked.sections[0].charts = [
      { title: 'Linked', explanation: '', spec: { data: { values: [{ a: 1, h: 'https://example.com' }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, href: { field: 'h', type: 'nominal' } } } },
    ];
    await expect(renderReportHtml(linked)).rejects.toThrow(/chart "Linked": chart specs must be self-contained.*no images or links/);
  });
});
