import { describe, expect, it } from 'vitest';
import { miaReportDocument, renderReportHtml, stringifyReportJson, type ReportDocument } from '../../../mia/report/index.js';
import { expectInvalid } from '../../_support/errors.js';
import { miaInput } from './_miaInput.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const layerValues = (spec: object, i: number): any[] => (spec as any).layer[i].data.values;

describe('miaReportDocument', () => {
  it('summarises each attack by AUC, TPR at 0.1 %, 1 %, 10 % FPR and advantage', () => {
    // Arrange
    const input = miaInput();
    // Act
    const doc = miaReportDocument(input, { generatedAt: '2025-01-01T00:00:00.000Z' });
    // Assert
    expect(doc.title).toBe('Membership-inference audit');
    expect(doc.generatedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(doc.summary!.columns).toEqual(['Attack', 'AUC', 'TPR @ 0.1% FPR', 'TPR @ 1% FPR', 'TPR @ 10% FPR', 'Advantage']);
    const [lira] = input.attacks;
    expect(doc.summary!.rows[0]).toEqual(['lira', lira.auc, lira.tprAtFpr['0.001'], lira.tprAtFpr['0.01'], lira.tprAtFpr['0.1'], lira.advantage]);
    expect(doc.summary!.rows.map((r) => r[0])).toEqual(['lira', 'loss']);
  });

  it('reads FPR keys in several spellings and adds columns for further FPRs', () => {
    const input = miaInput(100);
    input.attacks[0].tprAtFpr = { '1e-3': 0.01, '1%': 0.05, 'fpr=0.05': 0.2 };
    input.attacks[1].tprAtFpr = {};
    const summary = miaReportDocument(input).summary!;
    expect(summary.columns).toEqual(['Attack', 'AUC', 'TPR @ 0.1% FPR', 'TPR @ 1% FPR', 'TPR @ 5% FPR', 'TPR @ 10% FPR', 'Advantage']);
    expect(summary.rows[0].slice(2, 6)).toEqual([0.01, 0.05, 0.2, null]);
    expect(summary.rows[1].slice(2, 6)).toEqual([null, null, null, null]);
  });

  it('draws all ROC curves on one log-log chart from 1/n, thinned to ≤ 400 points each', () => {
    // Arrange: 2 000 + 2 000 scores give ROC curves of 4 001 points.
    const input = miaInput(2000);
    // Act
    const doc = miaReportDocument(input);
    // Assert
    const rocSection = doc.sections.find((s) => s.title === 'ROC curves')!;
    expect(rocSection.charts).toHaveLength(1);
    const spec = rocSection.charts[0].spec;
    const points = layerValues(spec, 1);
    for (const name of ['lira', 'loss']) {
      const curve = points.filter((p) => p.series === name);
      expect(curve.length).toBeLessThanOrEqual(400);
      expect(curve[0].fpr).toBe(1 / 2000);
    }
    expect((spec as any).layer[1].encoding.x.scale).toEqual({ type: 'log', domain: [1 / 2000, 1] });
    for (const a of (doc.data as any).attacks) expect(a.roc.fpr.length).toBeLessThanOrEqual(400);
  });

  it('has one score histogram per attack and a per-class table', () => {
    const doc = miaReportDocument(miaInput());
    const histograms = doc.sections.find((s) => s.title === 'Score distributions')!.charts;
    expect(histograms.map((c) => c.title)).toEqual(['Scores of the lira attack', 'Scores of the loss attack']);
    const perClass = doc.sections.find((s) => s.title === 'Per-class results')!.tables[0];
    expect(perClass.columns).toEqual(['Attack', 'Class', 'Members', 'Non-members', 'AUC', 'Advantage']);
    expect(perClass.rows).toHaveLength(4);
    expect(perClass.rows[1]).toEqual(['lira', 1, 250, 250, null, null]);
  });

  it('leaves the per-class section out when no attack reports classes', () => {
    const doc = miaReportDocument(miaInput(100, 3, false));
    expect(doc.sections.map((s) => s.title)).toEqual(['ROC curves', 'Score distributions']);
  });

  it('explains every section and figure', () => {
    const doc = miaReportDocument(miaInput());
    for (const section of doc.sections) {
      expect(section.explanation.length).toBeGreaterThan(20);
      for (const chart of section.charts) {
        // one sentence: ends with a full stop and has no sentence break inside
        expect(chart.explanation).toMatch(/\.$/);
        expect(chart.explanation).not.toMatch(/[.!?]\s+[A-Z]/);
      }
    }
  });

  it('keeps settings and the audit size, and stays small in JSON however many scores there are', () => {
    // Arrange: 20 000 + 20 000 scores, ROC curves of 40 001 points
    const input = miaInput(20_000);
    // Act
    const doc = miaReportDocument(input);
    const text = stringifyReportJson(doc);
    // Assert
    expect(doc.settings).toMatchObject({ members: 20_000, nonMembers: 20_000, shadowModels: 16, dataset: 'mnist', epsilon: Infinity });
    expect(text.length).toBeLessThan(250_000);
    expect(text).toContain('"epsilon": 1e999');
    expect(JSON.parse(text).data.attacks[0]).not.toHaveProperty('memberScores');
  });

  it('renders a small audit to HTML in reasonable time', async () => {
    // Arrange
    const doc: ReportDocument = miaReportDocument(miaInput(1000));
    // Act
    const start = performance.now();
    const html = await renderReportHtml(doc);
    const ms = performance.now() - start;
    // Assert: 3 charts; generous bound for a shared CI machine (typically ~0.5 s)
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(ms).toBeLessThan(15_000);
    expect(html.length).toBeLessThan(500_000);
  });

  it('refuses inputs it cannot report', () => {
    const input = miaInput(50);
    expectInvalid(() => miaReportDocument({ ...input, attacks: [] }), /at least one attack/);
    expectInvalid(() => miaReportDocument({ ...input, members: 0 }), /`members` must be a positive integer; got 0/);
    expectInvalid(() => miaReportDocument({ ...input, nonMembers: 1.5 }), /`nonMembers`/);
    expectInvalid(() => miaReportDocument({ ...input, shadowModels: -1 }), /`shadowModels`/);
    const bad = miaInput(50);
    bad.attacks[0].roc = { fpr: [0, 1], tpr: [0] };
    expectInvalid(() => miaReportDocument(bad), /curve "lira"/);
  });
});
