// The MapLibre map on Cradle's own vector tiles.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { fillColour, metricById, palette, teamStates } from './metrics';
import { esc } from './format';

maplibregl.setWorkerUrl(workerUrl);

export interface MapHandle {
  map: maplibregl.Map;
  setMetric(id: string): void;
  select(code: string | null): void;
  setPicked(codes: string[]): void;
  setScenario(values: Map<string, number> | null, metric: string): void;
  applyScenario(values: Map<string, number> | null, metric: string): void;
  fitTo(bounds: [number, number, number, number]): void;
  /** Fetches TileJSON again, so tiles come from the new data version. */
  refresh(): void;
}

export function createMap(container: HTMLElement, opts: { basemap: string | null; centre: [number, number] | null; zoom: number | null; metric: string; onClick: (code: string) => void; onMove: () => void }): MapHandle {
  const origin = window.location.origin;
  const style: maplibregl.StyleSpecification = {
    version: 8,
    sources: {
      lad: { type: 'vector', url: `${origin}/tiles/lad.json`, promoteId: 'code' },
      lsoa: { type: 'vector', url: `${origin}/tiles/lsoa.json`, promoteId: 'code' },
      icb: { type: 'vector', url: `${origin}/tiles/icb.json` },
      region: { type: 'vector', url: `${origin}/tiles/region.json` },
      teams: { type: 'vector', url: `${origin}/tiles/teams.json` },
      ...(opts.basemap ? { basemap: { type: 'raster', tiles: [opts.basemap], tileSize: 256, attribution: '© OpenStreetMap contributors' } } : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f2f1' } },
      ...(opts.basemap ? [{ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.6 } } as maplibregl.LayerSpecification] : []),
      { id: 'lad-fill', type: 'fill', source: 'lad', 'source-layer': 'lad', paint: { 'fill-color': fillColour(metricById(opts.metric)) as never, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.85, 10, 0.25] } },
      { id: 'lsoa-fill', type: 'fill', source: 'lsoa', 'source-layer': 'lsoa', minzoom: 8,
        paint: { 'fill-color': ['step', ['get', 'imd_decile'], '#440154', 3, '#3b528b', 5, '#21918c', 7, '#5ec962', 9, '#fde725'] as never, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0, 10, 0.6] } },
      ...teamStates.filter((t) => t.pattern).map((t) => ({ id: `lad-${t.id}`, type: 'fill', source: 'lad', 'source-layer': 'lad',
        filter: ['==', ['get', 'team_state'], t.id], maxzoom: 9, paint: { 'fill-pattern': t.pattern!, 'fill-opacity': 0.55 } } as maplibregl.LayerSpecification)),
      { id: 'lad-line', type: 'line', source: 'lad', 'source-layer': 'lad', paint: { 'line-color': '#ffffff', 'line-width': 0.6 } },
      { id: 'icb-line', type: 'line', source: 'icb', 'source-layer': 'icb', paint: { 'line-color': '#0b0c0c', 'line-width': 1.2 } },
      { id: 'region-line', type: 'line', source: 'region', 'source-layer': 'region', paint: { 'line-color': '#0b0c0c', 'line-width': 2.2 } },
      { id: 'team-area', type: 'line', source: 'teams', 'source-layer': 'teams', filter: ['all', ['==', ['get', 'kind'], 'service_area'], ['==', ['get', 'status'], 'active']], paint: { 'line-color': '#ffdd00', 'line-width': 3.5 } },
      { id: 'team-area-edge', type: 'line', source: 'teams', 'source-layer': 'teams', filter: ['all', ['==', ['get', 'kind'], 'service_area'], ['==', ['get', 'status'], 'active']], paint: { 'line-color': '#0b0c0c', 'line-width': 1 } },
      { id: 'team-base', type: 'circle', source: 'teams', 'source-layer': 'teams', filter: ['==', ['get', 'kind'], 'base'], paint: { 'circle-radius': 6, 'circle-color': '#ffdd00', 'circle-stroke-color': '#0b0c0c', 'circle-stroke-width': 2 } },
      { id: 'lad-picked', type: 'line', source: 'lad', 'source-layer': 'lad', filter: ['in', ['get', 'code'], ['literal', []]], paint: { 'line-color': '#f47738', 'line-width': 4 } },
      { id: 'lad-selected', type: 'line', source: 'lad', 'source-layer': 'lad', filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#d4351c', 'line-width': 4 } },
    ],
  };
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
  map.on('click', 'lad-fill', (e) => {
    const code = e.features?.[0]?.properties?.code as string | undefined;
    if (code) opts.onClick(code);
  });
  map.on('mouseenter', 'lad-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'lad-fill', () => { map.getCanvas().style.cursor = ''; });
  map.on('moveend', opts.onMove);

  let scenarioCodes: string[] = [];
  // Changes asked for before the style has loaded wait for it.
  let loaded = false;
  const pending: (() => void)[] = [];
  map.once('load', () => { loaded = true; pending.splice(0).forEach((f) => f()); });
  const whenLoaded = (f: () => void) => (loaded ? f() : pending.push(f));
  return {
    map,
    setMetric(id) {
      whenLoaded(() => map.setPaintProperty('lad-fill', 'fill-color', fillColour(metricById(id)) as never));
    },
    select(code) {
      whenLoaded(() => map.setFilter('lad-selected', ['==', ['get', 'code'], code ?? '']));
    },
    setPicked(codes) {
      whenLoaded(() => map.setFilter('lad-picked', ['in', ['get', 'code'], ['literal', codes]]));
    },
    setScenario(values, metric) {
      whenLoaded(() => this.applyScenario(values, metric));
    },
    applyScenario(values: Map<string, number> | null, metric: string) {
      for (const code of scenarioCodes) map.removeFeatureState({ source: 'lad', sourceLayer: 'lad', id: code });
      scenarioCodes = [];
      if (!values) return;
      for (const [code, value] of values) {
        map.setFeatureState({ source: 'lad', sourceLayer: 'lad', id: code }, { [metric]: value });
        scenarioCodes.push(code);
      }
    },
    refresh() {
      for (const id of ['lad', 'lsoa', 'icb', 'region', 'teams'])
        (map.getSource(id) as maplibregl.VectorTileSource | undefined)?.setUrl(`${origin}/tiles/${id}.json?t=${Date.now()}`);
    },
    fitTo(bounds) {
      map.fitBounds(bounds, { padding: 40, maxZoom: 10, duration: 0 });
    },
  };
}

/** White-on-transparent patterns, 8 px: confirmed none = dense diagonal lines, not known = dots, in development = sparse other diagonal. */
function pattern(on: (x: number, y: number) => boolean): { width: number; height: number; data: Uint8Array } {
  const size = 8, data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(on(x, y) ? [255, 255, 255, 255] : [0, 0, 0, 0], (y * size + x) * 4);
  return { width: size, height: size, data };
}
const statePatterns: Record<string, { width: number; height: number; data: Uint8Array }> = {
  'state-none': pattern((x, y) => (x + y) % 4 === 0),
  'state-unknown': pattern((x, y) => x % 4 === 1 && y % 4 === 1),
  'state-building': pattern((x, y) => (x - y + 8) % 8 === 0),
};

export function renderLegend(el: HTMLElement, metricId: string): void {
  const m = metricById(metricId);
  const rows = m.breaks.map((b, i) => {
    const next = m.breaks[i + 1];
    const label = next === undefined ? `${m.format(b)} and over` : `${m.format(b)} to ${m.format(next)}`;
    return `<li><span class="app-legend__swatch" style="background:${palette[i]}"></span>${esc(label)}</li>`;
  });
  el.innerHTML = `<p class="govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1">${esc(m.label)}</p>
    <p class="govuk-body-s govuk-!-margin-bottom-1">${esc(m.unit)}</p>
    <ul class="app-legend__list">${rows.join('')}
      <li><span class="app-legend__swatch app-legend__swatch--team"></span>Team service area</li></ul>
    <p class="govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1">What is known about teams</p>
    <ul class="app-legend__list" id="legend-states">${teamStates.map((t) => `<li data-state="${t.id}"><span class="app-legend__swatch app-legend__swatch--${t.id}"></span><strong>${esc(t.label)}</strong>: ${esc(t.explain)}</li>`).join('')}</ul>
    <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">Zoom in to see small areas (LSOAs) by deprivation decile: darkest = the 20% most deprived, lightest = the 20% least.</p>`;
}
