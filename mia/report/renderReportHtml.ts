/**
 * One self-contained HTML5 page per report: inline CSS, charts as inline SVG, no scripts, no fonts,
 * no links, so it reads the same opened from disk, mailed, or archived. A Content-Security-Policy
 * meta tag forbids every load, so even a chart that slipped a reference past the checks below could
 * not reach the network.
 */
import { PrivkitError, invalid, requireString, show } from '../../accountant/index.js';
import type { ReportChart, ReportDocument, ReportTable } from './ReportDocument.js';
import { escapeHtml, formatCell } from './_internals/format.js';
import { renderSvg } from './renderSvg.js';
import { stringifyReportJson } from './stringifyReportJson.js';

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f4; color: #1b1b1b; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 1rem; background: #fff; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
p { margin: .5rem 0; }
.generated { color: #555; margin: 0 0 1.5rem; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; margin: 0 auto; }
figcaption { margin-top: .5rem; font-size: .95rem; color: #333; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; font-size: .93rem; font-variant-numeric: tabular-nums; }
th, td { padding: .35rem .55rem; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { border-bottom: 2px solid #bbb; font-weight: 600; }
.num { text-align: right; }
dl { display: grid; grid-template-columns: minmax(6rem, max-content) minmax(0, 1fr); gap: .3rem 1.25rem; margin: 1rem 0; }
dt { font-weight: 600; overflow-wrap: anywhere; }
dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; overflow-wrap: anywhere; white-space: pre-wrap; }
footer { margin-top: 3rem; padding-top: .75rem; border-top: 1px solid #ddd; color: #666; font-size: .85rem; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } figure, table { break-inside: avoid; } }
`;

/** A setting's value longer than this is cut (the full value is in report.json). */
const MAX_SETTING_CHARS = 400;

/**
 * Renders a report as one self-contained HTML5 page: title, generation time, the summary table, each
 * section (explanation, charts as inline SVG with their one-sentence captions, tables), the settings
 * as a definition list, and a footer. All text is HTML-escaped; the page contains no `<script>`, no
 * external references and no URL other than the SVG namespace. Charts scale to the page width (up
 * to their natural size), and the layout has a maximum width, so nothing scrolls sideways.
 *
 * @param doc - the report; charts are rendered with {@link renderSvg}.
 * @returns the HTML text.
 * @throws PrivkitError `INVALID_ARGUMENT` when `doc` is not a {@link ReportDocument} (the message names
 *   the field: a title that is not a string, sections that are not an array, …), a table row's length
 *   differs from its columns, a chart fails to render, or a rendered chart contains scripts or links
 *   (message names the chart).
 * @example
 * ```ts
 * const html = await renderReportHtml(miaReportDocument(result));
 * ```
 */
export async function renderReportHtml(doc: ReportDocument): Promise<string> {
  checkDocument(doc);
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    `<p class="generated">Generated <time datetime="${escapeHtml(doc.generatedAt)}">${escapeHtml(doc.generatedAt)}</time></p>`,
    '</header>',
  );
  if (doc.summary !== undefined) {
    out.push('<section>', '<h2>Summary</h2>', tableHtml(doc.summary, 'summary'), '</section>');
  }
  let figure = 0;
  for (const section of doc.sections) {
    out.push('<section>', `<h2>${escapeHtml(section.title)}</h2>`, `<p>${escapeHtml(section.explanation)}</p>`);
    for (const chart of section.charts) {
      out.push(await figureHtml(chart, ++figure, section.title));
    }
    section.tables.forEach((table, i) => out.push(tableHtml(table, `section "${section.title}", table ${i + 1}`)));
    out.push('</section>');
  }
  out.push('<section>', '<h2>Settings</h2>', settingsHtml(doc.settings), '</section>');
  out.push(
    '<footer>',
    '<p>Made with privkit; charts drawn with Vega-Lite. This page is self-contained: it loads no scripts, fonts, stylesheets or other files.</p>',
    '</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
}

async function figureHtml(chart: ReportChart, index: number, sectionTitle: string): Promise<string> {
  const where = `section "${sectionTitle}", chart "${chart.title}"`;
  let svg: string;
  try {
    svg = await renderSvg(chart.spec);
  } catch (e) {
    const error = e as PrivkitError;
    throw new PrivkitError(error.code ?? 'INVALID_ARGUMENT', `${where}: ${error.message}`, { chart: chart.title });
  }
  if (/<script|<foreignObject|\s(?:xlink:)?href=|\son[a-z]+=/i.test(svg)) {
    throw new PrivkitError('INVALID_ARGUMENT', `${where}: the rendered SVG holds a script or a link; report charts must be static.`, { chart: chart.title });
  }
  return [
    '<figure>',
    fitSvg(svg, `f${index}-`),
    `<figcaption><strong>${escapeHtml(chart.title)}.</strong> ${escapeHtml(chart.explanation)}</figcaption>`,
    '</figure>',
  ].join('\n');
}

/**
 * Caps the SVG at its natural width (CSS makes it 100% wide, so it shrinks on narrow screens without
 * growing fonts on wide ones) and prefixes its ids, so clip paths of different charts on one page
 * cannot collide.
 */
function fitSvg(svg: string, prefix: string): string {
  const width = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) [\d.]+"/.exec(svg)?.[1];
  const root = width === undefined ? '<svg' : `<svg style="max-width: ${width}px"`;
  return svg
    .replace(/^<svg/, root)
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
}

/** Checks the document's structure, so that rendering cannot fail on a missing or mistyped field. */
function checkDocument(doc: unknown): asserts doc is ReportDocument {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(doc)) invalid(`\`doc\` must be a ReportDocument { title, generatedAt, sections, settings }; got ${show(doc)}.`, { field: 'doc' });
  requireString('doc.title', doc.title);
  requireString('doc.generatedAt', doc.generatedAt);
  if (!isObject(doc.settings)) invalid(`\`doc.settings\` must be an object of named settings; got ${show(doc.settings)}.`, { field: 'doc.settings' });
  if (doc.summary !== undefined) checkTable('doc.summary', doc.summary);
  if (!Array.isArray(doc.sections)) invalid(`\`doc.sections\` must be an array of sections; got ${show(doc.sections)}.`, { field: 'doc.sections' });
  doc.sections.forEach((section: unknown, i) => {
    const where = `doc.sections[${i}]`;
    if (!isObject(section)) invalid(`\`${where}\` must be a section { title, explanation, charts, tables }; got ${show(section)}.`, { field: where });
    requireString(`${where}.title`, section.title);
    requireString(`${where}.explanation`, section.explanation);
    if (!Array.isArray(section.charts)) invalid(`\`${where}.charts\` must be an array; got ${show(section.charts)}.`, { field: `${where}.charts` });
    section.charts.forEach((chart: unknown, c) => {
      if (!isObject(chart) || !isObject(chart.spec)) invalid(`\`${where}.charts[${c}]\` must be a chart { title, explanation, spec }; got ${show(chart)}.`, { field: `${where}.charts` });
      requireString(`${where}.charts[${c}].title`, chart.title);
      requireString(`${where}.charts[${c}].explanation`, chart.explanation);
    });
    if (!Array.isArray(section.tables)) invalid(`\`${where}.tables\` must be an array; got ${show(section.tables)}.`, { field: `${where}.tables` });
    section.tables.forEach((table: unknown, t) => checkTable(`${where}.tables[${t}]`, table));
  });
}

/** A table: string columns, and rows of string, number or null cells (row lengths are checked when rendered). */
function checkTable(where: string, table: unknown): void {
  const t = table as Partial<Record<keyof ReportTable, unknown>> | null;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
    invalid(`\`${where}\` must be a table { columns, rows }; got ${show(table)}.`, { field: where });
  }
  t.columns.forEach((c: unknown, i) => requireString(`${where}.columns[${i}]`, c));
  t.rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row)) invalid(`\`${where}.rows[${r}]\` must be an array of cells; got ${show(row)}.`, { field: where });
    row.forEach((cell: unknown, c) => {
      if (!(cell === null || typeof cell === 'string' || typeof cell === 'number')) {
        invalid(`\`${where}.rows[${r}][${c}]\` must be a string, a number or null; got ${show(cell)}.`, { field: where });
      }
    });
  });
}

function tableHtml(table: ReportTable, where: string): string {
  table.rows.forEach((row, i) => {
    if (row.length !== table.columns.length) {
      throw new PrivkitError('INVALID_ARGUMENT', `${where}: row ${i} has ${row.length} cells but there are ${table.columns.length} columns.`);
    }
  });
  const numeric = table.columns.map((_, c) => table.rows.length > 0 && table.rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const cls = (c: number): string => (numeric[c] ? ' class="num"' : '');
  const head = table.columns.map((h, c) => `<th scope="col"${cls(c)}>${escapeHtml(h)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((v, c) => `<td${cls(c)}>${escapeHtml(formatCell(v))}</td>`).join('')}</tr>`);
  return ['<table>', `<thead><tr>${head}</tr></thead>`, '<tbody>', ...body, '</tbody>', '</table>'].join('\n');
}

function settingsHtml(settings: Record<string, unknown>): string {
  const entries = Object.entries(settings);
  if (entries.length === 0) return '<p>No settings were recorded.</p>';
  const items = entries.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(settingText(value))}</dd>`);
  return ['<dl>', ...items, '</dl>'].join('\n');
}

function settingText(value: unknown): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : stringifyReportJson(value, 0);
  return text.length <= MAX_SETTING_CHARS ? text : `${text.slice(0, MAX_SETTING_CHARS)}… (${text.length} characters)`;
}
