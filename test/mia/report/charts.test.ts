import { afterEach, describe, expect, it, vi } from 'vitest';
import { barChart, histogramChart, lineChart, renderSvg, rocChart } from '../../../mia/report/index.js';
import { expectInvalid } from '../../_support/errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Layer = { data: { values: any[] }; mark: any; encoding: any };
const values = (spec: object): any[] => (spec as { data: { values: any[] } }).data.values;
const layers = (spec: object): Layer[] => (spec as { layer: Layer[] }).layer;

afterEach(() => vi.restoreAllMocks());

describe('rocChart', () => {
  it('renders every curve and the chance diagonal as lines on log-log axes', async () => {
    // Arrange
    const spec = rocChart([
      { name: 'lira', fpr: [0, 0.001, 0.1, 1], tpr: [0, 0.05, 0.5, 1] },
      { name: 'loss', fpr: [0, 0.5, 1], tpr: [0, 0.6, 1] },
    ]);
    // Act
    const svg = await renderSvg(spec);
    // Assert
    const [chance, curves] = layers(spec);
    expect(curves.encoding.x.scale.type).toBe('log');
    expect(curves.encoding.y.scale.type).toBe('log');
    expect(chance.data.values).toEqual([{ fpr: 1e-4, tpr: 1e-4 }, { fpr: 1, tpr: 1 }]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 [\d.]+ [\d.]+"/);
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(3); // chance + two curves
    expect(svg).toMatch(/<path[^>]* d="M[^"]+L/);
    expect(svg).toContain('>lira</text>');
    expect(svg).toContain('>loss</text>');
  });

  it('draws rates below the floor at the floor (log axes cannot show 0)', () => {
    const spec = rocChart([{ name: 'a', fpr: [0, 0.5, 1], tpr: [0, 0.9, 1] }], { floor: 0.01 });
    const points = layers(spec)[1].data.values;
    expect(points[0]).toMatchObject({ fpr: 0.01, tpr: 0.01 });
    expect(layers(spec)[1].encoding.x.scale.domain).toEqual([0.01, 1]);
    expect(layers(spec)[1].encoding.x.axis.values).toEqual([0.01, 0.1, 1]);
  });

  it('thins long curves to maxPoints but keeps the low-FPR end and both ends', () => {
    // Arrange: 20 001 points, FPR = (i/n)^3 puts 1 000+ points below FPR 1e-4·… and most at high FPR.
    const n = 20_000;
    const fpr = Float64Array.from({ length: n + 1 }, (_, i) => (i / n) ** 3);
    const tpr = fpr.map((x) => Math.sqrt(x));
    // Act
    const points = layers(rocChart([{ name: 'a', fpr, tpr }], { floor: 1e-4 }))[1].data.values;
    // Assert
    expect(points.length).toBeLessThanOrEqual(400);
    expect(points[0]).toMatchObject({ fpr: 1e-4 });
    expect(points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    const decadeCounts = [1e-4, 1e-3, 1e-2, 1e-1].map((lo) => points.filter((p) => p.fpr > lo && p.fpr <= lo * 10).length);
    // log-spaced bins: every decade above the floor keeps a similar share of the points
    for (const c of decadeCounts) expect(c).toBeGreaterThan(60);
    const fprs = points.map((p) => p.fpr);
    expect(fprs).toEqual([...fprs].sort((a, b) => a - b));
  });

  it('keeps short curves whole', () => {
    const points = layers(rocChart([{ name: 'a', fpr: [0.5, 0.2, 1], tpr: [0.7, 0.3, 1] }], { floor: 0.01 }))[1].data.values;
    expect(points.map((p) => [p.fpr, p.tpr])).toEqual([[0.2, 0.3], [0.5, 0.7], [1, 1]]);
  });

  it('refuses malformed curves and options', () => {
    expectInvalid(() => rocChart([]), /at least one curve/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0] }]), /curve "a".*equally long/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, 1.5], tpr: [0, 1] }]), /`fpr\[1\]` must be in \[0, 1\]; got 1.5/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, NaN], tpr: [0, 1] }]), /`fpr\[1\]`/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { floor: 0 }), /`floor` must be in \(0, 1\); got 0/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { maxPoints: 2 }), /`maxPoints`/);
    expectInvalid(() => rocChart([{ name: 'a', fpr: [0, 1], tpr: [0, 1] }], { width: -1 }), /`width`/);
  });
});

describe('histogramChart', () => {
  it('bins the scores first, so the spec stays small however many scores there are', async () => {
    // Arrange
    const members = Float64Array.from({ length: 100_000 }, (_, i) => (i % 1000) / 1000 + 0.5);
    const nonMembers = Float64Array.from({ length: 50_000 }, (_, i) => (i % 1000) / 1000);
    // Act
    const spec = histogramChart(members, nonMembers, { title: 'lira', xTitle: 'score', bins: 30 });
    const svg = await renderSvg(spec);
    // Assert
    const bins = values(spec);
    expect(bins.length).toBeLessThanOrEqual(60);
    expect(JSON.stringify(spec).length).toBeLessThan(10_000);
    for (const group of ['members', 'non-members']) {
      const share = bins.filter((b) => b.group === group).reduce((s, b) => s + b.share, 0);
      expect(share).toBeCloseTo(1, 4);
    }
    expect(bins.filter((b) => b.group === 'members').reduce((s, b) => s + b.count, 0)).toBe(100_000);
    expect(svg).toContain('class="mark-rect role-mark');
    expect(svg).toMatch(/<path[^>]* d="M[^"]+h[^"]+v/); // bars
    expect(svg).toContain('>non-members</text>');
    expect(svg).toContain('>score</text>');
  });

  it('counts ±Infinity in the outermost bins and leaves NaN out', () => {
    const bins = values(histogramChart([1, 2, Infinity, NaN], [-Infinity, 1.5], { title: 't', xTitle: 'x', bins: 2 }));
    const members = bins.filter((b) => b.group === 'members');
    expect(members.map((b) => b.count)).toEqual([1, 2]);
    expect(members.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 12);
    expect(bins.filter((b) => b.group === 'non-members').map((b) => [b.start, b.count])).toEqual([[1, 1], [1.5, 1]]);
  });

  it('refuses empty input and bad bin counts', () => {
    expectInvalid(() => histogramChart([], [], { title: 't', xTitle: 'x' }), /both empty/);
    expectInvalid(() => histogramChart([1], [2], { title: 't', xTitle: 'x', bins: 0 }), /`bins`/);
  });
});

describe('lineChart', () => {
  it('draws one line per series and leaves out points the axes cannot show', async () => {
    // Arrange
    const spec = lineChart(
      [
        { name: 'RDP', x: [0, 10, 100, 1000], y: [0, 0.5, 2, Infinity] },
        { name: 'PLD', x: [10, 100], y: [0.4, 1.8] },
      ],
      { xTitle: 'Step', yTitle: 'ε', logX: true },
    );
    // Act
    const svg = await renderSvg(spec);
    // Assert
    expect(values(spec).map((v) => [v.series, v.x])).toEqual([['RDP', 10], ['RDP', 100], ['PLD', 10], ['PLD', 100]]);
    expect((spec as any).encoding.x.scale.type).toBe('log');
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(2);
    expect(svg.match(/<path[^>]* d="M[^"]+L/g)?.length).toBeGreaterThanOrEqual(2);
    expect(svg).toContain('>ε</text>');
  });

  it('refuses series of different lengths', () => {
    expectInvalid(() => lineChart([{ name: 's', x: [1, 2], y: [1] }], { xTitle: 'x', yTitle: 'y' }), /series "s"/);
    expectInvalid(() => lineChart([], { xTitle: 'x', yTitle: 'y' }), /at least one series/);
  });
});

describe('barChart', () => {
  it('places grouped bars side by side and keeps the label order', async () => {
    // Arrange
    const spec = barChart(
      [
        { label: 'σ = 2', value: 2, group: 'claimed' },
        { label: 'σ = 2', value: 0.3, group: 'measured' },
        { label: 'σ = 0', value: Infinity, group: 'claimed' },
        { label: 'σ = 0', value: 5.1, group: 'measured' },
      ],
      { yTitle: 'ε' },
    );
    // Act
    const svg = await renderSvg(spec);
    // Assert
    const enc = (spec as any).encoding;
    expect(enc.xOffset.field).toBe('group');
    expect(enc.x.sort).toEqual(['σ = 2', 'σ = 0']);
    expect(values(spec)).toHaveLength(3); // Infinity cannot be a bar
    expect(svg).toContain('class="mark-rect role-mark');
    expect(svg).toContain('>measured</text>');
  });

  it('draws plain bars without a legend when no row has a group', async () => {
    const spec = barChart([{ label: 'a', value: 1 }, { label: 'b', value: 2 }], { yTitle: 'v' });
    expect((spec as any).encoding.color).toBeUndefined();
    expect(await renderSvg(spec)).not.toContain('role-legend');
    expectInvalid(() => barChart([], { yTitle: 'v' }), /at least one row/);
  });
});

describe('all builders', () => {
  it('emit specs with inline data only, that round-trip through JSON and render without vega warnings', async () => {
    // Arrange
    const warn = vi.spyOn(console, 'warn');
    const specs = [
      rocChart([{ name: 'a', fpr: [0, 0.1, 1], tpr: [0, 0.4, 1] }]),
      histogramChart([1, 2, 3], [0, 1], { title: 't', xTitle: 'x' }),
      lineChart([{ name: 's', x: [1, 2, 3], y: [3, 1, 2] }], { xTitle: 'x', yTitle: 'y', logY: true }),
      barChart([{ label: 'a', value: 1, group: 'g' }], { yTitle: 'v' }),
    ];
    for (const spec of specs) {
      // Act
      const text = JSON.stringify(spec);
      const svg = await renderSvg(JSON.parse(text));
      // Assert
      expect(text).not.toMatch(/"url"/);
      expect(svg).toContain('<svg');
    }
    expect(warn).not.toHaveBeenCalled();
  });
});
