// privkit/mia/report — audit reports: a JSON document model, vega-lite chart specs, SVG and HTML
// rendering. Browser-safe; the Node-only writer is `writeReport.ts`, deliberately not exported here.
export type { ReportDocument, ReportSection, ReportChart, ReportTable } from './ReportDocument.js';
export { rocChart, histogramChart, lineChart, barChart } from './charts.js';
export type {
  VegaLiteSpec,
  ChartFrameOptions,
  RocChartOptions,
  HistogramChartOptions,
  LineChartOptions,
  BarChartOptions,
} from './charts.js';
export { renderSvg } from './renderSvg.js';
export { renderReportHtml } from './renderReportHtml.js';
export { stringifyReportJson } from './stringifyReportJson.js';
export { miaReportDocument } from './miaReport.js';
export type { MiaReportInput, MiaReportOptions, MiaAttackReport, MiaClassResult } from './miaReport.js';
