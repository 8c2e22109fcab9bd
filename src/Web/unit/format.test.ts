// The viewer's pure modules, without a browser or a server (make test-fast).
import { describe, expect, it } from 'vitest';
import { gbp, longDate, n0, n1, pct } from '../src/format';

describe('numbers as a board paper writes them', () => {
  it('rounds and groups', () => {
    expect(n0(57381.4)).toBe('57,381');
    expect(n1(4.44)).toBe('4.4');
    expect(pct(0.3756)).toBe('37.6%');
    expect(gbp(157000)).toBe('£157,000');
  });
  it('writes a dash for no value, never 0', () => {
    for (const f of [n0, n1, pct, gbp]) {
      expect(f(null)).toBe('–');
      expect(f(undefined)).toBe('–');
    }
    expect(n0(0)).toBe('0');
  });
  it('writes an API date as a day in UTC', () => {
    expect(longDate('2026-04-01')).toBe('1 April 2026');
  });
});
