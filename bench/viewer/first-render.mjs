// viewer-first-render (make bench): seconds from navigation to the first complete map render
// (MapLibre's first `idle`: every tile of the first view drawn) in headless Chromium with a cold
// browser cache (a new context each run), for Cradle's viewer and for the floor: a bare page with
// MapLibre alone, the viewer's own style and tiles, and a map of the same size. Runs alternate.
// Also the first view's own JavaScript (gzip), besides MapLibre's, and the bytes on the wire until the
// first render (viewer-first-view-bytes). Prints one JSON line.
// Usage: node bench/viewer/first-render.mjs BASE_URL [RUNS]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '../../src/Web');
const { chromium } = await import(path.join(web, 'node_modules/playwright-core/index.mjs'));
const base = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
const viewport = { width: 1280, height: 800 };
// MapLibre as its package ships it (ES modules: the library and its worker), served to the floor page.
const dist = path.join(web, 'node_modules/maplibre-gl/dist');
const floorFiles = { 'maplibre-gl.mjs': readFileSync(path.join(dist, 'maplibre-gl.mjs')), 'maplibre-gl-worker.mjs': readFileSync(path.join(dist, 'maplibre-gl-worker.mjs')), 'maplibre-gl.css': readFileSync(path.join(dist, 'maplibre-gl.css')) };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'],
});
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };

/** One cold visit of the viewer: its first render, and the JavaScript it loaded. */
async function viewer() {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const scripts = [];
  page.on('response', (r) => { if (['script'].includes(r.request().resourceType()) || /\.m?js(\?|$)/.test(r.url())) scripts.push(r); });
  // Bytes on the wire (bodies as sent, compressed where they were, and headers) until the first map idle.
  const finished = [];
  let counting = true;
  page.on('requestfinished', (q) => { if (counting) finished.push(q); });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.cradle?.firstRender != null, null, { timeout: 60_000, polling: 20 });
  counting = false;
  let wireBytes = 0;
  for (const q of finished) { const z = await q.sizes().catch(() => null); if (z) wireBytes += z.responseBodySize + z.responseHeadersSize; }
  const seconds = (await page.evaluate(() => window.cradle.firstRender)) / 1000;
  const info = await page.evaluate(() => {
    const m = window.cradle.map.map, c = m.getContainer().getBoundingClientRect();
    return { style: m.getStyle(), center: m.getCenter().toArray(), zoom: m.getZoom(), width: c.width, height: c.height };
  });
  const files = [];
  for (const r of scripts) {
    const body = await r.body().catch(() => null);
    if (body) files.push({ url: new URL(r.url()).pathname, gzip: gzipSync(body).length });
  }
  await context.close();
  return { seconds, info, files, wireBytes, requests: finished.length };
}

/** One cold visit of the floor: MapLibre alone on the same style, view and map size. */
async function floor(info) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title><link rel="stylesheet" href="/__floor/maplibre-gl.css">
    <style>body{margin:0}#map{width:${info.width}px;height:${info.height}px}</style></head><body><div id="map"></div>
    <script type="module">
      import * as maplibregl from '/__floor/maplibre-gl.mjs';
      maplibregl.setWorkerUrl('/__floor/maplibre-gl-worker.mjs');
      const map = new maplibregl.Map({ container: 'map', style: ${JSON.stringify(info.style)}, center: ${JSON.stringify(info.center)}, zoom: ${info.zoom},
        attributionControl: { compact: true }, canvasContextAttributes: { preserveDrawingBuffer: true } });
      // The viewer's fill patterns, as blank images: the floor draws the same layers.
      map.on('styleimagemissing', (e) => { if (!map.hasImage(e.id)) map.addImage(e.id, { width: 8, height: 8, data: new Uint8Array(256) }); });
      map.once('idle', () => { window.firstRender = performance.now(); });
    </script></body></html>`;
  // Same origin as the tiles: the page and MapLibre are answered by the browser, the tiles by Cradle.
  await page.route(`${base}/__floor**`, (route) => {
    const u = new URL(route.request().url()).pathname;
    if (u === '/__floor.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = floorFiles[u.replace('/__floor/', '')];
    if (!file) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: u.endsWith('.css') ? 'text/css' : 'text/javascript', body: file });
  });
  await page.goto(`${base}/__floor.html`);
  await page.waitForFunction(() => window.firstRender != null, null, { timeout: 60_000 });
  const seconds = (await page.evaluate(() => window.firstRender)) / 1000;
  await context.close();
  return seconds;
}

try {
  // Untimed: a first visit warms Cradle's tile cache and gives the style, view and size.
  const warm = await viewer();
  await floor(warm.info);
  const v = [], f = [];
  let files = warm.files;
  const wire = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) { const r = await viewer(); v.push(r.seconds); files = r.files; wire.push(r.wireBytes); f.push(await floor(warm.info)); }
    else { f.push(await floor(warm.info)); const r = await viewer(); v.push(r.seconds); files = r.files; wire.push(r.wireBytes); }
  }
  const own = files.filter((x) => !/maplibre-gl/.test(x.url));
  console.log(JSON.stringify({
    viewer_s: v, floor_s: f, viewer_median_s: median(v), floor_median_s: median(f),
    own_js_gzip_bytes: own.reduce((s, x) => s + x.gzip, 0), maplibre_js_gzip_bytes: files.filter((x) => /maplibre-gl/.test(x.url)).reduce((s, x) => s + x.gzip, 0),
    own_js_files: own, map_size: [warm.info.width, warm.info.height], first_view_wire_bytes: wire, first_view_wire_median_bytes: median(wire),
  }));
} finally {
  await browser.close();
}
