import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/api';
import { breaks, decileColour, fillColour, format, mapFigures, setCatalog, teamState } from '../src/metrics';

// A small catalog in the API's shape: two figures, one level, two palettes, the team states.
const catalog = {
  levels: [{ id: 'lad', tiles: true, search: true }],
  figures: [
    { id: 'unmet_need_per_1000_births', format: 'number', decimals: 0, palette: 'viridis', map: true, levels: ['lad'], breaks: { lad: [0, 60, 80, 100, 120] } },
    { id: 'geographic_coverage', format: 'percent', decimals: 0, palette: 'viridis', map: true, levels: ['lad'], breaks: { lad: [0, 0.2, 0.4, 0.6, 0.8] } },
    { id: 'imd_decile', format: 'ordinal', decimals: 0, palette: 'deprivation', map: false, levels: ['lsoa'], breaks: {} },
  ],
  palettes: [
    { id: 'viridis', colours: ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] },
    { id: 'deprivation', colours: ['#d1', '#d2', '#d3', '#d4', '#d5', '#d6', '#d7', '#d8', '#d9', '#d10'] },
  ],
  team_states: [
    { id: 'served', label: 'Served', explain: 'A team takes referrals', pattern: null },
    { id: 'not_known', label: 'Not known', explain: 'Nothing is known', pattern: 'hatch' },
  ],
  no_value_colour: '#b1b4b6',
} as unknown as Catalog;

beforeAll(() => setCatalog(catalog));

describe('the catalog drives the map', () => {
  it('formats a figure by its unit', () => {
    const [unmet, coverage] = mapFigures('lad');
    expect(format(unmet!, 96.04)).toBe('96');
    expect(format(coverage!, 0.3756)).toBe('38%');
  });
  it('colours a class for each break, grey where there is no value', () => {
    const f = mapFigures('lad')[0]!;
    const expr = fillColour(f, 'lad') as unknown[];
    expect(expr[0]).toBe('case');
    expect(expr[2]).toBe('#b1b4b6');
    const step = expr[3] as unknown[];
    expect(step[0]).toBe('step');
    // the first colour below the second break, then a break and a colour for each class
    expect(step.slice(2)).toEqual(['#fde725', 60, '#5ec962', 80, '#21918c', 100, '#3b528b', 120, '#440154']);
    expect(breaks(f, 'lad')).toEqual([0, 60, 80, 100, 120]);
  });
  it('draws deprivation deciles in their own ten colours', () => {
    const step = decileColour();
    expect(step.length).toBe(3 + 2 * 9);
    expect(step[2]).toBe('#d1');
    expect(step.at(-1)).toBe('#d10');
  });
  it('gives each team state but served a pattern', () => {
    expect(teamState('served')?.pattern).toBeNull();
    expect(teamState('not_known')?.pattern).toBe('state-not_known');
  });
});
