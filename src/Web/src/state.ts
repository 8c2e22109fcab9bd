// The view in the URL, so that a link shows the same thing: level, measure, selection, map view,
// filters, the open view, and up to three named scenarios with the one in force.
export interface ScenarioTeam { areas: string[]; capacity: number; cost: number; name: string }
export interface Scenario { name: string; teams: ScenarioTeam[]; close: string[] }

export interface ViewState {
  level: string;
  metric: string;
  area: string | null;
  centre: [number, number] | null;
  zoom: number | null;
  filter: string;
  stateFilter: string;
  tab: string;
  /** Capacity and cost are NaN when the URL does not give them: the catalog's defaults apply. */
  scenarios: Scenario[];
  /** The index of the scenario in force (its effect is on the map, the table and the report link), or -1. */
  active: number;
}

// Unmet need in families a year: where a new team would reach most families. Per 1,000 births (the other
// first choice) shows where need is most intense: under the default risk model it rises with income deprivation.
export const defaultMetric = 'unmet_need';
export const maxScenarios = 3;
// A GSS code, or the ODS code of a sub-ICB location of April 2026 with no ONS code known yet (U2G6B, 92A).
const code = /^(E\d{8}|(?=[0-9A-Z]*\d)([0-9A-Z]{3}|[0-9A-Z]{5}))$/;
const teamId = /^[a-z0-9][a-z0-9-]{1,62}$/;

// The n-th scenario's parameters: scenario, close, sname for the first; scenario2, close2, sname2 for the second.
const key = (base: string, i: number) => (i === 0 ? base : `${base}${i + 1}`);

/** A name safe inside the report's scenario format (no field or team separators), at most 60 characters. */
export const cleanName = (s: string): string => s.replace(/[|;]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);

export function readState(search = window.location.search): ViewState {
  const q = new URLSearchParams(search);
  const c = q.get('c')?.split(',').map(Number);
  const scenarios: Scenario[] = [];
  for (let i = 0; i < maxScenarios; i++) {
    const teams = parseTeams(q.get(key('scenario', i)) ?? '');
    const close = (q.get(key('close', i)) ?? '').split(',').filter((x) => teamId.test(x));
    const name = cleanName(q.get(key('sname', i)) ?? '');
    if (!teams.length && !close.length && !name) continue;
    scenarios.push({ name: name || `Scenario ${scenarios.length + 1}`, teams, close });
  }
  const use = Number(q.get('use') ?? '1');
  return {
    level: /^[a-z]{2,10}$/.test(q.get('level') ?? '') ? q.get('level')! : 'lad',
    metric: q.get('metric') ?? defaultMetric,
    area: code.test(q.get('area') ?? '') ? q.get('area') : null,
    centre: c && c.length === 2 && c.every(Number.isFinite) ? [c[0]!, c[1]!] : null,
    zoom: q.get('z') !== null && Number.isFinite(Number(q.get('z'))) ? Number(q.get('z')) : null,
    filter: code.test(q.get('in') ?? '') ? q.get('in')! : '',
    stateFilter: /^[a-z_]{2,20}$/.test(q.get('state') ?? '') ? q.get('state')! : '',
    tab: /^[a-z]{2,12}$/.test(q.get('tab') ?? '') ? q.get('tab')! : '',
    scenarios,
    // use=0: scenarios kept, none in force.
    active: !scenarios.length || use === 0 ? -1 : Number.isInteger(use) && use >= 1 && use <= scenarios.length ? use - 1 : 0,
  };
}

/** The report's format: teams separated by ';', each codes|capacity|cost|name, empty fields for the defaults. */
function parseTeams(s: string): ScenarioTeam[] {
  return s.split(';').map((part) => {
    const [areas = '', capacity = '', cost = '', name = ''] = part.split('|');
    return { areas: areas.split(',').filter((x) => code.test(x)), capacity: capacity === '' ? NaN : Number(capacity), cost: cost === '' ? NaN : Number(cost), name: cleanName(name) };
  }).filter((t) => t.areas.length > 0);
}

export function writeState(s: ViewState): void {
  const q = new URLSearchParams();
  if (s.level !== 'lad') q.set('level', s.level);
  if (s.metric !== defaultMetric) q.set('metric', s.metric);
  if (s.area) q.set('area', s.area);
  if (s.centre) q.set('c', s.centre.map((v) => v.toFixed(4)).join(','));
  if (s.zoom !== null) q.set('z', s.zoom.toFixed(2));
  if (s.filter) q.set('in', s.filter);
  if (s.stateFilter) q.set('state', s.stateFilter);
  if (s.tab && s.tab !== 'area') q.set('tab', s.tab);
  s.scenarios.slice(0, maxScenarios).forEach((sc, i) => {
    q.set(key('sname', i), sc.name);
    const teams = scenarioParam(sc);
    if (teams) q.set(key('scenario', i), teams);
    if (sc.close.length) q.set(key('close', i), sc.close.join(','));
  });
  if (s.scenarios.length && s.active !== 0) q.set('use', String(s.active + 1));
  // toString, not size: URLSearchParams.size is missing from browsers before 2023.
  const query = q.toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ''}`;
  window.history.replaceState(null, '', url);
}

/** A scenario's new teams as the URL and the reports take them. */
export function scenarioParam(s: Scenario): string {
  const num = (x: number) => (Number.isFinite(x) ? String(x) : '');
  return s.teams.filter((t) => t.areas.length).map((t) => `${t.areas.join(',')}|${num(t.capacity)}|${num(t.cost)}|${t.name}`).join(';');
}

/** The query of the case-for-change report comparing options: the first as the scenario (with its closures), the others as option2 and option3, and their names. */
export function optionsQuery(options: Scenario[]): string {
  const q = new URLSearchParams(reportQuery(options[0] ?? null).slice(1));
  options.slice(1, 3).forEach((o, i) => { const teams = scenarioParam(o); if (teams) q.set(`option${i + 2}`, teams); });
  q.set('option_names', options.slice(0, 3).map((o) => o.name.replace(/\|/g, '/')).join('|'));
  return `?${q.toString()}`;
}

/** The query of the case-for-change report for a scenario: its new teams and its closures. */
export function reportQuery(s: Scenario | null): string {
  if (!s) return '';
  const q = new URLSearchParams();
  const teams = scenarioParam(s);
  if (teams) q.set('scenario', teams);
  if (s.close.length) q.set('close', s.close.join(','));
  const query = q.toString();
  return query ? `?${query}` : '';
}
