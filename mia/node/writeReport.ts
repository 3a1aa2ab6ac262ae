/**
 * Writes a report folder: `report.json` (machine-readable) and `report.html` (self-contained page).
 * Node only (file system); kept out of `mia/report/index.ts` so that the rest stays browser-safe.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/node/index.js';
import type { ReportDocument } from '../report/ReportDocument.js';
import { renderReportHtml } from '../report/renderReportHtml.js';
import { stringifyReportJson } from '../report/stringifyReportJson.js';

/** Where {@link writeReport} put the two files. */
export interface WrittenReport {
  jsonPath: string;
  htmlPath: string;
}

/**
 * Writes `<dir>/report.json` and `<dir>/report.html`, creating `dir` if needed. The HTML is rendered
 * and the JSON serialised before anything is written, so a chart that fails to render leaves the
 * folder as it was; each file is then written to a temporary file in `dir` and renamed into place,
 * so a reader never sees half a file. JSON is pretty-printed by {@link stringifyReportJson}, with
 * privkit's one convention for non-finite numbers (`stringifyJson`: ±∞ as ±1e999, which JSON parsers
 * read back as ±Infinity; NaN as null), and typed arrays become arrays.
 *
 * @param dir - the report folder.
 * @param doc - the document rendered to `report.html`.
 * @param json - what `report.json` holds, typically `doc.data` or the audit result.
 * @returns the paths of the two files.
 * @throws PrivkitError `INVALID_ARGUMENT` from {@link renderReportHtml} when a chart fails to render
 *   (nothing is written); file-system errors as thrown by Node.
 * @example
 * ```ts
 * const doc = miaReportDocument(result);
 * const { htmlPath } = await writeReport('out/audit', doc, doc.data);
 * ```
 */
export async function writeReport(dir: string, doc: ReportDocument, json: unknown): Promise<WrittenReport> {
  const html = await renderReportHtml(doc);
  const text = `${stringifyReportJson(json)}\n`;
  const jsonPath = join(dir, 'report.json');
  const htmlPath = join(dir, 'report.html');
  writeFileAtomic(jsonPath, text);
  writeFileAtomic(htmlPath, html);
  return { jsonPath, htmlPath };
}
