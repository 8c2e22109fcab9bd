import type { TeamStateId } from './api';
// The measures a district can be coloured by: the tile attribute, its label, unit and classes.
export interface Metric { id: string; label: string; unit: string; breaks: number[]; format: (v: number) => string }

/** Viridis, 5 steps: sequential and colour-blind safe; darker = more. */
export const palette = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];

export const metrics: Metric[] = [
  { id: 'unmet_per_1000', label: 'Unmet need per 1,000 births', unit: 'unmet families a year per 1,000 births', breaks: [0, 20, 40, 60, 80], format: (v) => v.toFixed(0) },
  { id: 'coverage', label: 'Geographic coverage', unit: 'share of infants where a team takes referrals', breaks: [0, 0.2, 0.4, 0.6, 0.8], format: (v) => `${(v * 100).toFixed(0)}%` },
  { id: 'need', label: 'Need', unit: 'families a year needing a specialised service', breaks: [0, 100, 200, 300, 500], format: (v) => v.toFixed(0) },
  { id: 'infants', label: 'Infants under 2', unit: 'infants under 2 (mid-2024; small areas estimated)', breaks: [0, 2000, 4000, 6000, 10000], format: (v) => v.toFixed(0) },
  { id: 'deprived_share', label: 'Deprivation', unit: 'share of infants in the 20% most deprived LSOAs (IoD2025)', breaks: [0, 0.2, 0.4, 0.6, 0.8], format: (v) => `${(v * 100).toFixed(0)}%` },
];

export const metricById = (id: string): Metric => metrics.find((m) => m.id === id) ?? metrics[0]!;

/** A MapLibre step expression: the scenario's value (feature-state) if any, else the tile's. */
export function fillColour(m: Metric): unknown[] {
  const value = ['coalesce', ['feature-state', m.id], ['get', m.id], 0];
  const expr: unknown[] = ['step', value, palette[0]];
  m.breaks.slice(1).forEach((b, i) => expr.push(b, palette[i + 1]));
  return expr;
}

/** The four team states, never mixed up; each has its own pattern on the map, so colour is not needed to tell them apart. */
export const teamStates: { id: TeamStateId; label: string; explain: string; pattern: string | null }[] = [
  { id: 'served', label: 'Served', explain: 'an active team in the register takes referrals here', pattern: null },
  { id: 'in_development', label: 'In development', explain: 'a team is being set up here', pattern: 'state-building' },
  { id: 'confirmed_none', label: 'Confirmed none', explain: 'a dated source says there is no team', pattern: 'state-none' },
  { id: 'not_known', label: 'Not known', explain: 'no team in the register, and no source says there is none', pattern: 'state-unknown' },
];
