/**
 * The document model every privkit audit report is built from (membership inference now; canary
 * exposure, DP auditing and the end-to-end demo later). It is plain JSON: charts are vega-lite specs
 * with their data inline, tables are rows of strings and numbers, so a document can be stored next to
 * `report.json`, rendered to HTML by {@link renderReportHtml}, or opened in the Vega editor.
 */

/** A table: column headers and rows of cells (`null` renders as an em dash). */
export interface ReportTable {
  /** Column headers, in order. */
  columns: string[];
  /** One array per row, as long as `columns`. Numbers are formatted when rendered, not here. */
  rows: (string | number | null)[][];
}

/** A figure: a vega-lite spec with inline data and the one sentence that says how to read it. */
export interface ReportChart {
  /** Figure title (shown in the caption). */
  title: string;
  /** One sentence that says what the figure shows and how to read it. */
  explanation: string;
  /** A vega-lite spec with inline data (`data.values`), e.g. from {@link rocChart}. */
  spec: object;
}

/** A titled part of a report: an explanation, then charts, then tables. */
export interface ReportSection {
  /** Section heading. */
  title: string;
  /** What the section is about, in a sentence or two. */
  explanation: string;
  /** Figures, in order. */
  charts: ReportChart[];
  /** Tables, in order, shown after the charts. */
  tables: ReportTable[];
}

/**
 * A whole report: title, time, an optional summary table, sections, and the settings that produced
 * it. JSON-serialisable as long as `settings` and `data` are.
 *
 * @example
 * ```ts
 * const doc: ReportDocument = {
 *   title: 'Membership-inference audit',
 *   generatedAt: new Date().toISOString(),
 *   sections: [{ title: 'ROC', explanation: 'How well each attack separates members.', charts: [], tables: [] }],
 *   settings: { shadowModels: 16 },
 * };
 * const html = await renderReportHtml(doc);
 * ```
 */
export interface ReportDocument {
  /** Page title and top heading. */
  title: string;
  /** When the report was generated, as an ISO 8601 string. */
  generatedAt: string;
  /** The headline numbers, shown first. */
  summary?: ReportTable;
  /** The body of the report, in order. */
  sections: ReportSection[];
  /** The settings that produced the results (shown as a definition list). */
  settings: Record<string, unknown>;
  /** Optional machine-readable results for `report.json`; not shown in the HTML. */
  data?: unknown;
}
