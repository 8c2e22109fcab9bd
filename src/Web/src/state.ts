// The view in the URL, so that a link shows the same thing: metric, selection, map view, filter, scenario.
export interface ViewState {
  level: string;
  metric: string;
  area: string | null;
  centre: [number, number] | null;
  zoom: number | null;
  filter: string;
  /** Capacity and cost are NaN when the URL does not give them: the catalog's defaults apply. */
  scenario: { areas: string[]; capacity: number; cost: number } | null;
}

export const defaultMetric = 'unmet_need_per_1000_births';

export function readState(search = window.location.search): ViewState {
  const q = new URLSearchParams(search);
  const c = q.get('c')?.split(',').map(Number);
  let scenario: ViewState['scenario'] = null;
  const s = q.get('scenario');
  if (s) {
    const [areas = '', capacity = '', cost = ''] = s.split('|');
    const codes = areas.split(',').filter((x) => /^E\d{8}$/.test(x));
    if (codes.length) scenario = { areas: codes, capacity: capacity === '' ? NaN : Number(capacity), cost: cost === '' ? NaN : Number(cost) };
  }
  return {
    level: /^[a-z]{2,10}$/.test(q.get('level') ?? '') ? q.get('level')! : 'lad',
    metric: q.get('metric') ?? defaultMetric,
    area: /^E\d{8}$/.test(q.get('area') ?? '') ? q.get('area') : null,
    centre: c && c.length === 2 && c.every(Number.isFinite) ? [c[0]!, c[1]!] : null,
    zoom: q.get('z') !== null && Number.isFinite(Number(q.get('z'))) ? Number(q.get('z')) : null,
    filter: /^E\d{8}$/.test(q.get('in') ?? '') ? q.get('in')! : '',
    scenario,
  };
}

export function writeState(s: ViewState): void {
  const q = new URLSearchParams();
  if (s.level !== 'lad') q.set('level', s.level);
  if (s.metric !== defaultMetric) q.set('metric', s.metric);
  if (s.area) q.set('area', s.area);
  if (s.centre) q.set('c', s.centre.map((v) => v.toFixed(4)).join(','));
  if (s.zoom !== null) q.set('z', s.zoom.toFixed(2));
  if (s.filter) q.set('in', s.filter);
  if (s.scenario) q.set('scenario', scenarioParam(s.scenario));
  const url = `${window.location.pathname}${q.size ? `?${q}` : ''}`;
  window.history.replaceState(null, '', url);
}

/** A scenario as the URL and the reports take it: codes|capacity|cost, an empty field for a default. */
export function scenarioParam(s: NonNullable<ViewState['scenario']>): string {
  const num = (x: number) => (Number.isFinite(x) ? String(x) : '');
  return `${s.areas.join(',')}|${num(s.capacity)}|${num(s.cost)}`;
}
