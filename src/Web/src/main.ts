// Cradle's viewer: wires the map, search, area panel, ranked table, scenario mode and register editing.
import 'govuk-frontend/dist/govuk/govuk-frontend.min.css';
import './styles.css';
import { ApiError, getJson, type Area, type AreaDetail, type AreaList, type Catalog, type RegisterSummary, type ScenarioArea } from './api';
import { esc } from './format';
import { createMap, renderLegend, type MapHandle } from './map';
import { renderPanel } from './panel';
import { renderRegister } from './register';
import { renderPlan, renderScenario, renderScenarioError, runPlan, runScenario } from './scenario';
import { readState, writeState, defaultMetric, scenarioParam, type ViewState } from './state';
import { areaLevels, getCatalog, level as levelOf, mapFigures, setCatalog } from './metrics';
import { RankedTable } from './table';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: ViewState = readState();
let districts: Area[] = []; // the areas of the chosen level
let scenarioAreas = new Map<string, ScenarioArea>();
// The scenario last applied ("Show the effect"), which the case for change carries; not areas merely picked.
let appliedScenario: ViewState['scenario'] = null;
let map: MapHandle | null = null;
let allAreas: { code: string; name: string; level: string; infants: number }[] = [];
let byLevel = new Map<string, Area[]>(); // the searchable levels' areas, for search and the "Show areas in" filter

declare global { interface Window { cradle: { map: MapHandle | null; ready: boolean } } }
window.cradle = { map: null, ready: false };

function showStatus(html: string, isError = false): void {
  $('status').innerHTML = isError
    ? `<div class="govuk-error-summary" role="alert" tabindex="-1"><h2 class="govuk-error-summary__title">Cradle’s data is not available</h2>
        <div class="govuk-error-summary__body"><p class="govuk-body">${html}</p>
        <button class="govuk-button govuk-button--secondary" id="retry" type="button">Try again</button></div></div>`
    : html;
  if (isError) $('retry').addEventListener('click', () => { showStatus('<p class="govuk-body">Loading…</p>'); void start(); });
}

const scenarioMode = () => !$('scenario').hidden;
// A row chosen in scenario mode also adds (or removes) the district from the new team's area.
const table = new RankedTable($('ranking-head'), $('ranking-body'), $('download') as HTMLAnchorElement, (code) => {
  if (scenarioMode()) togglePicked(code);
  void select(code, true);
});

let selection = 0;

async function select(code: string | null, zoom = false): Promise<void> {
  const mine = ++selection; // a slower, older answer must not overwrite a newer choice
  state.area = code;
  writeState(state);
  map?.select(code);
  table.setSelected(code);
  if (!code) return;
  const panel = $('panel');
  panel.setAttribute('aria-busy', 'true');
  try {
    const detail = await getJson<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`);
    if (mine !== selection) return;
    // The case for change with the scenario in force, as the viewer's URL holds it.
    const report = `/reports/${encodeURIComponent(detail.area.level)}/${encodeURIComponent(code)}.pdf${appliedScenario ? `?scenario=${encodeURIComponent(scenarioParam(appliedScenario))}` : ''}`;
    renderPanel(panel, detail, scenarioAreas.get(code) ?? null, report);
    if (zoom && map) {
      const ogc = await getJson<{ bbox?: number[]; geometry: { coordinates: unknown } }>(`/ogc/collections/${detail.area.level}/items/${code}`).catch(() => null);
      if (ogc && mine === selection) map.fitTo(bbox(ogc.geometry.coordinates));
    }
  } catch (e) {
    panel.innerHTML = `<h2 class="govuk-heading-m">Area details</h2><p class="govuk-error-message">${esc((e as Error).message)}</p>`;
  } finally {
    panel.removeAttribute('aria-busy');
  }
}

function bbox(coords: unknown): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0] as number); b[1] = Math.min(b[1], c[1] as number);
      b[2] = Math.max(b[2], c[0] as number); b[3] = Math.max(b[3], c[1] as number);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(coords);
  return b;
}

/** Finds areas by code or name: exact first, then names starting with the text, then containing it; bigger places first. */
function search(): void {
  const q = ($('search') as HTMLInputElement).value.trim().toLowerCase();
  if (!q) return;
  const score = (a: { code: string; name: string }) => {
    const name = a.name.toLowerCase();
    return a.code.toLowerCase() === q || name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : 3;
  };
  const matches = allAreas.filter((a) => score(a) < 3).sort((a, b) => score(a) - score(b) || b.infants - a.infants);
  const hint = $('search-hint');
  const hit = matches[0];
  if (!hit) { hint.textContent = `No area matches “${q}”. Try the name of a district, council, ICB or region, or a code.`; return; }
  const others = matches.slice(1, 6);
  hint.innerHTML = `Showing ${esc(hit.name)}.${others.length ? ` Also matching: ${others.map((o) => `<a class="govuk-link" href="?area=${o.code}" data-code="${o.code}">${esc(o.name)}</a>`).join(', ')}.` : ''}`;
  hint.querySelectorAll<HTMLAnchorElement>('a[data-code]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); void select(a.dataset.code!, true); }));
  void select(hit.code, true).then(() => $('panel').focus());
}

function togglePicked(code: string): void {
  const s = state.scenario ?? { areas: [], capacity: Number(($('capacity') as HTMLInputElement).value), cost: Number(($('cost') as HTMLInputElement).value) };
  s.areas = s.areas.includes(code) ? s.areas.filter((c) => c !== code) : [...s.areas, code];
  state.scenario = s.areas.length ? s : null;
  renderPicked();
  writeState(state);
}

function renderPicked(): void {
  const codes = state.scenario?.areas ?? [];
  map?.setPicked(codes);
  const names = codes.map((c) => districts.find((d) => d.code === c)?.name ?? c);
  $('scenario-areas').innerHTML = codes.length ? `The new team would serve: <strong>${esc(names.join(', '))}</strong>.` : 'No areas picked yet.';
}

async function applyScenario(): Promise<void> {
  const out = $('scenario-result');
  const capacity = Number(($('capacity') as HTMLInputElement).value);
  const cost = Number(($('cost') as HTMLInputElement).value);
  if (!state.scenario?.areas.length) { out.innerHTML = '<p class="govuk-error-message">Pick at least one area first.</p>'; return; }
  state.scenario.capacity = capacity; state.scenario.cost = cost;
  writeState(state);
  out.innerHTML = '<p class="govuk-body">Working it out…</p>';
  try {
    const r = await runScenario(state.scenario, state.level);
    scenarioAreas = new Map(r.areas.map((a) => [a.code, a]));
    appliedScenario = { ...state.scenario, areas: [...state.scenario.areas] };
    renderScenario(out, r, new Map(districts.map((d) => [d.code, d.name])), levelOf(state.level).singular);
    table.setScenario(new Map(r.areas.map((a) => [a.code, a.unmet_need_after])));
    const metric = state.metric === 'geographic_coverage' ? 'geographic_coverage' : 'unmet_need_per_1000_births';
    map?.setScenario(new Map(r.areas.map((a) => [a.code, metric === 'geographic_coverage' ? a.geographic_coverage_after : a.unmet_need_per_1000_births_after ?? 0])), metric);
    if (state.area) await select(state.area);
  } catch (e) {
    renderScenarioError(out, e);
  }
}

function clearScenario(): void {
  state.scenario = null;
  appliedScenario = null;
  scenarioAreas = new Map();
  table.setScenario(new Map());
  map?.setScenario(null, 'unmet_need_per_1000_births');
  $('scenario-result').innerHTML = '';
  renderPicked();
  writeState(state);
  if (state.area) void select(state.area);
}

function setScenarioMode(on: boolean): void {
  // A team serves districts, upper-tier councils or LSOAs (the catalog says which): at other levels there is nothing to pick.
  if (on && !levelOf(state.level).team_service_area) on = false;
  $('scenario').hidden = !on;
  $('scenario-toggle').setAttribute('aria-pressed', String(on));
  $('scenario-toggle').textContent = on ? 'Close the scenario' : 'Try a new team (scenario)';
}

async function loadDistricts(): Promise<void> {
  showAreas((await getJson<AreaList>(`/api/areas?level=${encodeURIComponent(state.level)}`)).areas);
}

function showAreas(areas: Area[]): void {
  districts = areas;
  table.setLevel(levelOf(state.level));
  table.setAreas(districts);
}

async function start(): Promise<void> {
  try {
    await getJson('/health/ready');
    setCatalog(await getJson<Catalog>('/api/catalog'));
    ($('level') as HTMLSelectElement).innerHTML = areaLevels().map((l) => `<option value="${esc(l.id)}">${esc(l.plural)}</option>`).join('');
    renderLevelControl();
    const [summary, ...lists] = await Promise.all([
      getJson<RegisterSummary>('/api/teams/summary'),
      // Search finds areas of every level the catalog marks as searchable; the level on show is one of them.
      ...getCatalog().levels.filter((l) => l.search).map((l) => getJson<AreaList>(`/api/areas?level=${l.id}`)),
    ]);
    byLevel = new Map(lists.map((l) => [l.level, l.areas]));
    const shown = byLevel.get(state.level);
    if (shown) showAreas(shown); else await loadDistricts();
    allAreas = lists.flatMap((l) => l.areas).map((a) => ({ code: a.code, name: a.name, level: a.level, infants: a.infants_under_2 }));
    $('area-names').innerHTML = allAreas.map((a) => `<option value="${esc(a.name)}"></option>`).join('');
    const defaults = getCatalog().defaults;
    if (!($('capacity') as HTMLInputElement).value) ($('capacity') as HTMLInputElement).value = String(defaults.new_team_capacity);
    if (!($('cost') as HTMLInputElement).value) ($('cost') as HTMLInputElement).value = String(defaults.annual_cost);
    renderFilter();
    $('register-notice').innerHTML = `${esc(summary.notice)} Only ${summary.capacity_published} teams publish how many families they see; the rest use an assumed capacity.`;
    $('register-footer').innerHTML = `Team register: ${summary.teams} teams, each with its source, the source’s date and the date it was last verified (${esc(summary.oldest_last_verified ?? '–')} to ${esc(summary.newest_last_verified ?? '–')}).`;
    showStatus('');
    if (!map) {
      const config = await getJson<{ basemap_url: string | null }>('/api/viewer/config').catch(() => ({ basemap_url: null }));
      map = createMap($('map'), {
        basemap: config.basemap_url, centre: state.centre, zoom: state.zoom, level: state.level, metric: state.metric,
        onClick: (code) => { if (scenarioMode()) togglePicked(code); void select(code); },
        onMove: () => { const c = map!.map.getCenter(); state.centre = [c.lng, c.lat]; state.zoom = map!.map.getZoom(); writeState(state); },
      });
      window.cradle.map = map;
      map.map.on('load', () => {
        map!.select(state.area);
        renderPicked();
        window.cradle.ready = true;
        if (state.scenario) {
          setScenarioMode(true);
          if (Number.isFinite(state.scenario.capacity)) ($('capacity') as HTMLInputElement).value = String(state.scenario.capacity);
          if (Number.isFinite(state.scenario.cost)) ($('cost') as HTMLInputElement).value = String(state.scenario.cost);
          void applyScenario();
        }
      });
    }
    renderLegend($('legend'), state.metric, state.level);
    if (state.area) void select(state.area);
    void renderRegister($('register'), () => { map?.refresh(); void loadDistricts(); if (state.area) void select(state.area); });
  } catch (e) {
    const err = e as ApiError;
    showStatus(esc(err.status === 0 || err.status >= 500 ? 'Cradle’s server is not answering just now. Check it is running (make up), then try again.' : err.message), true);
    ($('status').querySelector('.govuk-error-summary') as HTMLElement | null)?.focus();
  }
}

/** The "Areas" control and the measures of the chosen level, both from the catalog. */
function renderLevelControl(): void {
  if (!areaLevels().some((l) => l.id === state.level)) state.level = 'lad';
  ($('level') as HTMLSelectElement).value = state.level;
  const figures = mapFigures(state.level);
  if (!figures.some((f) => f.id === state.metric)) state.metric = defaultMetric;
  ($('metric') as HTMLSelectElement).innerHTML = figures.map((f) => `<option value="${esc(f.id)}">${esc(f.label)}</option>`).join('');
  ($('metric') as HTMLSelectElement).value = state.metric;
  const l = levelOf(state.level);
  $('table-title').textContent = `${l.plural} ranked by unmet need`;
  const toggle = $('scenario-toggle') as HTMLButtonElement, hint = $('scenario-hint');
  toggle.disabled = !l.team_service_area;
  const servable = areaLevels().filter((x) => x.team_service_area).map((x) => x.plural.toLowerCase());
  hint.hidden = l.team_service_area;
  hint.textContent = l.team_service_area ? '' : `A team's area is made of ${servable.join(' or ')}: choose one of those under Areas to try a new team.`;
  if (byLevel.size) renderFilter();
}

/** "Show areas in": the areas of every level the chosen level nests in, as the catalog lists them. */
function renderFilter(): void {
  const select = $('filter') as HTMLSelectElement;
  const groups = levelOf(state.level).parents.filter((p) => byLevel.has(p)).map((p) => {
    const areas = [...byLevel.get(p)!].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    return `<optgroup label="${esc(levelOf(p).plural)}">${areas.map((a) => `<option value="${esc(a.code)}">${esc(a.name)}</option>`).join('')}</optgroup>`;
  });
  select.innerHTML = '<option value="">All of England</option>' + groups.join('');
  // A filter by an area the chosen level does not nest in shows nothing: drop it.
  if (![...select.options].some((o) => o.value === state.filter)) state.filter = '';
  select.value = state.filter;
  table.setFilter(state.filter);
}

$('level').addEventListener('change', () => changeLevel(($('level') as HTMLSelectElement).value));

function changeLevel(id: string): void {
  state.level = id;
  state.area = null;
  clearScenario();
  renderLevelControl();
  map?.setLevel(state.level, state.metric); // draws the fill in the metric too
  renderLegend($('legend'), state.metric, state.level);
  writeState(state);
  void loadDistricts();
}
$('metric').addEventListener('change', () => {
  state.metric = ($('metric') as HTMLSelectElement).value;
  map?.setMetric(state.metric);
  renderLegend($('legend'), state.metric, state.level);
  writeState(state);
});
$('filter').addEventListener('change', () => { state.filter = ($('filter') as HTMLSelectElement).value; table.setFilter(state.filter); writeState(state); });
$('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
$('search-go').addEventListener('click', search);
$('scenario-toggle').addEventListener('click', () => setScenarioMode($('scenario').hidden));
$('scenario-run').addEventListener('click', () => void applyScenario());
$('scenario-clear').addEventListener('click', clearScenario);
$('plan-run').addEventListener('click', async () => {
  const out = $('plan-result');
  out.innerHTML = '<p class="govuk-body">Searching…</p>';
  try {
    renderPlan(out, await runPlan(Number(($('plan-teams') as HTMLInputElement).value), ($('plan-deprived') as HTMLInputElement).checked,
      Number(($('capacity') as HTMLInputElement).value), Number(($('cost') as HTMLInputElement).value)));
    out.querySelectorAll<HTMLButtonElement>('button[data-areas]').forEach((b) => b.addEventListener('click', () => {
      // The planner picks districts: show them at that level.
      if (state.level !== 'lad') changeLevel('lad');
      setScenarioMode(true);
      state.scenario = { areas: b.dataset.areas!.split(','), capacity: Number(($('capacity') as HTMLInputElement).value), cost: Number(($('cost') as HTMLInputElement).value) };
      renderPicked();
      void applyScenario();
    }));
  } catch (e) { renderScenarioError(out, e); }
});
$('map').addEventListener('keydown', (e) => {
  // Keyboard users select through the search and the table; Enter on the map moves to the table.
  if (e.key === 'Enter') (table.selectedRow() ?? $('ranking-body').querySelector('tr'))?.focus();
});

showStatus('<p class="govuk-body">Loading…</p>');
void start();
