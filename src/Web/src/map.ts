// The MapLibre map on Cradle's own vector tiles.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { breaks, decileColour, figure, fillColour, format, level as levelOf, noValueColour, palette, teamStates } from './metrics';
import { esc } from './format';
import type { RegisterSummary } from './api';

maplibregl.setWorkerUrl(workerUrl);
// The workers (and their script) start loading now, while the catalog the style needs is fetched.
maplibregl.prewarm();

export interface MapHandle {
  map: maplibregl.Map;
  setMetric(id: string): void;
  setLevel(id: string, metric: string): void;
  /** Outlines the selected area: of the level on show, or (a search for an ICB while districts show) of its own level. */
  select(code: string | null, level?: string): void;
  /** Small areas (LSOAs) by deprivation decile over the chosen measure, from zoom 8: an explicit, legended choice. */
  showDeprivation(on: boolean): void;
  setPicked(codes: string[]): void;
  setScenario(values: Map<string, number> | null, metric: string): void;
  /** Fits the map to bounds; padding (px) keeps them clear of what covers the map (a phone's sheet). */
  fitTo(bounds: [number, number, number, number], padding?: { top?: number; bottom?: number; left?: number; right?: number }): void;
  /** Adds a raster basemap under the areas (the server's optional setting). */
  addBasemap(url: string): void;
  /** Outlines one register team's area (null: none). */
  highlightTeam(id: string | null): void;
  /** Fetches TileJSON again, so tiles come from the new data version. */
  refresh(): void;
}

export function createMap(container: HTMLElement, opts: { centre: [number, number] | null; zoom: number | null; level: string; metric: string; onClick: (code: string) => void; onMove: () => void; announce: HTMLElement }): MapHandle {
  const origin = window.location.origin;
  // One vector source per level of the catalog that has tiles; the chosen level is filled, the others outlined on demand.
  const levelSources = Object.fromEntries(
    [...new Set(['lad', 'lsoa', 'icb', 'region', opts.level])].map((id) => [id, { type: 'vector', url: `${origin}/tiles/${id}.json`, promoteId: 'code' }]));
  const fill = (id: string, metric: string): maplibregl.LayerSpecification => ({
    id: 'area-fill', type: 'fill', source: id, 'source-layer': id,
    // The chosen measure stays at every zoom: small-area deprivation is a layer of its own, shown only when asked for.
    paint: { 'fill-color': fillColour(figure(metric), id) as never, 'fill-opacity': 0.85 },
  });
  // The chosen level's outline, picked areas and selection: made here for the first style and again on a change of level.
  const areaLine = (id: string): maplibregl.LayerSpecification =>
    ({ id: 'area-line', type: 'line', source: id, 'source-layer': id, paint: { 'line-color': '#ffffff', 'line-width': 0.6 } });
  const areaPicked = (id: string): maplibregl.LayerSpecification =>
    ({ id: 'area-picked', type: 'line', source: id, 'source-layer': id, filter: ['in', ['get', 'code'], ['literal', []]], paint: { 'line-color': '#f47738', 'line-width': 4 } });
  const areaSelected = (id: string): maplibregl.LayerSpecification =>
    ({ id: 'area-selected', type: 'line', source: id, 'source-layer': id, filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#d4351c', 'line-width': 4 } });
  // The area the keyboard is on: a thick dashed outline, unlike selection (red) and picking (orange).
  const areaFocus = (id: string): maplibregl.LayerSpecification =>
    ({ id: 'area-focus', type: 'line', source: id, 'source-layer': id, filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#0b0c0c', 'line-width': 5, 'line-dasharray': [1.5, 1] } });
  const style: maplibregl.StyleSpecification = {
    version: 8,
    sources: {
      ...levelSources,
      teams: { type: 'vector', url: `${origin}/tiles/teams.json` },
    } as maplibregl.StyleSpecification['sources'],
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f2f1' } },
      fill(opts.level, opts.metric),
      { id: 'lsoa-fill', type: 'fill', source: 'lsoa', 'source-layer': 'lsoa', minzoom: 8, layout: { visibility: 'none' },
        paint: { 'fill-color': decileColour() as never, 'fill-opacity': 0.75 } },
      ...statePatternLayers(opts.level),
      areaLine(opts.level),
      { id: 'icb-line', type: 'line', source: 'icb', 'source-layer': 'icb', paint: { 'line-color': '#0b0c0c', 'line-width': 1.2 } },
      { id: 'region-line', type: 'line', source: 'region', 'source-layer': 'region', paint: { 'line-color': '#0b0c0c', 'line-width': 2.2 } },
      { id: 'team-area', type: 'line', source: 'teams', 'source-layer': 'teams', filter: ['all', ['==', ['get', 'kind'], 'service_area'], ['==', ['get', 'status'], 'active']], paint: { 'line-color': '#ffdd00', 'line-width': 3.5 } },
      { id: 'team-area-edge', type: 'line', source: 'teams', 'source-layer': 'teams', filter: ['all', ['==', ['get', 'kind'], 'service_area'], ['==', ['get', 'status'], 'active']], paint: { 'line-color': '#0b0c0c', 'line-width': 1 } },
      { id: 'team-base', type: 'circle', source: 'teams', 'source-layer': 'teams', filter: ['==', ['get', 'kind'], 'base'], paint: { 'circle-radius': 6, 'circle-color': '#ffdd00', 'circle-stroke-color': '#0b0c0c', 'circle-stroke-width': 2 } },
      { id: 'team-highlight', type: 'line', source: 'teams', 'source-layer': 'teams', filter: ['==', ['get', 'id'], ''], paint: { 'line-color': '#0b0c0c', 'line-width': 4, 'line-dasharray': [2, 1] } },
      areaPicked(opts.level),
      areaSelected(opts.level),
      areaFocus(opts.level),
    ],
  };
  function statePatternLayers(id: string): maplibregl.LayerSpecification[] {
    return teamStates().filter((t) => t.pattern).map((t) => ({ id: `area-${t.id}`, type: 'fill', source: id, 'source-layer': id,
      filter: ['==', ['get', 'team_state'], t.id], maxzoom: 9, paint: { 'fill-pattern': t.pattern!, 'fill-opacity': 0.55 } } as maplibregl.LayerSpecification));
  }
  const map = new maplibregl.Map({
    container,
    style,
    center: opts.centre ?? [-1.8, 52.9],
    zoom: opts.zoom ?? 5.6,
    minZoom: 4,
    maxZoom: 15,
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  // A pattern per team state but "served", whatever the fill colour: told apart without colour.
  map.on('styleimagemissing', (e) => { const p = statePatterns[e.id]; if (p && !map.hasImage(e.id)) map.addImage(e.id, p); });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('click', 'area-fill', (e) => {
    const code = e.features?.[0]?.properties?.code as string | undefined;
    if (code) opts.onClick(code);
  });
  map.on('mouseenter', 'area-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'area-fill', () => { map.getCanvas().style.cursor = ''; });
  map.on('moveend', opts.onMove);

  // The keyboard on the map: arrow keys move between the areas in view, Enter selects, + and − zoom,
  // Shift+arrows pan. MapLibre's own keyboard handler (arrows pan) is replaced by this one.
  map.keyboard.disable();
  const canvas = map.getCanvas();
  canvas.setAttribute('tabindex', '0');
  const label = () => canvas.setAttribute('aria-label', `Map of England: ${levelOf(current).plural.toLowerCase()}. Arrow keys move between the areas in view, Enter selects the one outlined, plus and minus zoom, Shift and an arrow pan.`);
  const keyboard = {
    code: null as string | null,
    name: '',
    say() { opts.announce.textContent = `${this.name}: press Enter to select it`; },
    clear() { this.code = null; if (loaded) map.setFilter('area-focus', ['==', ['get', 'code'], '']); opts.announce.textContent = ''; },
    set(code: string, name: string) {
      this.code = code; this.name = name;
      map.setFilter('area-focus', ['==', ['get', 'code'], code]);
      this.say();
    },
  };
  /** The areas drawn in view, each at the centre of its box on screen (a tile's pieces joined). */
  const inView = () => {
    const boxes = new Map<string, { name: string; b: [number, number, number, number] }>();
    for (const f of map.queryRenderedFeatures({ layers: ['area-fill'] })) {
      const code = f.properties?.code as string | undefined;
      if (!code) continue;
      const p = geometryBounds((f.geometry as { coordinates?: unknown }).coordinates);
      const e = boxes.get(code);
      boxes.set(code, e ? { name: e.name, b: [Math.min(e.b[0], p[0]), Math.min(e.b[1], p[1]), Math.max(e.b[2], p[2]), Math.max(e.b[3], p[3])] } : { name: String(f.properties?.name ?? code), b: p });
    }
    const { width, height } = canvas.getBoundingClientRect();
    return [...boxes].map(([code, { name, b }]) => {
      const p = map.project([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]);
      return { code, name, x: Math.min(Math.max(p.x, 0), width), y: Math.min(Math.max(p.y, 0), height) };
    });
  };
  const step = (dx: number, dy: number): boolean => {
    const areas = inView();
    const { width, height } = canvas.getBoundingClientRect();
    const from = areas.find((a) => a.code === keyboard.code);
    if (!from) {
      // The first key press: the area nearest the middle of the view.
      const mid = areas.sort((a, b) => Math.hypot(a.x - width / 2, a.y - height / 2) - Math.hypot(b.x - width / 2, b.y - height / 2))[0];
      if (mid) keyboard.set(mid.code, mid.name);
      return !!mid;
    }
    let best: { code: string; name: string } | null = null, bestScore = Infinity;
    for (const a of areas) {
      if (a.code === from.code) continue;
      const along = (a.x - from.x) * dx + (a.y - from.y) * dy, across = Math.abs((a.x - from.x) * dy - (a.y - from.y) * dx);
      if (along <= 0 || across > along * 2) continue;
      const score = along + across * 2;
      if (score < bestScore) { bestScore = score; best = a; }
    }
    if (best) keyboard.set(best.code, best.name);
    return !!best;
  };
  canvas.addEventListener('keydown', (e) => {
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const dir = dirs[e.key];
    if (dir && e.shiftKey) { map.panBy([dir[0] * 150, dir[1] * 150], { duration: 0 }); e.preventDefault(); return; }
    if (dir) {
      e.preventDefault();
      // None further that way in view: move the map that way, and look again when it has drawn.
      if (!step(dir[0], dir[1])) { map.panBy([dir[0] * 200, dir[1] * 200], { duration: 0 }); map.once('idle', () => step(dir[0], dir[1])); }
    } else if ((e.key === 'Enter' || e.key === ' ') && keyboard.code) { e.preventDefault(); opts.onClick(keyboard.code); }
    else if (e.key === '+' || e.key === '=') { e.preventDefault(); map.zoomIn({ duration: 0 }); }
    else if (e.key === '-' || e.key === '_') { e.preventDefault(); map.zoomOut({ duration: 0 }); }
    else if (e.key === 'Escape') keyboard.clear();
  });
  canvas.addEventListener('blur', () => { opts.announce.textContent = ''; });
  canvas.addEventListener('focus', () => { if (keyboard.code) keyboard.say(); });

  let scenarioCodes: string[] = [];
  let current = opts.level;
  const applyScenario = (values: Map<string, number> | null, metric: string) => {
    for (const code of scenarioCodes) map.removeFeatureState({ source: current, sourceLayer: current, id: code });
    scenarioCodes = [];
    if (!values) return;
    for (const [code, value] of values) {
      map.setFeatureState({ source: current, sourceLayer: current, id: code }, { [metric]: value });
      scenarioCodes.push(code);
    }
  };
  // Changes asked for before the style has loaded wait for it.
  let loaded = false;
  const pending: (() => void)[] = [];
  map.once('load', () => { loaded = true; label(); pending.splice(0).forEach((f) => f()); });
  const whenLoaded = (f: () => void) => (loaded ? f() : pending.push(f));
  return {
    map,
    setMetric(id) {
      whenLoaded(() => map.setPaintProperty('area-fill', 'fill-color', fillColour(figure(id), current) as never));
    },
    setLevel(id, metric) {
      whenLoaded(() => {
        if (id === current) return;
        if (!map.getSource(id)) map.addSource(id, { type: 'vector', url: `${origin}/tiles/${id}.json`, promoteId: 'code' });
        // The level's own layers, rebuilt on its source, in the same places in the stack.
        const order = map.getLayersOrder();
        const rebuild = (layer: maplibregl.LayerSpecification) => { const before = order[order.indexOf(layer.id) + 1]; map.removeLayer(layer.id); map.addLayer(layer, before); };
        rebuild(fill(id, metric));
        for (const t of teamStates().filter((x) => x.pattern)) map.removeLayer(`area-${t.id}`);
        for (const l of statePatternLayers(id)) map.addLayer(l, 'area-line');
        rebuild(areaLine(id));
        rebuild(areaPicked(id));
        rebuild(areaSelected(id));
        rebuild(areaFocus(id));
        current = id;
        keyboard.clear();
        label();
      });
    },
    select(code, level) {
      whenLoaded(() => {
        map.setFilter('area-selected', ['==', ['get', 'code'], code ?? '']);
        if (map.getLayer('other-selected')) map.removeLayer('other-selected');
        if (!code || !level || level === current) return;
        if (!map.getSource(level)) map.addSource(level, { type: 'vector', url: `${origin}/tiles/${level}.json`, promoteId: 'code' });
        map.addLayer({ id: 'other-selected', type: 'line', source: level, 'source-layer': level, filter: ['==', ['get', 'code'], code],
          paint: { 'line-color': '#d4351c', 'line-width': 4, 'line-dasharray': [3, 1.5] } });
      });
    },
    showDeprivation(on) {
      whenLoaded(() => map.setLayoutProperty('lsoa-fill', 'visibility', on ? 'visible' : 'none'));
    },
    setPicked(codes) {
      whenLoaded(() => map.setFilter('area-picked', ['in', ['get', 'code'], ['literal', codes]]));
    },
    setScenario(values, metric) {
      whenLoaded(() => applyScenario(values, metric));
    },
    refresh() {
      const style = map.getStyle();
      for (const id of Object.keys(style.sources).filter((k) => k !== 'basemap'))
        (map.getSource(id) as maplibregl.VectorTileSource | undefined)?.setUrl(`${origin}/tiles/${id}.json?t=${Date.now()}`);
    },
    fitTo(bounds, padding) {
      map.fitBounds(bounds, { padding: { top: 40, left: 40, right: 40, bottom: 40, ...padding }, maxZoom: 10, duration: 0 });
    },
    addBasemap(url) {
      whenLoaded(() => {
        if (map.getSource('basemap')) return;
        map.addSource('basemap', { type: 'raster', tiles: [url], tileSize: 256, attribution: '© OpenStreetMap contributors' });
        map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.6 } }, 'area-fill');
      });
    },
    highlightTeam(id) {
      whenLoaded(() => map.setFilter('team-highlight', ['==', ['get', 'id'], id ?? '']));
    },
  };
}

function walkCoords(c: unknown, f: (x: number, y: number) => void): void {
  if (Array.isArray(c) && typeof c[0] === 'number') f(c[0] as number, c[1] as number);
  else if (Array.isArray(c)) for (const x of c) walkCoords(x, f);
}

/** The [west, south, east, north] box of GeoJSON coordinates (any depth). */
export function geometryBounds(coords: unknown): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  walkCoords(coords, (x, y) => { b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y); });
  return b;
}

/** White-on-transparent patterns, 8 px, as the catalog describes them: dense diagonal lines (confirmed none), dots (not known), sparse other diagonal (in development). */
function pattern(on: (x: number, y: number) => boolean): { width: number; height: number; data: Uint8Array } {
  const size = 8, data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(on(x, y) ? [255, 255, 255, 255] : [0, 0, 0, 0], (y * size + x) * 4);
  return { width: size, height: size, data };
}
const statePatterns: Record<string, { width: number; height: number; data: Uint8Array }> = {
  'state-confirmed_none': pattern((x, y) => (x + y) % 4 === 0),
  'state-not_known': pattern((x, y) => x % 4 === 1 && y % 4 === 1),
  'state-in_development': pattern((x, y) => (x - y + 8) % 8 === 0),
};

/** The Foundation's latest count for England, dated. */
function foundation(r: RegisterSummary): string {
  const c = r.foundation_counts.filter((x) => x.scope === 'England').sort((a, b) => b.as_of.localeCompare(a.as_of))[0];
  return c ? `the Parent-Infant Foundation counted ${c.teams} in England (${new Date(c.as_of).toLocaleDateString('en-GB', { month: 'long', year: 'numeric' })})` : 'no published count is loaded';
}

export function renderLegend(el: HTMLElement, metricId: string, levelId: string, register: RegisterSummary | null, deprivationOn = false): void {
  const f = figure(metricId);
  const colours = palette(f.palette);
  const b = breaks(f, levelId);
  const rows = b.map((x, i) => {
    const next = b[i + 1];
    const label = next === undefined ? `${format(f, x)} and over` : `${format(f, x)} to ${format(f, next)}`;
    return `<li><span class="app-legend__swatch" data-swatch="${esc(colours[i])}"></span>${esc(label)}</li>`;
  });
  const deciles = palette(figure('imd_decile').palette);
  // Compact, so that it covers little of the map: classes and states in two columns, what the states mean one click away.
  el.innerHTML = `<p class="app-legend__title">${esc(f.label)}: ${esc(levelOf(levelId).plural.toLowerCase())} <span class="app-legend__unit">(${esc(f.unit)})</span></p>
    <ul class="app-legend__list app-legend__list--cols">${rows.join('')}
      <li><span class="app-legend__swatch" data-swatch="${esc(noValueColour())}"></span>No figure</li>
      <li><span class="app-legend__swatch app-legend__swatch--team"></span>Team's area</li></ul>
    <p class="app-legend__title">What is known about teams</p>
    <ul class="app-legend__list app-legend__list--cols" id="legend-states">${teamStates().map((t) => `<li data-state="${t.id}"><span class="app-legend__swatch app-legend__swatch--${t.id}"></span><strong>${esc(t.label)}</strong></li>`).join('')}</ul>
    <details class="app-legend__more"><summary>What these mean</summary>
      <ul class="app-legend__list" id="legend-explain">${teamStates().map((t) => `<li><span><strong>${esc(t.label)}</strong>: ${esc(t.explain)}</span></li>`).join('')}</ul>
      </details>
    <div class="govuk-checkboxes govuk-checkboxes--small app-legend__toggle"><div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id="legend-deprivation" type="checkbox"${deprivationOn ? ' checked' : ''}>
      <label class="govuk-label govuk-checkboxes__label" for="legend-deprivation">Small areas by deprivation (from zoom 8)</label></div></div>
    ${deprivationOn ? `<p class="app-legend__note" id="legend-deprivation-key">Small areas (LSOAs) by deprivation decile, over the measure:
        <span class="app-legend__ramp" aria-hidden="true">${deciles.map((c) => `<span data-swatch="${esc(c)}"></span>`).join('')}</span>
        from the 10% most deprived (left) to the least (right). Zoom in to see them.</p>` : ''}
    ${register ? `<p class="app-legend__note" id="legend-register">The register holds ${register.by_status['active'] ?? 0} active teams; ${foundation(register)}. <a class="govuk-link" href="?tab=teams" id="legend-teams">See every team</a>.</p>` : ''}`;
  // Colours set through the DOM, not style attributes in markup: the viewer's Content-Security-Policy allows no inline styles.
  el.querySelectorAll<HTMLElement>('[data-swatch]').forEach((e) => { e.style.background = e.dataset.swatch!; });
}
