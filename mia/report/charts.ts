/**
 * Chart spec builders for audit reports. Each is a pure function that returns a vega-lite spec with
 * its data inline (no URLs), ready for {@link renderSvg} or any vega-lite viewer. The four builders
 * share one look (size, fonts, legend placement), which is why they live in one file.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PrivkitError, requireArrayLike, requireOptions, requireString, show } from '../../accountant/index.js';
import { binScores } from './_internals/binScores.js';
import { downsampleCurve } from './_internals/downsampleCurve.js';
import { round } from './_internals/format.js';

/** A vega-lite spec as the builders return it. */
export type VegaLiteSpec = TopLevelSpec;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const MEMBER_COLORS = ['#d62728', '#1f77b4'];

/** Size and title options every builder accepts. */
export interface ChartFrameOptions {
  /** Title drawn inside the chart; reports usually leave it to the figure caption. @defaultValue none */
  title?: string;
  /**
   * Plot width in pixels, at most 10 000 (the SVG scales to its container in reports).
   * @defaultValue 560 (ROC: 440)
   */
  width?: number;
  /** Plot height in pixels, at most 10 000. @defaultValue 300 (ROC: 360) */
  height?: number;
}

/** Options for {@link rocChart}. */
export interface RocChartOptions extends ChartFrameOptions {
  /**
   * Rates below this are drawn at it: log axes cannot show 0. Use `1/n` for n audited non-members
   * (the smallest non-zero FPR they can measure). @defaultValue 1e-4
   */
  floor?: number;
  /** At most this many points per curve; longer curves are thinned, keeping the low-FPR end. @defaultValue 400 */
  maxPoints?: number;
  /** Legend title. @defaultValue 'Attack' */
  legendTitle?: string;
}

/** Options for {@link histogramChart}. */
export interface HistogramChartOptions extends ChartFrameOptions {
  title: string;
  /** x-axis title, e.g. "LiRA score". */
  xTitle: string;
  /** Number of equal-width bins. @defaultValue 40 */
  bins?: number;
  /** Legend names of the two groups. @defaultValue ['members', 'non-members'] */
  groupNames?: [string, string];
}

/** Options for {@link lineChart}. */
export interface LineChartOptions extends ChartFrameOptions {
  xTitle: string;
  yTitle: string;
  /** Log x axis (points with x ≤ 0 are left out). @defaultValue false */
  logX?: boolean;
  /** Log y axis (points with y ≤ 0 are left out). @defaultValue false */
  logY?: boolean;
  /** Legend title. @defaultValue 'Series' */
  legendTitle?: string;
}

/** Options for {@link barChart}. */
export interface BarChartOptions extends ChartFrameOptions {
  yTitle: string;
  /** x-axis title. @defaultValue none */
  xTitle?: string;
  /** Legend title when rows have groups. @defaultValue 'Group' */
  legendTitle?: string;
}

function invalid(message: string, details?: Record<string, unknown>): PrivkitError {
  return new PrivkitError('INVALID_ARGUMENT', message, details);
}

/** Largest plot side in pixels: a chart is read on a page, and vega lays out every pixel row of it. */
const MAX_PIXELS = 10_000;

function checkFrame(options: ChartFrameOptions): void {
  requireOptions('options', options);
  for (const key of ['width', 'height'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && v <= MAX_PIXELS)) {
      throw invalid(`\`${key}\` must be a positive number of pixels ≤ ${MAX_PIXELS}; got ${show(v)}.`);
    }
  }
  if (options.title !== undefined) requireString('title', options.title);
}

/** Checks that `values` is an array of numbers (NaN and ±Infinity allowed: each chart says what it leaves out). */
function checkNumbers(name: string, values: unknown): asserts values is ArrayLike<number> {
  requireArrayLike(name, values);
  const a = values as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') throw invalid(`\`${name}[${i}]\` must be a number; got ${show(a[i])}.`);
  }
}

/** Checks that `list` is an array of objects, each naming a series by a string `field`. */
function checkEntries(name: string, list: unknown, field: string, shape: string): asserts list is readonly Record<string, unknown>[] {
  if (!Array.isArray(list)) throw invalid(`\`${name}\` must be an array of ${shape}; got ${show(list)}.`);
  list.forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object') throw invalid(`\`${name}[${i}]\` must be ${shape}; got ${show(entry)}.`);
    requireString(`${name}[${i}].${field}`, (entry as Record<string, unknown>)[field]);
  });
}

function frame(options: ChartFrameOptions, width: number, height: number) {
  checkFrame(options);
  return {
    $schema: SCHEMA,
    ...(options.title === undefined ? {} : { title: options.title }),
    width: options.width ?? width,
    height: options.height ?? height,
    background: 'white',
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      legend: { orient: 'bottom' as const, direction: 'horizontal' as const, columns: 3, labelLimit: 220 },
      axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e5e5' },
    },
  };
}

/** Log-axis tick values: the powers of ten from `floor` up to 1. */
function decades(floor: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(floor) - 1e-9); e <= 0; e++) out.push(Number(`1e${e}`));
  return out;
}

/**
 * ROC curves on log-log axes, one line per curve, with the dashed diagonal of a chance-level attack.
 * Log axes show the low-FPR region where a membership-inference attack is judged (Carlini et al.
 * 2022, "Membership Inference Attacks From First Principles", §III-B). Rates below `floor` are drawn
 * at `floor`, and curves longer than `maxPoints` are thinned with log-spaced FPR bins.
 *
 * @param curves - one entry per curve; `fpr[i]`, `tpr[i]` in [0, 1], equally long, non-empty.
 * @param options - see {@link RocChartOptions}.
 * @returns a layered vega-lite spec with inline data.
 * @throws PrivkitError `INVALID_ARGUMENT` when there are no curves, a curve is not { name, fpr, tpr },
 *   lengths differ, a rate is outside [0, 1], `floor` is not in (0, 1), or an option is malformed.
 * @example
 * ```ts
 * const spec = rocChart([{ name: 'LiRA', fpr: [0, 0.01, 1], tpr: [0, 0.2, 1] }], { floor: 1e-3 });
 * const svg = await renderSvg(spec);
 * ```
 */
export function rocChart(
  curves: readonly { name: string; fpr: ArrayLike<number>; tpr: ArrayLike<number> }[],
  options: RocChartOptions = {},
): VegaLiteSpec {
  checkFrame(options);
  const floor = options.floor ?? 1e-4;
  const maxPoints = options.maxPoints ?? 400;
  if (!(typeof floor === 'number' && floor > 0 && floor < 1)) throw invalid(`\`floor\` must be in (0, 1); got ${show(floor)}.`);
  if (!(Number.isInteger(maxPoints) && maxPoints >= 4)) throw invalid(`\`maxPoints\` must be an integer ≥ 4; got ${show(maxPoints)}.`);
  checkEntries('curves', curves, 'name', '{ name, fpr, tpr }');
  if (curves.length === 0) throw invalid('`curves` must hold at least one curve; got none.');
  curves.forEach((c, i) => {
    checkNumbers(`curves[${i}].fpr`, c.fpr);
    checkNumbers(`curves[${i}].tpr`, c.tpr);
  });
  const values: { series: string; i: number; fpr: number; tpr: number }[] = [];
  for (const { name, fpr, tpr } of curves) {
    if (fpr.length !== tpr.length || fpr.length === 0) {
      throw invalid(`curve "${name}": \`fpr\` and \`tpr\` must be equally long and non-empty; got ${fpr.length} and ${tpr.length}.`);
    }
    for (const [label, rates] of [['fpr', fpr], ['tpr', tpr]] as const) {
      for (let i = 0; i < rates.length; i++) {
        if (!(rates[i] >= 0 && rates[i] <= 1)) throw invalid(`curve "${name}": \`${label}[${i}]\` must be in [0, 1]; got ${rates[i]}.`);
      }
    }
    const thin = downsampleCurve(fpr, tpr, maxPoints, floor);
    thin.fpr.forEach((x, i) => values.push({ series: name, i, fpr: round(Math.max(x, floor)), tpr: round(Math.max(thin.tpr[i], floor)) }));
  }
  const ticks = decades(floor);
  const x = { field: 'fpr', type: 'quantitative' as const, title: 'False positive rate (log scale)', scale: { type: 'log' as const, domain: [floor, 1] }, axis: { values: ticks, format: '~g' } };
  const y = { field: 'tpr', type: 'quantitative' as const, title: 'True positive rate (log scale)', scale: { type: 'log' as const, domain: [floor, 1] }, axis: { values: ticks, format: '~g' } };
  return {
    ...frame(options, 440, 360),
    layer: [
      {
        data: { values: [{ fpr: floor, tpr: floor }, { fpr: 1, tpr: 1 }] },
        mark: { type: 'line', color: '#888888', strokeDash: [4, 4], strokeWidth: 1, clip: true },
        encoding: { x, y },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.75, clip: true },
        encoding: {
          x,
          y,
          color: { field: 'series', type: 'nominal', title: options.legendTitle ?? 'Attack', sort: null },
          order: { field: 'i', type: 'quantitative' },
        },
      },
    ],
  };
}

/**
 * Two overlaid histograms (members vs non-members by default) on common bins. The scores are binned
 * here, so the spec holds at most `2 · bins` records however many scores there are; each bar is the
 * share of its group, so groups of different sizes compare fairly. `NaN` is left out; `±Infinity`
 * counts in the outermost bins.
 *
 * @param members - scores of the first group (e.g. training-set members).
 * @param nonMembers - scores of the second group.
 * @param options - see {@link HistogramChartOptions}; `title` and `xTitle` are required.
 * @returns a vega-lite spec with inline, pre-binned data.
 * @throws PrivkitError `INVALID_ARGUMENT` when both groups are empty, a score is not a number, `bins` is
 *   not an integer in [1, 1000], or an option is malformed (`title` and `xTitle` are required strings).
 * @example
 * ```ts
 * const spec = histogramChart(memberScores, nonMemberScores, { title: 'LiRA', xTitle: 'LiRA score' });
 * ```
 */
export function histogramChart(
  members: ArrayLike<number>,
  nonMembers: ArrayLike<number>,
  options: HistogramChartOptions,
): VegaLiteSpec {
  checkNumbers('members', members);
  checkNumbers('nonMembers', nonMembers);
  checkFrame(options);
  requireString('title', options.title);
  requireString('xTitle', options.xTitle);
  if (options.groupNames !== undefined && !(Array.isArray(options.groupNames) && options.groupNames.length === 2 && options.groupNames.every((g) => typeof g === 'string'))) {
    throw invalid(`\`groupNames\` must be two strings; got ${show(options.groupNames)}.`);
  }
  const bins = options.bins ?? 40;
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 1000)) throw invalid(`\`bins\` must be an integer in [1, 1000]; got ${show(bins)}.`);
  if (members.length + nonMembers.length === 0) throw invalid('`members` and `nonMembers` are both empty; a histogram needs scores.');
  const names = options.groupNames ?? ['members', 'non-members'];
  const values = binScores([{ name: names[0], scores: members }, { name: names[1], scores: nonMembers }], bins)
    .filter((b) => b.count > 0)
    .map((b) => ({ group: b.group, start: round(b.start), end: round(b.end), count: b.count, share: round(b.share) }));
  return {
    ...frame(options, 560, 260),
    title: options.title,
    data: { values },
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: 'start', type: 'quantitative', bin: 'binned', title: options.xTitle },
      x2: { field: 'end' },
      y: { field: 'share', type: 'quantitative', stack: null, title: 'Share of group', axis: { format: '.0%' } },
      color: { field: 'group', type: 'nominal', title: null, scale: { domain: [...names], range: MEMBER_COLORS } },
    },
  };
}

/**
 * Lines of y over x, one per series (e.g. ε over training steps, exposure over canary insertions).
 * Points that the axes cannot show are left out: non-finite values, and x ≤ 0 (y ≤ 0) on a log x (y)
 * axis. Series of at most 60 points are drawn with point markers.
 *
 * @param series - one entry per line; `x` and `y` equally long.
 * @param options - see {@link LineChartOptions}; `xTitle` and `yTitle` are required.
 * @returns a vega-lite spec with inline data.
 * @throws PrivkitError `INVALID_ARGUMENT` when there are no series, a series is not { name, x, y } of
 *   numbers, `x` and `y` differ in length, or an option is malformed.
 * @example
 * ```ts
 * const spec = lineChart([{ name: 'RDP', x: [100, 200], y: [1.2, 1.9] }], { xTitle: 'Step', yTitle: 'ε' });
 * ```
 */
export function lineChart(
  series: readonly { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[],
  options: LineChartOptions,
): VegaLiteSpec {
  checkFrame(options);
  requireString('xTitle', options.xTitle);
  requireString('yTitle', options.yTitle);
  checkEntries('series', series, 'name', '{ name, x, y }');
  if (series.length === 0) throw invalid('`series` must hold at least one series; got none.');
  series.forEach((s, i) => {
    checkNumbers(`series[${i}].x`, s.x);
    checkNumbers(`series[${i}].y`, s.y);
  });
  const values: { series: string; i: number; x: number; y: number }[] = [];
  let longest = 0;
  for (const { name, x, y } of series) {
    if (x.length !== y.length) throw invalid(`series "${name}": \`x\` and \`y\` must be equally long; got ${x.length} and ${y.length}.`);
    longest = Math.max(longest, x.length);
    for (let i = 0; i < x.length; i++) {
      const ok = Number.isFinite(x[i]) && Number.isFinite(y[i]) && (!options.logX || x[i] > 0) && (!options.logY || y[i] > 0);
      if (ok) values.push({ series: name, i, x: round(x[i]), y: round(y[i]) });
    }
  }
  return {
    ...frame(options, 560, 300),
    data: { values },
    mark: { type: 'line', strokeWidth: 1.75, point: longest <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: options.logX ? { type: 'log' } : { zero: false } },
      y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: options.logY ? { type: 'log' } : {} },
      color: { field: 'series', type: 'nominal', title: options.legendTitle ?? 'Series', sort: null },
      order: { field: 'i', type: 'quantitative' },
    },
  };
}

/**
 * Bars, one per row, side by side within a label when rows have groups (e.g. claimed vs measured ε
 * per model). Labels keep the order of `rows`. Rows whose value is not finite are left out (a bar
 * cannot show `Infinity`): put such values in a table beside the chart.
 *
 * @param rows - one bar each.
 * @param options - see {@link BarChartOptions}; `yTitle` is required.
 * @returns a vega-lite spec with inline data.
 * @throws PrivkitError `INVALID_ARGUMENT` when `rows` is empty or not { label, value, group? } rows
 *   (`value` a number, labels and groups strings), or an option is malformed.
 * @example
 * ```ts
 * const spec = barChart(
 *   [{ label: 'σ = 1', value: 8, group: 'claimed' }, { label: 'σ = 1', value: 1.3, group: 'measured' }],
 *   { yTitle: 'ε' },
 * );
 * ```
 */
export function barChart(
  rows: readonly { label: string; value: number; group?: string }[],
  options: BarChartOptions,
): VegaLiteSpec {
  checkFrame(options);
  requireString('yTitle', options.yTitle);
  checkEntries('rows', rows, 'label', '{ label, value, group? }');
  if (rows.length === 0) throw invalid('`rows` must hold at least one row; got none.');
  rows.forEach((r, i) => {
    if (typeof r.value !== 'number') throw invalid(`\`rows[${i}].value\` must be a number; got ${show(r.value)}.`);
    if (r.group !== undefined) requireString(`rows[${i}].group`, r.group);
  });
  const grouped = rows.some((r) => r.group !== undefined);
  const values = rows
    .filter((r) => Number.isFinite(r.value))
    .map((r) => ({ label: r.label, value: round(r.value), ...(grouped ? { group: r.group ?? '' } : {}) }));
  const labels = [...new Set(rows.map((r) => r.label))];
  const groupField = { field: 'group', type: 'nominal' as const, title: options.legendTitle ?? 'Group', sort: null };
  return {
    ...frame(options, 560, 300),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', title: options.xTitle ?? null, sort: labels, axis: { labelAngle: 0, labelLimit: 160 } },
      y: { field: 'value', type: 'quantitative', title: options.yTitle },
      ...(grouped ? { color: groupField, xOffset: { field: 'group', type: 'nominal' as const, sort: null } } : {}),
    },
  };
}
