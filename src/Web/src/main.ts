// Cradle's viewer: the map first, with a side panel (a bottom sheet on a phone) of views: the area,
// the ranked table, scenarios, the register's teams, and about the data (with register editing).
import 'govuk-frontend/dist/govuk/govuk-frontend.min.css';
import './styles.css';
import { ApiError, getJson, type Area, type AreaDetail, type AreaList, type Catalog, type RegisterSummary, type ScenarioArea, type ScenarioResult, type SearchResult, type Team, type TeamList } from './api';
import { esc, longDate } from './format';
import { createMap, geometryBounds, renderLegend, type MapHandle } from './map';
import { renderPanel } from './panel';
import { ScenarioEditor } from './scenario';
import { readState, writeState, defaultMetric, reportQuery, type ViewState } from './state';
import { areaLevels, catalogLoaded, getCatalog, level as levelOf, mapFigures, setCatalog, teamStates } from './metrics';
import { RankedTable } from './table';
import { Tabs } from './tabs';
import { TeamsView } from './teams';
import { sheetHandle } from './sheet';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: ViewState = readState();
let map: MapHandle | null = null;
// The areas of every level the catalog marks searchable (every level "Areas" offers is one): for the
// table, search, the "Show areas in" filter and names; by level, and by code (a unitary council's
// code is both a district's and an upper-tier council's: by code it is one entry).
let allAreas = new Map<string, Area>();
let byLevel = new Map<string, Area[]>();
const areas = (): Area[] => byLevel.get(state.level) ?? []; // the areas of the chosen level
let register: Team[] = [];
let summary: RegisterSummary | null = null;

declare global { interface Window { cradle: { map: MapHandle | null; ready: boolean; firstRender: number | null } } }
window.cradle = { map: null, ready: false, firstRender: null };
// Ready (for people and tests) when the map has loaded and the areas, register and catalog have.
const ready = { map: false, data: false };
const markReady = (part: keyof typeof ready) => { ready[part] = true; window.cradle.ready = ready.map && ready.data; };

function showStatus(html: string, isError = false): void {
  $('status').innerHTML = isError
    ? `<div class="govuk-error-summary" role="alert" tabindex="-1"><h2 class="govuk-error-summary__title">Cradle’s data is not available</h2>
        <div class="govuk-error-summary__body"><p class="govuk-body">${html}</p>
        <button class="govuk-button govuk-button--secondary" id="retry" type="button">Try again</button></div></div>`
    : html;
  if (isError) $('retry').addEventListener('click', () => { showStatus('<p class="govuk-body" role="status">Loading…</p>'); void start(); });
}

const areaName = (code: string) => allAreas.get(code)?.name ?? code;
const panelIntro = $('panel').innerHTML; // what the panel says before an area is chosen
const servableLevels = () => areaLevels().filter((l) => l.team_service_area);

const editor = new ScenarioEditor($('scenarios'), {
  state,
  name: areaName,
  find(text) {
    const q = text.trim().toLowerCase();
    if (!q) return null;
    const pool = servableLevels().flatMap((l) => byLevel.get(l.id) ?? []);
    return (pool.find((a) => a.code.toLowerCase() === q || a.name.toLowerCase() === q) ?? pool.find((a) => a.name.toLowerCase().startsWith(q)))?.code ?? null;
  },
  activeTeams: () => register.filter((t) => t.status === 'active'),
  defaults: () => ({ capacity: getCatalog().defaults.new_team_capacity, cost: getCatalog().defaults.annual_cost }),
  servable: () => ({ ok: levelOf(state.level).team_service_area, levels: servableLevels().map((l) => l.plural.toLowerCase()).join(' or ') }),
  onApplied: (r) => showScenario(r),
  showDistricts: () => { if (state.level !== 'lad') changeLevel('lad'); },
  reportOf: (code, query) => {
    const level = allAreas.get(code)?.level;
    return level && levelOf(level).reports ? `/reports/${encodeURIComponent(level)}/${encodeURIComponent(code)}.pdf${query}` : null;
  },
  save: () => { map?.setPicked(tabs.current === 'scenarios' ? editor.picked() : []); writeState(state); },
});

const tabs = new Tabs($('sidebar').querySelector('[role="tablist"]')!, (id, byUser) => {
  state.tab = id;
  if (byUser) clearHint();
  if (byUser) setCollapsed(false);
  if (!catalogLoaded()) return; // the views fill in when it has loaded
  map?.setPicked(id === 'scenarios' ? editor.picked() : []);
  if (id === 'scenarios') editor.render();
  if (id === 'teams') void loadTeamsView();
  if (id === 'about') void loadRegisterEditor();
  writeState(state);
});

// A row of the ranked table (a click, or Enter on its name) opens that area's details.
const table = new RankedTable($('ranking-head'), $('ranking-body'), $('download') as HTMLAnchorElement, $('table-count'), (code) => {
  tabs.show('area', true);
  void select(code, true).then(() => $('panel').focus());
});
const teamsView = new TeamsView($('teams'), areaName, (t) => void showTeam(t));

let selection = 0;
let selectedLevel: string | undefined; // the selected area's own level, once known
let deprivationOn = false;

/** A click on the map: in the Scenarios view it adds the area to the team being picked; it always selects. */
function onMapChoose(code: string): void {
  if (tabs.current === 'scenarios') editor.toggleArea(code);
  else if (tabs.current !== 'teams') tabs.show('area');
  setCollapsed(false);
  void select(code);
}

/** The search's hint stays only until the next thing the user does: a search keeps it for its own selection. */
let hintKept = false;
function clearHint(): void { $('search-hint').innerHTML = ''; }

/** Shows the search's hint (text and links, already escaped) with a button that closes it. */
function showHint(html: string): void {
  const hint = $('search-hint');
  hint.innerHTML = `<span class="app-search__hint-text">${html}</span><button type="button" class="app-search__hint-close" aria-label="Close the search hint">×</button>`;
  hint.querySelector('button')!.addEventListener('click', () => { clearHint(); $('search').focus(); });
  hint.querySelectorAll<HTMLAnchorElement>('a[data-code]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); tabs.show('area'); void select(a.dataset.code!, true); }));
}
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && $('search-hint').innerHTML) clearHint(); });
// On click, not pointerdown: closing the hint moves what is under the pointer, and the click must land where it was aimed.
document.addEventListener('click', (e) => {
  const t = e.target as HTMLElement;
  if ($('search-hint').innerHTML && !t.closest('#search-hint, .app-search')) clearHint();
});
$('search').addEventListener('input', () => { if (!($('search') as HTMLInputElement).value) clearHint(); });

async function select(code: string | null, zoom = false): Promise<void> {
  if (!hintKept) clearHint();
  hintKept = false;
  const mine = ++selection; // a slower, older answer must not overwrite a newer choice
  state.area = code;
  writeState(state);
  map?.select(code, code ? allAreas.get(code)?.level : undefined);
  table.setSelected(code);
  const panel = $('panel');
  if (!code) { panel.innerHTML = panelIntro; return; }
  panel.setAttribute('aria-busy', 'true');
  try {
    const detail = await getJson<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`);
    if (mine !== selection) return;
    // A newer code (Barnsley's E08000038) or a re-coded board (301) answers with the code Cradle holds: use that from here on.
    if (detail.area.code !== code) {
      code = detail.area.code;
      state.area = code;
      writeState(state);
      table.setSelected(code);
    }
    selectedLevel = detail.area.level;
    map?.select(code, detail.area.level);
    const inForce = editor.inForce();
    const sa = editor.inForceResult()?.areas.find((a) => a.code === code);
    renderPanel(panel, detail, sa && inForce ? { area: sa, name: inForce.name } : null, reportHref(detail.area.level, code));
    if (zoom && map) {
      const ogc = await getJson<{ geometry: { coordinates: unknown } }>(`/ogc/collections/${detail.area.level}/items/${code}`).catch(() => null);
      if (ogc && mine === selection) map.fitTo(geometryBounds(ogc.geometry.coordinates), sheetPadding());
    }
  } catch (e) {
    if (mine === selection) panel.innerHTML = `<h2 class="govuk-heading-m">Area details</h2><p class="govuk-error-message">${esc((e as Error).message)}</p>`;
  } finally {
    if (mine === selection) panel.removeAttribute('aria-busy');
  }
}

/** The case for change for an area, with the scenario in force as it was applied. */
const reportHref = (level: string, code: string) => `/reports/${encodeURIComponent(level)}/${encodeURIComponent(code)}.pdf${reportQuery(editor.inForce())}`;

/** Finds areas by code or name: exact first, then names starting with the text, then containing it; bigger places first. */
function search(): void {
  const q = ($('search') as HTMLInputElement).value.trim().toLowerCase();
  if (!q) return;
  const score = (a: { code: string; name: string }) => {
    const name = a.name.toLowerCase();
    return a.code.toLowerCase() === q || name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : 3;
  };
  const matches = [...allAreas.values()].filter((a) => score(a) < 3).sort((a, b) => score(a) - score(b) || b.infants_under_2 - a.infants_under_2);
  const hit = matches[0];
  if (!hit) { void searchHistory(q); return; }
  const others = matches.slice(1, 6);
  tabs.show('area');
  setCollapsed(false);
  // Two areas of one name (the region and the NHS region North West) are told apart by their level.
  const named = (o: { name: string; level: string }) => [hit, ...others].filter((x) => x.name === o.name).length > 1 ? `${o.name} (${levelOf(o.level).singular.toLowerCase()})` : o.name;
  showHint(`Showing ${esc(named(hit))}.${others.length ? ` Also matching: ${others.map((o) => `<a class="govuk-link" href="?area=${esc(o.code)}" data-code="${esc(o.code)}">${esc(named(o))}</a>`).join(', ')}.` : ''}`);
  hintKept = true;
  void select(hit.code, true).then(() => $('panel').focus());
}

/** A name or code the areas on show do not have: an ICB abolished on 1 April 2026, or a district's newer code; the API says what it is now. */
async function searchHistory(q: string): Promise<void> {
  const none = esc(`No area matches “${q}”. Try the name of a district, council, ICB or region, or a code.`);
  if (q.length < 2) { showHint(none); return; }
  try {
    const r = await getJson<SearchResult>(`/api/search?q=${encodeURIComponent(q)}&limit=5`);
    const old = r.hits.filter((h) => h.status !== 'current');
    if (!old.length) { showHint(none); return; }
    showHint(old.map((h) => h.status === 'recoded'
      ? `${esc(h.now ?? '')} <a class="govuk-link" href="?area=${esc(h.code)}" data-code="${esc(h.code)}">Show ${esc(h.name)}</a>.`
      : `${esc(h.now ?? h.name)}: ${h.successors.map((x) => `<a class="govuk-link" href="?area=${esc(x.code)}" data-code="${esc(x.code)}">${esc(x.name)}</a>`).join(', ')}.`).join(' '));
  } catch { showHint(none); }
}

/** The scenario in force (or none) on the table, the map and the panel. */
function showScenario(r: ScenarioResult | null): void {
  table.setScenario(new Map((r?.areas ?? []).map((a) => [a.code, a.unmet_need_after])));
  const value: Record<string, (a: ScenarioArea) => number> = {
    unmet_need_per_1000_births: (a) => a.unmet_need_per_1000_births_after ?? 0,
    geographic_coverage: (a) => a.geographic_coverage_after,
    unmet_need: (a) => a.unmet_need_after,
  };
  const f = value[state.metric];
  map?.setScenario(r && f ? new Map(r.areas.map((a) => [a.code, f(a)])) : null, state.metric);
  writeState(state);
  if (state.area) void select(state.area);
}

/** The areas of every searchable level (at start, and again after a register edit changes their figures). */
async function loadAreas(): Promise<void> {
  const lists = await Promise.all(getCatalog().levels.filter((l) => l.search).map((l) => getJson<AreaList>(`/api/areas?level=${l.id}`)));
  byLevel = new Map(lists.map((l) => [l.level, l.areas]));
  listMeta = new Map(lists.map((l) => [l.level, { dataVersion: l.data_version, model: l.need_model.name }]));
  allAreas = new Map(lists.flatMap((l) => l.areas).map((a) => [a.code, a]));
  $('area-names').innerHTML = [...allAreas.values()].map((a) => `<option value="${esc(a.name)}"></option>`).join('');
  $('servable-names').innerHTML = servableLevels().flatMap((l) => byLevel.get(l.id) ?? []).map((a) => `<option value="${esc(a.name)}"></option>`).join('');
  showAreas();
  renderFilter();
}

let listMeta = new Map<string, { dataVersion: number; model: string }>();

/** What the table shows, for its CSV's first line: the level, the filter, the model and the data version. */
function tableContext(): void {
  const filter = $('filter') as HTMLSelectElement;
  const meta = listMeta.get(state.level);
  table.setContext({ levelPlural: levelOf(state.level).plural.toLowerCase(), filterName: filter.value ? filter.selectedOptions[0]?.textContent ?? filter.value : null,
    model: meta?.model ?? '', dataVersion: meta?.dataVersion ?? 0 });
}

/** The chosen level's areas in the table. */
function showAreas(): void {
  table.setLevel(levelOf(state.level));
  table.setAreas(areas());
  tableContext();
}

async function start(): Promise<void> {
  try {
    // The map needs only the catalog (its colours, breaks, levels): it starts drawing while the rest loads.
    const health = getJson('/health/ready');
    const config = getJson<{ basemap_url: string | null }>('/api/viewer/config').catch(() => ({ basemap_url: null }));
    health.catch(() => undefined); // awaited below; not unhandled meanwhile
    setCatalog(await getJson<Catalog>('/api/catalog'));
    // A dated level says which vintage it shows: "ICBs (since 1 April 2026)".
    const since = (l: { in_force_from?: string | null }) => (l.in_force_from ? ` (since ${longDate(l.in_force_from)})` : '');
    ($('level') as HTMLSelectElement).innerHTML = areaLevels().map((l) => `<option value="${esc(l.id)}">${esc(l.plural)}${esc(since(l))}</option>`).join('');
    // The derived ICB lookup is credited only while it is the one loaded (the catalog says so).
    $('attribution-icb').hidden = !getCatalog().levels.some((l) => l.derived);
    renderLevelControl();
    // A link with an area and no map view of its own shows that area, fitted above a phone's sheet.
    if (state.area) void select(state.area, !state.centre);
    if (!map) {
      startMap();
      // The map's first tiles come first: the lists (a few hundred kilobytes of JSON to parse, a table
      // to build) would share the main thread with it. They follow its first render, or 2.5 s.
      renderLegend($('legend'), state.metric, state.level, summary, deprivationOn);
      await new Promise<void>((resolve) => { map!.map.once('idle', () => resolve()); setTimeout(resolve, 2500); });
    }
    await health;
    const basemap = (await config).basemap_url;
    if (basemap) map?.addBasemap(basemap);
    const [sum, teams] = await Promise.all([getJson<RegisterSummary>('/api/teams/summary'), getJson<TeamList>('/api/teams'), loadAreas()]);
    summary = sum;
    register = teams.teams;
    $('register-notice').innerHTML = `${esc(sum.notice)} Only ${sum.capacity_published} teams publish how many families they see; the rest use an assumed capacity.`;
    $('register-notice-summary').textContent = `How complete the register is: ${sum.teams} teams, ${sum.needs_reconfirming.length} needing re-confirmation; the Foundation counted more`;
    $('register-footer').innerHTML = `Team register: ${sum.teams} teams, each with its source, the source’s date, the date a source last confirmed it and the date it was last checked (${esc(sum.oldest_last_checked ?? '–')} to ${esc(sum.newest_last_checked ?? '–')}). <a class="govuk-link" href="/api/register">The register as open data</a> (CC BY 4.0) · <a class="govuk-link" href="/api/teams/changes.atom">Changes (Atom)</a>.`;
    renderLegend($('legend'), state.metric, state.level, summary, deprivationOn);
    showStatus('');
    tabs.show(['area', 'table', 'scenarios', 'teams', 'about'].includes(state.tab) ? state.tab : 'area');
    if (state.active >= 0) void editor.refresh().then(showScenario).catch(() => undefined);
    markReady('data');
  } catch (e) {
    const err = e as ApiError;
    showStatus(esc(err.status === 0 || err.status >= 500 ? 'Cradle’s server is not answering just now. Check it is running (make up), then try again.' : err.message), true);
    ($('status').querySelector('.govuk-error-summary') as HTMLElement | null)?.focus();
  }
}

let moveTimer = 0;
function startMap(): void {
  map = createMap($('map'), {
    centre: state.centre, zoom: state.zoom, level: state.level, metric: state.metric, announce: $('map-focus'),
    onClick: onMapChoose,
    // Debounced: browsers limit history.replaceState to about 100 calls in 30 s.
    onMove: () => {
      const c = map!.map.getCenter(); state.centre = [c.lng, c.lat]; state.zoom = map!.map.getZoom();
      clearTimeout(moveTimer); moveTimer = window.setTimeout(() => writeState(state), 400);
    },
  });
  window.cradle.map = map;
  // The first complete render: every tile of the first view drawn (the bench's viewer-first-render).
  map.map.once('idle', () => { window.cradle.firstRender = performance.now(); });
  map.map.on('load', () => {
    map!.select(state.area, selectedLevel);
    map!.setPicked(tabs.current === 'scenarios' ? editor.picked() : []);
    markReady('map');
  });
}

async function loadTeamsView(): Promise<void> {
  if (!register.length) register = (await getJson<TeamList>('/api/teams')).teams;
  teamsView.setTeams(register);
}

/** A team chosen in the Teams view: its area outlined and in view; where it is one area of the level on show, that area selected. */
async function showTeam(t: Team): Promise<void> {
  map?.highlightTeam(t.id);
  const here = (t.service_areas ?? []).find((c) => areas().some((a) => a.code === c));
  if (here) void select(here);
  const f = await getJson<{ geometry: { coordinates: unknown } | null }>(`/ogc/collections/teams/items/${encodeURIComponent(t.id ?? '')}`).catch(() => null);
  if (f?.geometry && map) map.fitTo(geometryBounds(f.geometry.coordinates), sheetPadding());
}

let registerLoaded = false;
async function loadRegisterEditor(): Promise<void> {
  if (registerLoaded) return;
  registerLoaded = true;
  // Editing is for key holders only: its code loads when this view is first opened.
  const { renderRegister } = await import('./register');
  await renderRegister($('register'), () => {
    map?.refresh(); editor.invalidate(); void loadAreas();
    // The register changed: its teams (for the Teams view and closures) and the scenario in force, again.
    void getJson<TeamList>('/api/teams').then((t) => { register = t.teams; if (tabs.current === 'teams') teamsView.setTeams(register); });
    if (state.active >= 0) void editor.refresh().then(showScenario).catch(() => undefined);
    if (state.area) void select(state.area);
  });
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
  ($('state-filter') as HTMLSelectElement).innerHTML = '<option value="">Any</option>' + teamStates().map((t) => `<option value="${esc(t.id)}">${esc(t.label)}</option>`).join('');
  ($('state-filter') as HTMLSelectElement).value = state.stateFilter;
  table.setStateFilter(state.stateFilter);
  if (byLevel.size) renderFilter();
}

/** "Show areas in": the areas of every level the chosen level nests in, as the catalog lists them. */
function renderFilter(): void {
  const select = $('filter') as HTMLSelectElement;
  const groups = levelOf(state.level).parents.filter((p) => byLevel.has(p)).map((p) => {
    const list = [...byLevel.get(p)!].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    return `<optgroup label="${esc(levelOf(p).plural)}">${list.map((a) => `<option value="${esc(a.code)}">${esc(a.name)}</option>`).join('')}</optgroup>`;
  });
  select.innerHTML = '<option value="">All of England</option>' + groups.join('');
  // A filter by an area the chosen level does not nest in shows nothing: drop it.
  if (![...select.options].some((o) => o.value === state.filter)) state.filter = '';
  select.value = state.filter;
  table.setFilter(state.filter);
  tableContext();
}

function changeLevel(id: string): void {
  state.level = id;
  void select(null);
  renderLevelControl();
  map?.setLevel(state.level, state.metric); // draws the fill in the metric too
  renderLegend($('legend'), state.metric, state.level, summary, deprivationOn);
  writeState(state);
  // Scenarios are kept: the one in force is run again for the areas of the new level.
  editor.invalidate();
  table.setScenario(new Map());
  if (tabs.current === 'scenarios') editor.render();
  showAreas();
  if (state.active >= 0) void editor.refresh()
    .then((r) => { if (id === state.level) showScenario(r); }) // a later change of level wins
    .catch((e) => showStatus(`<p class="govuk-error-message">${esc((e as Error).message)}</p>`));
}

/** On a phone the sheet covers the bottom of the map: what is fitted must lie above it. */
function sheetPadding(): { bottom: number } | undefined {
  if (!window.matchMedia('(max-width: 40rem)').matches) return undefined;
  const side = $('sidebar').getBoundingClientRect(), mapBox = $('map').getBoundingClientRect();
  return { bottom: Math.max(40, mapBox.bottom - side.top + 20) };
}

function setCollapsed(collapsed: boolean): void {
  const side = $('sidebar'), button = $('panel-toggle');
  if ((side.dataset.collapsed === 'true') === collapsed) return;
  side.dataset.collapsed = String(collapsed);
  if (collapsed) delete side.dataset.sheet;
  button.setAttribute('aria-expanded', String(!collapsed));
  button.textContent = collapsed ? 'Show the panel' : 'Hide the panel';
  requestAnimationFrame(() => map?.map.resize());
}

// The phone's sheet: peek is the collapsed panel; half and full are its open sizes.
sheetHandle($('sheet-handle') as HTMLButtonElement, $('sidebar'),
  () => ($('sidebar').dataset.collapsed === 'true' ? 'peek' : $('sidebar').dataset.sheet === 'full' ? 'full' : 'half'),
  (size) => {
    setCollapsed(size === 'peek');
    if (size === 'full') $('sidebar').dataset.sheet = 'full'; else delete $('sidebar').dataset.sheet;
    requestAnimationFrame(() => map?.map.resize());
  });

// The toolbar is a form for its labels and Enter; it never submits (no inline handler: the CSP allows none).
$('controls').addEventListener('submit', (e) => e.preventDefault());
$('level').addEventListener('change', () => changeLevel(($('level') as HTMLSelectElement).value));
$('metric').addEventListener('change', () => {
  state.metric = ($('metric') as HTMLSelectElement).value;
  map?.setMetric(state.metric);
  renderLegend($('legend'), state.metric, state.level, summary, deprivationOn);
  writeState(state);
  // The scenario's areas hold every figure it changes: no need to ask again.
  if (state.active >= 0) showScenario(editor.inForceResult());
});
$('filter').addEventListener('change', () => { state.filter = ($('filter') as HTMLSelectElement).value; table.setFilter(state.filter); tableContext(); writeState(state); });
$('state-filter').addEventListener('change', () => { state.stateFilter = ($('state-filter') as HTMLSelectElement).value; table.setStateFilter(state.stateFilter); writeState(state); });
$('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
$('search-go').addEventListener('click', search);
// "Tell us about provision here" (area panel), "Tell us" (a team) and "Tell us about a team" (Teams view): the form loads when first asked for.
document.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest<HTMLElement>('[data-contribute]');
  if (!b) return;
  e.preventDefault();
  const kind = b.dataset.contribute as 'new_team' | 'team_change' | 'area_evidence';
  void import('./contribute').then((m) => m.openContribution({ kind, teamId: b.dataset.teamId, areaCode: b.dataset.areaCode, areaName: b.dataset.areaName }, register));
});
$('legend').addEventListener('click', (e) => { if ((e.target as HTMLElement).id === 'legend-teams') { e.preventDefault(); tabs.show('teams', true); } });
// Small-area deprivation: a layer the user chooses, with its own key, never a silent swap on zooming.
$('legend').addEventListener('change', (e) => {
  if ((e.target as HTMLElement).id !== 'legend-deprivation') return;
  deprivationOn = (e.target as HTMLInputElement).checked;
  map?.showDeprivation(deprivationOn);
  renderLegend($('legend'), state.metric, state.level, summary, deprivationOn);
  $('legend-deprivation').focus();
});
document.querySelector('.govuk-skip-link')?.addEventListener('click', () => setCollapsed(false));
$('panel-toggle').addEventListener('click', () => setCollapsed($('sidebar').dataset.collapsed !== 'true'));
// On a phone the legend starts closed, and the sheet starts as its tabs only, so the map shows.
const phone = window.matchMedia('(max-width: 40rem)').matches;
if (phone) { ($('legend-box') as HTMLDetailsElement).open = false; if (!state.area && !state.tab) setCollapsed(true); }

showStatus('<p class="govuk-body" role="status">Loading…</p>');
void start();
