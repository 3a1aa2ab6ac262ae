/** `privkit report <dir>`: the HTML page rebuilt from the document stored in report.json. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { barChart, lineChart, renderReportHtml, stringifyReportJson, type ReportDocument } from '../../mia/index.js';
import { expectUsageError, parseJsonLine, runCli } from './runCli.js';

const doc: ReportDocument = {
  title: 'A stored report',
  generatedAt: '2025-01-01T00:00:00.000Z',
  summary: { columns: ['model', 'claimed ε'], rows: [['non-private', Infinity], ['DP-SGD', 3]] },
  sections: [
    {
      title: 'ε over steps',
      explanation: 'How ε grows.',
      charts: [
        { title: 'ε', explanation: 'One line per accountant.', spec: lineChart([{ name: 'RDP', x: [0, 10, 20], y: [0, 1, 1.5] }], { xTitle: 'step', yTitle: 'ε' }) },
        { title: 'claims', explanation: 'One bar per claim.', spec: barChart([{ label: 'RDP', value: 3 }], { yTitle: 'ε' }) },
      ],
      tables: [],
    },
  ],
  settings: { seed: 0 },
};

describe('privkit report', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'privkit-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeJson = (value: unknown, folder = dir): void => writeFileSync(join(folder, 'report.json'), stringifyReportJson(value));

  it('renders index.html again, identical to the page the document gave (∞ read back from 1e999)', async () => {
    writeJson({ format: 'privkit-report/1', html: 'index.html', summary: {}, document: doc });
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toContain('1e999');
    const r = await runCli(['report', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Wrote ${join(dir, 'index.html')} (1 sections, 2 charts) from ${join(dir, 'report.json')}\n`);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toBe(await renderReportHtml(doc));
    expect(html).toMatch(/<td[^>]*>∞<\/td>/);
    expect(html.match(/<figure>\s*<svg/g)).toHaveLength(2);
  });

  it('still reads a report.json of an older version, which spelled ∞ as the string "Infinity"', async () => {
    const legacy = JSON.stringify({ document: doc }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    expect(legacy).toContain('"Infinity"');
    writeFileSync(join(dir, 'report.json'), legacy);
    const r = await runCli(['report', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(await renderReportHtml(doc));
  });

  it('takes report.json itself, --out and --json', async () => {
    writeJson({ document: doc });
    const out = join(dir, 'page.html');
    const r = await runCli(['report', join(dir, 'report.json'), '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(parseJsonLine(r.stdout)).toEqual({ html: out, json: join(dir, 'report.json'), sections: 1, charts: 2 });
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('refuses a folder without report.json, a report without a document, and a malformed document (exit 2, one line)', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expectUsageError(await runCli(['report', empty]), 'report.json does not exist');
    writeJson({ attacks: [] });
    expectUsageError(await runCli(['report', dir]), 'has no report document');
    writeJson({ document: { ...doc, sections: [{ title: 'x' }] } });
    expectUsageError(await runCli(['report', dir]), '"document.sections[0]" must be');
    writeFileSync(join(dir, 'report.json'), '{ not json');
    expectUsageError(await runCli(['report', dir]), 'cannot read it as JSON');
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('--help lists the flags and one example', async () => {
    const r = await runCli(['report', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--out <file>');
    expect(r.stdout).toContain('Example:\n  $ privkit report privkit-report');
  });
});
