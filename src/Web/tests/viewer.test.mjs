// End-to-end tests of the viewer in Debian's Chromium, driven by playwright-core, against the
// real API process on the test database (loaded by the xunit suite that runs first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const artifacts = path.join(here, '..', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

let server, context, base;

// Temporary directories (the API keys file, Chromium's profile), removed after the run.
const scratch = [];

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  scratch.push(mkdtempSync(path.join(tmpdir(), 'cradle-web-')));
  const keys = path.join(scratch[0], 'keys');
  writeFileSync(keys, '');
  server = spawn('dotnet', [path.join(root, 'src/Api/bin/Release/net10.0/Cradle.Api.dll'), 'serve', '--urls', base], {
    env: {
      ...process.env,
      CRADLE_DB: process.env.CRADLE_TEST_DB ?? `Host=127.0.0.1;Port=${process.env.PGPORT ?? 55432};Username=cradle;Database=cradle_test`,
      CRADLE_API_KEYS_FILE: keys,
      Logging__LogLevel__Default: 'Warning',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${base}/health/ready`)).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  scratch.push(mkdtempSync(path.join(tmpdir(), 'cradle-chromium-')));
  context = await chromium.launchPersistentContext(scratch[1], {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
});

after(async () => {
  await context?.close();
  server?.kill();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function open(url = '/') {
  const page = await context.newPage();
  await page.goto(base + url);
  await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => (window.cradle.map.map.loaded() && !window.cradle.map.map.isMoving() ? r() : window.cradle.map.map.once('idle', r))));
  return page;
}

const panel = (page) => page.getByRole('region', { name: 'Area details' });

test('the page loads and the map draws', async () => {
  const page = await open();
  const colours = await page.evaluate(async () => {
    const map = window.cradle.map.map;
    await new Promise((r) => (map.areTilesLoaded() ? r() : map.once('idle', r)));
    const src = map.getCanvas();
    const c = document.createElement('canvas');
    c.width = 200; c.height = 150;
    const ctx = c.getContext('2d');
    ctx.drawImage(src, 0, 0, 200, 150);
    const data = ctx.getImageData(0, 0, 200, 150).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 10, `the map canvas has ${colours} colours`);
  await page.screenshot({ path: path.join(artifacts, 'england.png') });
  await page.close();
});

test('the legend explains the four team states and the notice gives the register against the Foundation', async () => {
  const page = await open();
  const states = await page.locator('#legend-states li').evaluateAll((items) => items.map((li) => li.dataset.state));
  assert.deepEqual(states, ['served', 'in_development', 'confirmed_none', 'not_known']);
  assert.match(await page.locator('#legend-states').textContent(), /Not known: no team in the register, and no source says there is none/);
  const notice = await page.locator('#register-notice').textContent();
  assert.match(notice, /\d+ active/);
  assert.match(notice, /38 teams in England \(June 2024\)/);
  // Lincolnshire's districts are a confirmed gap; Sunderland is not known: the panel says which.
  await page.goto(base + '/?area=E07000136');
  await panel(page).getByText('Confirmed none').first().waitFor();
  await page.goto(base + '/?area=E08000024');
  await panel(page).locator('[data-field="team-state"]').getByText('Not known').waitFor();
  await page.close();
});

test('the "Areas" control lists the catalog\'s levels and switching to upper-tier councils shows Kent', async () => {
  const page = await open();
  const catalog = await (await fetch(`${base}/api/catalog`)).json();
  const expected = catalog.levels.filter((l) => l.tiles && l.search).map((l) => l.id);
  const offered = await page.getByLabel('Areas', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(offered, expected);
  assert.ok(offered.includes('utla') && offered.includes('nhser'));
  await page.getByLabel('Areas', { exact: true }).selectOption('utla');
  await page.locator('#ranking-body tr[data-code="E10000016"]').waitFor();
  assert.match(await page.locator('#table-title').textContent(), /Upper-tier councils ranked/);
  await page.locator('#ranking-body tr[data-code="E10000016"]').click();
  await panel(page).getByText('Kent').first().waitFor();
  assert.match(page.url(), /level=utla/);
  assert.match(await page.locator('#legend').textContent(), /upper-tier councils/);
  await page.close();
});

test('searching "Newcastle" shows NEWPIP in the area panel', async () => {
  const page = await open();
  await page.getByRole('searchbox', { name: 'Search areas' }).fill('Newcastle');
  await page.getByRole('searchbox', { name: 'Search areas' }).press('Enter');
  await panel(page).getByText('NEWPIP').first().waitFor();
  assert.match(await panel(page).textContent(), /Newcastle upon Tyne/);
  assert.match(page.url(), /area=E08000021/);
  await page.waitForFunction(() => window.cradle.map.map.getZoom() > 8, null, { timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => { window.cradle.map.map.once('idle', r); setTimeout(r, 5000); }));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifacts, 'newcastle.png') });
  await page.close();
});

test('the area panel says who commissions, compares with similar areas and gives trends', async () => {
  const page = await open('/?area=E08000024');
  await page.locator('#panel-commissioning').waitFor();
  const api = await (await fetch(`${base}/api/areas/E08000024`)).json();
  const text = await panel(page).textContent();
  assert.match(text, new RegExp(api.commissioning.icbs[0].name));
  assert.equal(await page.locator('[data-field="start-for-life"]').textContent(), api.commissioning.start_for_life_text);
  // The similar areas as a table: Sunderland and its 10.
  assert.equal(await page.locator('#panel-similar tbody tr').count(), 11);
  for (const s of api.similar_areas) assert.match(await page.locator('#panel-similar').textContent(), new RegExp(s.name));
  assert.match(await page.locator('#panel-trends').textContent(), /mid-2020/);
  assert.equal(await page.locator('#panel-report').getAttribute('href'), '/reports/lad/E08000024.pdf');
  await page.close();
});

test('a scenario team in Sunderland lowers its unmet need in the panel and the table', async () => {
  const page = await open('/?area=E08000024');
  await panel(page).getByText('Sunderland').first().waitFor();
  const before = Number((await panel(page).locator('[data-field="unmet"]').textContent()).replace(/,/g, ''));
  await page.getByRole('button', { name: 'Try a new team (scenario)' }).click();
  await page.locator('#ranking-body tr[data-code="E08000024"]').click();
  await page.getByText('The new team would serve: Sunderland').waitFor();
  await page.getByLabel('Families a year the team can see').fill('150');
  await page.getByRole('button', { name: 'Show the effect' }).click();
  await page.locator('#panel-scenario').waitFor();
  const after = Number((await page.locator('#panel-scenario [data-field="unmet-after"]').textContent()).replace(/,/g, ''));
  assert.ok(after < before, `unmet after ${after} < before ${before}`);
  assert.equal(Math.round(before - after), 150);
  const cell = await page.locator('#ranking-body tr[data-code="E08000024"] td[data-field="after"]').textContent();
  assert.equal(Number(cell.replace(/,/g, '')), after);
  // The default cost is the catalog's (one source for server and viewer): £157,000 / 150 families.
  const { defaults } = await (await fetch(`${base}/api/catalog`)).json();
  assert.equal(await page.locator('#cost-per-family').textContent(), `£${Math.round(defaults.annual_cost / 150).toLocaleString('en-GB')}`);
  assert.match(page.url(), /scenario=E08000024/);
  // Value for money, labelled indicative, as the API says it.
  assert.match(await page.locator('#value-for-money').textContent(), /Indicative/);
  // The case for change carries the scenario in force, and is a PDF.
  const href = await page.locator('#panel-report').getAttribute('href');
  assert.match(decodeURIComponent(href), /^\/reports\/lad\/E08000024\.pdf\?scenario=E08000024\|150\|/);
  const pdf = await fetch(new URL(href, base));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  await page.screenshot({ path: path.join(artifacts, 'scenario-sunderland.png'), fullPage: true });
  await page.close();
});

test('sorting the table works', async () => {
  const page = await open();
  const names = () => page.locator('#ranking-body tr td:nth-child(2)').allTextContents();
  const rank = await page.locator('#ranking-body tr td:nth-child(1)').allTextContents();
  assert.deepEqual(rank.slice(0, 3), ['1', '2', '3']);
  await page.getByRole('button', { name: 'District', exact: true }).click();
  const sorted = await names();
  assert.deepEqual(sorted, [...sorted].sort((a, b) => a.localeCompare(b)));
  assert.equal(await page.locator('th:has(button[data-key="name"])').getAttribute('aria-sort'), 'ascending');
  await page.getByRole('button', { name: 'District', exact: true }).click();
  assert.equal(await page.locator('th:has(button[data-key="name"])').getAttribute('aria-sort'), 'descending');
  await page.getByLabel('Show areas in').selectOption({ label: 'North East' });
  assert.equal(await page.locator('#ranking-body tr').count(), 12);
  await page.close();
});

test('the URL restores the same view in a new page', async () => {
  const page = await open();
  await page.getByLabel('Colour areas by').selectOption('geographic_coverage');
  await page.locator('#ranking-body tr[data-code="E08000021"]').click();
  await panel(page).getByText('NEWPIP').first().waitFor();
  await page.evaluate(() => new Promise((r) => window.cradle.map.map.once('idle', r)));
  const url = page.url();
  await page.close();
  const again = await open(new URL(url).pathname + new URL(url).search);
  assert.equal(await again.getByLabel('Colour areas by').inputValue(), 'geographic_coverage');
  await panel(again).getByText('NEWPIP').first().waitFor();
  assert.equal(await again.locator('#ranking-body tr.app-selected').getAttribute('data-code'), 'E08000021');
  await again.close();
});

test('axe-core finds no serious or critical accessibility violations', async () => {
  const page = await open('/?area=E08000021');
  await panel(page).getByText('NEWPIP').first().waitFor();
  await page.addScriptTag({ content: readFileSync(path.join(here, '..', 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length} (${v.help})`));
  assert.deepEqual(violations, []);
  await page.close();
});

test('when the API is down the page says so and can retry', async () => {
  const page = await context.newPage();
  await page.route('**/health/ready', (route) => route.abort());
  await page.goto(base + '/');
  const alert = page.getByRole('alert');
  await alert.getByText('Cradle’s data is not available').waitFor();
  assert.match(await alert.textContent(), /not answering/);
  await page.screenshot({ path: path.join(artifacts, 'api-down.png') });
  await page.unroute('**/health/ready');
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.close();
});
