/**
 * The run of `privkit report <dir>`: reads the report document stored in `<dir>/report.json` and
 * renders the self-contained HTML page again (after an upgrade of the renderer, or when the page was
 * deleted), written atomically.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrivkitError } from '../../accountant/index.js';
import { renderReportHtml, type ReportDocument } from '../../mia/index.js';
import { writeFileAtomic } from '../../src/node/index.js';
import { probeOutputs, withOutputs } from './outputTargets.js';

/** Validated settings of `privkit report`. */
export interface ReportSettings {
  /** The report folder (or its report.json). */
  readonly source: string;
  /** Where to write the page. @defaultValue `<dir>/` + the `html` name recorded in report.json, else index.html */
  readonly out?: string;
}

/** What `privkit report` did. */
export interface ReportRunResult {
  readonly json: string;
  readonly html: string;
  readonly sections: number;
  readonly charts: number;
}

const NON_FINITE: Readonly<Record<string, number>> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

function bad(path: string, what: string): PrivkitError {
  return new PrivkitError('BAD_DATA_FILE', `${path}: ${what}`, { path });
}

/**
 * Checks the shape of a stored report document (enough for the renderer not to fail obscurely) and
 * turns table cells that an older report.json spelled "Infinity", "-Infinity" or "NaN" back into
 * numbers (report.json now writes ±∞ as ±1e999, which JSON.parse reads as numbers; see stringifyJson).
 * @param raw - the parsed `document` field.
 * @param path - the file, for messages.
 * @returns the document.
 * @throws PrivkitError `BAD_DATA_FILE` naming the first field that is wrong.
 * @example
 * ```ts
 * const doc = reviveReportDocument(JSON.parse(text).document, 'out/report.json');
 * ```
 */
export function reviveReportDocument(raw: unknown, path: string): ReportDocument {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(raw)) {
    throw bad(path, 'has no report document (a "document" object); only reports written by privkit demo store one so far');
  }
  if (typeof raw.title !== 'string') throw bad(path, '"document.title" must be a string');
  if (typeof raw.generatedAt !== 'string') throw bad(path, '"document.generatedAt" must be a string');
  if (!Array.isArray(raw.sections)) throw bad(path, '"document.sections" must be an array');
  if (!isObject(raw.settings)) throw bad(path, '"document.settings" must be an object');
  const table = (t: unknown, where: string) => {
    if (!isObject(t) || !Array.isArray(t.columns) || !Array.isArray(t.rows) || !t.rows.every(Array.isArray)) {
      throw bad(path, `"${where}" must be a table {"columns": [...], "rows": [[...], ...]}`);
    }
    return { columns: t.columns.map(String), rows: (t.rows as unknown[][]).map((row) => row.map((c) => (typeof c === 'string' && c in NON_FINITE ? NON_FINITE[c] : (c as string | number | null)))) };
  };
  const sections = raw.sections.map((s: unknown, i) => {
    const where = `document.sections[${i}]`;
    if (!isObject(s) || typeof s.title !== 'string' || typeof s.explanation !== 'string' || !Array.isArray(s.charts) || !Array.isArray(s.tables)) {
      throw bad(path, `"${where}" must be {"title", "explanation", "charts": [...], "tables": [...]}`);
    }
    const charts = s.charts.map((c: unknown, j) => {
      if (!isObject(c) || typeof c.title !== 'string' || typeof c.explanation !== 'string' || !isObject(c.spec)) {
        throw bad(path, `"${where}.charts[${j}]" must be {"title", "explanation", "spec": {...}}`);
      }
      return { title: c.title, explanation: c.explanation, spec: c.spec };
    });
    return { title: s.title, explanation: s.explanation, charts, tables: s.tables.map((t: unknown, j) => table(t, `${where}.tables[${j}]`)) };
  });
  return {
    title: raw.title,
    generatedAt: raw.generatedAt,
    ...(raw.summary === undefined ? {} : { summary: table(raw.summary, 'document.summary') }),
    sections,
    settings: raw.settings,
  };
}

/**
 * Rebuilds the HTML page of a report folder from its report.json.
 * @param settings - the folder (or report.json) and an optional output file.
 * @returns the files and what the page holds.
 * @throws PrivkitError `BAD_DATA_FILE` for a missing or unreadable report.json or one without a
 *   report document; `INVALID_ARGUMENT` when a chart fails to render (nothing is written);
 *   `IO_ERROR` naming `--out` (or the page's path) when the page cannot be written.
 * @example
 * ```ts
 * await runReport({ source: 'privkit-report' });
 * ```
 */
export async function runReport(settings: ReportSettings): Promise<ReportRunResult> {
  // The page goes to --out, or beside report.json (then the message names the page's path alone).
  const flag = settings.out === undefined ? {} : { flag: '--out' };
  if (settings.out !== undefined) probeOutputs([{ ...flag, path: settings.out, kind: 'file' }]);
  const isFile = existsSync(settings.source) && statSync(settings.source).isFile();
  const json = isFile ? settings.source : join(settings.source, 'report.json');
  if (!existsSync(json)) throw new PrivkitError('BAD_DATA_FILE', `${json} does not exist; give a folder written by privkit demo (or its report.json)`, { path: json });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(json, 'utf8'));
  } catch (e) {
    throw bad(json, `cannot read it as JSON (${(e as Error).message})`);
  }
  const record = (parsed ?? {}) as { document?: unknown; html?: unknown };
  const document = reviveReportDocument(record.document, json);
  const name = typeof record.html === 'string' && /^[\w.-]+\.html$/.test(record.html) ? record.html : 'index.html';
  const html = settings.out ?? join(dirname(json), name);
  const page = await renderReportHtml(document);
  await withOutputs([{ ...flag, path: html, kind: 'file' }], () => writeFileAtomic(html, page));
  return { json, html, sections: document.sections.length, charts: document.sections.reduce((a, s) => a + s.charts.length, 0) };
}
