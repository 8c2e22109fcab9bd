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
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import datapackage from 'datapackage';

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
const api = async (url, body) => (await fetch(base + url, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : undefined)).json();
const n0 = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(x);
const n1 = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(x);
const gbp = (x) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 }).format(x);
const tab = (page, name) => page.getByRole('tab', { name, exact: true }).click();
const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage });
const widths = [[1920, 1080], [1280, 800], [390, 844]];

test('the page loads and the map fills the window beside the panel', async () => {
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
  // Map first: at 1400×1000 the map takes the height under the header and most of the width.
  const box = await page.locator('#map').boundingBox();
  const header = await page.locator('header').boundingBox();
  assert.ok(box.height >= 1000 - header.height - 2, `map ${box.height} px high under a ${header.height} px header`);
  assert.ok(header.height <= 120, `header ${header.height} px`);
  assert.ok(box.width >= 0.6 * 1400, `map ${box.width} px wide`);
  await shot(page, 'england');
  // The panel collapses and the map takes the room.
  await page.getByRole('button', { name: 'Hide the panel' }).click();
  await page.waitForFunction(() => document.getElementById('map').getBoundingClientRect().width > 1390);
  assert.equal(await page.getByRole('button', { name: 'Show the panel' }).getAttribute('aria-expanded'), 'false');
  await page.getByRole('button', { name: 'Show the panel' }).click();
  assert.ok(await page.locator('#view-area').isVisible());
  await page.close();
});

test('the legend explains the four team states and the notice gives the register against the Foundation', async () => {
  const page = await open();
  const states = await page.locator('#legend-states li').evaluateAll((items) => items.map((li) => li.dataset.state));
  assert.deepEqual(states, ['served', 'in_development', 'confirmed_none', 'not_known']);
  assert.match(await page.locator('#legend-explain').textContent(), /Not known: no team in the register, and no source says there is none/);
  // Each state has its own pattern (or none): told apart without colour.
  const swatches = await page.locator('#legend-states .app-legend__swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundImage));
  assert.equal(new Set(swatches).size, 4);
  assert.match(await page.locator('#legend-register').textContent(), /38 in England \(June 2024\)/);
  const notice = await page.locator('#register-notice').textContent();
  assert.match(notice, /\d+ active/);
  assert.match(notice, /38 teams in England \(June 2024\)/);
  // The legend collapses.
  await page.locator('#legend-box > summary').click();
  assert.equal(await page.locator('#legend-box').getAttribute('open'), null);
  // Lincolnshire's districts are a confirmed gap; Sunderland is not known: the panel says which.
  await page.goto(base + '/?area=E07000136');
  await panel(page).getByText('Confirmed none').first().waitFor();
  await page.goto(base + '/?area=E08000024');
  await panel(page).locator('[data-field="team-state"]').getByText('Not known').waitFor();
  await page.close();
});

test('the "Areas" control lists the catalog\'s levels and switching to upper-tier councils shows Kent with its figures', async () => {
  const page = await open();
  const catalog = await api('/api/catalog');
  const expected = catalog.levels.filter((l) => l.tiles && l.search).map((l) => l.id);
  const offered = await page.getByLabel('Areas', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(offered, expected);
  assert.ok(offered.includes('utla') && offered.includes('nhser') && offered.includes('icb'));
  await page.getByLabel('Areas', { exact: true }).selectOption('utla');
  await tab(page, 'Table');
  await page.locator('#ranking-body tr[data-code="E10000016"]').waitFor();
  assert.match(await page.locator('#table-title').textContent(), /Upper-tier councils ranked/);
  await page.locator('#ranking-body tr[data-code="E10000016"]').click();
  await tab(page, 'Area');
  await panel(page).getByRole('heading', { name: 'Kent' }).waitFor();
  const kent = (await api('/api/areas/E10000016')).area;
  assert.equal(await panel(page).locator('[data-field="unmet"]').textContent(), n1(kent.unmet_need));
  assert.match(page.url(), /level=utla/);
  assert.match(await page.locator('#legend').textContent(), /upper-tier councils/);
  // The map draws the councils' tiles.
  assert.equal(await page.evaluate(() => window.cradle.map.map.getLayer('area-fill').source), 'utla');
  await shot(page, 'kent');
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
  await shot(page, 'newcastle');
  await page.close();
});

test('the area panel says who commissions, charts and tabulates the similar areas and gives trends', async () => {
  const page = await open('/?area=E08000024');
  await page.locator('#panel-commissioning').waitFor();
  const detail = await api('/api/areas/E08000024');
  const text = await panel(page).textContent();
  assert.match(text, new RegExp(detail.commissioning.icbs[0].name));
  assert.equal(await page.locator('[data-field="start-for-life"]').textContent(), detail.commissioning.start_for_life_text);
  // The similar areas as a chart (a picture of the table) and a table: Sunderland and its 10.
  assert.equal(await page.locator('#panel-similar-chart rect').count(), 11);
  assert.equal(await page.locator('#panel-similar-chart').getAttribute('aria-hidden'), 'true');
  assert.equal(await page.locator('#panel-similar tbody tr').count(), 11);
  for (const s of detail.similar_areas) assert.match(await page.locator('#panel-similar').textContent(), new RegExp(s.name));
  assert.match(await page.locator('#panel-trends').textContent(), /mid-2020/);
  assert.equal(await page.locator('#panel-report').getAttribute('href'), '/reports/lad/E08000024.pdf');
  await page.close();
});

test('a scenario of two new teams and one closure changes the totals and the table as POST /api/scenarios says, and the case carries it', async () => {
  const page = await open('/?area=E08000024');
  await tab(page, 'Scenarios');
  await page.getByRole('button', { name: 'Add a scenario' }).click();
  await page.getByLabel('Add an area by name').fill('Sunderland');
  await page.getByRole('button', { name: 'Add the area to New team 1' }).click();
  await page.getByRole('button', { name: 'Remove Sunderland from New team 1' }).waitFor();
  await page.getByRole('button', { name: 'Add a new team' }).click();
  await page.locator('#team-find-1').fill('Gateshead');
  await page.locator('#team-find-1').press('Enter');
  await page.getByRole('button', { name: 'Remove Gateshead from New team 2' }).waitFor();
  await page.locator('#team-capacity-1').fill('200');
  await page.locator('#team-capacity-1').dispatchEvent('change');
  await page.getByLabel('Close a team in the register').selectOption('newpip');
  await page.getByRole('button', { name: 'Close it' }).click();
  await page.locator('#closed-teams').getByText('NEWPIP').waitFor();
  await page.getByRole('button', { name: 'Show the effect' }).click();
  await page.locator('#scenario-result [data-field="unmet-after"]').waitFor();
  const { defaults } = await api('/api/catalog');
  const expected = await api('/api/scenarios', {
    teams: [{ name: 'New team 1', areas: ['E08000024'], capacity_families_per_year: defaults.new_team_capacity, annual_cost: defaults.annual_cost },
      { name: 'New team 2', areas: ['E08000037'], capacity_families_per_year: 200, annual_cost: defaults.annual_cost }],
    close: ['newpip'], level: 'lad',
  });
  assert.equal(await page.locator('#scenario-result [data-field="unmet-after"]').textContent(), n0(expected.totals.unmet_need_after));
  assert.equal(await page.locator('#scenario-result [data-field="extra"]').textContent(), n1(expected.totals.extra_families_covered));
  assert.equal(await page.locator('#cost-per-family').textContent(), gbp(expected.totals.cost_per_extra_family_reached));
  // Break-even first, as the API gives it; the lifetime benefit second, as a national estimate.
  const care = expected.value_for_money.break_even.find((b) => b.unit_cost_id === 'child_looked_after_year');
  assert.match(await page.locator('#break-even').textContent(), new RegExp(`about ${n1(care.outcomes_per_year).replace('.', '\\.')} × a child looked after`));
  assert.match(await page.locator('#value-for-money').textContent(), /National estimate, not an evaluated return/);
  await shot(page, 'scenario-two-teams-one-closure');
  // The table: each changed area's unmet need after, as the API says; Newcastle's rises with NEWPIP closed.
  await tab(page, 'Table');
  for (const code of ['E08000024', 'E08000037', 'E08000021']) {
    const a = expected.areas.find((x) => x.code === code);
    assert.ok(a, `${code} changes`);
    assert.equal(await page.locator(`#ranking-body tr[data-code="${code}"] td[data-field="after"]`).textContent(), n1(a.unmet_need_after));
  }
  assert.ok(expected.areas.find((x) => x.code === 'E08000021').unmet_need_after > expected.areas.find((x) => x.code === 'E08000021').unmet_need_before);
  const url = new URL(page.url()).searchParams;
  assert.match(url.get('scenario'), /^E08000024\|\d+\|\d+\|New team 1;E08000037\|200\|\d+\|New team 2$/);
  assert.equal(url.get('close'), 'newpip');
  // The case for change carries the scenario in force, and is a PDF.
  await tab(page, 'Area');
  const href = await page.locator('#panel-report').getAttribute('href');
  const report = new URL(href, base);
  assert.equal(report.pathname, '/reports/lad/E08000024.pdf');
  assert.equal(report.searchParams.get('scenario'), url.get('scenario'));
  assert.equal(report.searchParams.get('close'), 'newpip');
  assert.match(await page.locator('#panel-scenario').textContent(), /falls/);
  const pdf = await fetch(new URL(href, base));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  // The same view from its URL in a new page: the scenario is in force again.
  const again = await open(new URL(page.url()).search);
  await tab(again, 'Table');
  await again.locator('#ranking-body tr[data-code="E08000021"] td[data-field="after"]').filter({ hasText: /\d/ }).waitFor();
  assert.equal(await again.locator('#ranking-body tr[data-code="E08000021"] td[data-field="after"]').textContent(), n1(expected.areas.find((x) => x.code === 'E08000021').unmet_need_after));
  await again.close();
  await page.close();
});

test('two options compared for NHS North East and North Cumbria ICB give the ICB\'s and its districts\' before and after, as the API says', async () => {
  const q = new URLSearchParams({ level: 'icb', area: 'E54000050', tab: 'scenarios', sname: 'Sunderland', scenario: 'E08000024|100|157000|Sunderland team',
    sname2: 'Three places', scenario2: 'E08000024|100|157000|Sunderland team;E08000023|100|157000|South Tyneside team;E08000037|100|157000|Gateshead team' });
  const page = await open(`/?${q}`);
  await page.locator('#frame-table').waitFor();
  const body = (teams) => ({ teams, close: [], level: 'icb', within: 'E54000050' });
  const one = await api('/api/scenarios', body([{ name: 'Sunderland team', areas: ['E08000024'], capacity_families_per_year: 100, annual_cost: 157000 }]));
  const three = await api('/api/scenarios', body([{ name: 'Sunderland team', areas: ['E08000024'], capacity_families_per_year: 100, annual_cost: 157000 },
    { name: 'South Tyneside team', areas: ['E08000023'], capacity_families_per_year: 100, annual_cost: 157000 },
    { name: 'Gateshead team', areas: ['E08000037'], capacity_families_per_year: 100, annual_cost: 157000 }]));
  const row = async (sel) => page.locator(`#frame-table tr${sel} td`).allTextContents();
  assert.deepEqual(await row('[data-row="frame-unmet"]'), [n0(one.frame.area.unmet_need_before), n0(one.frame.area.unmet_need_after), n0(three.frame.area.unmet_need_after)]);
  const gateshead = (r) => r.frame.districts.find((d) => d.code === 'E08000037');
  assert.deepEqual(await row('[data-district="E08000037"]'), [n0(gateshead(one).unmet_need_before), n0(gateshead(one).unmet_need_after), n0(gateshead(three).unmet_need_after)]);
  assert.ok(gateshead(three).unmet_need_after < gateshead(one).unmet_need_after);
  // Westmorland and Furness is partly inside, and says so.
  assert.match(await page.locator('#frame-table tr[data-district="E06000064"] th').textContent(), /% of its infants/);
  // Each row of the England table says what it means; the comparison downloads, and goes into the report.
  assert.match(await page.locator('#compare-table tr[data-row="not-known-after"] th').textContent(), /no source says there is none/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#compare-download').click()]);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.match(csv[0], /scenarios compared in NHS North East and North Cumbria/);
  assert.ok(csv.some((l) => l.startsWith('"NHS North East and North Cumbria') && l.includes(String(three.frame.area.unmet_need_after))));
  const report = await page.locator('#compare-report').getAttribute('href');
  assert.match(report, /^\/reports\/icb\/E54000050\.pdf\?.*option2=/);
  const html = await (await fetch(base + report.replace('.pdf', '.html'))).text();
  assert.match(html, /Options compared/);
  assert.match(html, /Three places/);
  await shot(page, 'scenarios-compared-in-an-icb');
  await page.close();
});

test('a commissioner of a merged ICB finds their board of 1 April 2026 and what it was made of', async () => {
  const page = await open('/?level=icb&area=E54000066');
  await page.locator('#panel-predecessors').waitFor();
  assert.match(await page.locator('#panel-title').textContent(), /NHS Essex Integrated Care Board/);
  assert.match(await page.locator('#panel-predecessors').textContent(), /Formed on 1 April 2026 from NHS Mid and South Essex Integrated Care Board \([\d.]+% of this board's infants, mid-2024\)/);
  assert.match(await page.locator('#level option[value="icb"]').textContent(), /ICBs \(since 1 April 2026\)/);
  // Searching for the board it replaced says what it is now and links to it.
  await page.getByLabel('Search areas').fill('Hertfordshire and West Essex Integrated');
  await page.getByLabel('Search areas').press('Enter');
  await page.locator('#search-hint a[data-code="E54000066"]').waitFor();
  assert.match(await page.locator('#search-hint').textContent(), /abolished 1 April 2026: now NHS Central East Integrated Care Board and NHS Essex Integrated Care Board/);
  await shot(page, 'icb-essex-2026');
  await page.close();
});

test('two named scenarios are compared side by side as the API says', async () => {
  const q = new URLSearchParams({ tab: 'scenarios', sname: 'One team', scenario: 'E08000024|150|157000|Sunderland team', sname2: 'Two teams', scenario2: 'E08000024|300|250000|Bigger team;E08000037|||Gateshead team' });
  const page = await open(`/?${q}`);
  await page.locator('#compare-table').waitFor();
  const { defaults } = await api('/api/catalog');
  const one = await api('/api/scenarios', { teams: [{ name: 'Sunderland team', areas: ['E08000024'], capacity_families_per_year: 150, annual_cost: 157000 }], close: [], level: 'lad' });
  const two = await api('/api/scenarios', { teams: [{ name: 'Bigger team', areas: ['E08000024'], capacity_families_per_year: 300, annual_cost: 250000 },
    { name: 'Gateshead team', areas: ['E08000037'], capacity_families_per_year: defaults.new_team_capacity, annual_cost: defaults.annual_cost }], close: [], level: 'lad' });
  const cells = async (row) => page.locator(`#compare-table tr[data-row="${row}"] td`).allTextContents();
  assert.deepEqual(await page.locator('#compare-table thead th').allTextContents(), ['One team (in force)', 'Two teams']);
  assert.deepEqual(await cells('teams'), ['1', '2']);
  assert.deepEqual(await cells('extra'), [n1(one.totals.extra_families_covered), n1(two.totals.extra_families_covered)]);
  assert.deepEqual(await cells('unmet-after'), [n0(one.totals.unmet_need_after), n0(two.totals.unmet_need_after)]);
  assert.deepEqual(await cells('cost-per-family'), [gbp(one.totals.cost_per_extra_family_reached), gbp(two.totals.cost_per_extra_family_reached)]);
  const bcr = (r) => `${n1(r.value_for_money.benefit_cost_ratio.central)} (${n1(r.value_for_money.benefit_cost_ratio.low)} to ${n1(r.value_for_money.benefit_cost_ratio.high)})`;
  assert.deepEqual(await cells('bcr'), [bcr(one), bcr(two)]);
  // Break-even against a year in care, and the warnings: the bigger team (300 families) is warned about, the first (150) too.
  const years = (r) => n1(r.value_for_money.break_even.find((b) => b.unit_cost_id === 'child_looked_after_year').outcomes_per_year);
  assert.deepEqual(await cells('break-even'), [years(one), years(two)]);
  assert.deepEqual(await cells('warnings'), [n0(one.warnings.length), n0(two.warnings.length)]);
  assert.ok(two.warnings.length > 0);
  await shot(page, 'scenarios-compared');
  // Putting the second in force: the URL says so, and the report link carries it.
  await page.getByRole('button', { name: 'Put in force: Two teams' }).click();
  await page.waitForURL(/use=2/);
  // None in force: kept in the URL as such, and a new page from it has none in force either.
  await page.getByRole('button', { name: 'Show the register as it is' }).click();
  await page.waitForURL(/use=0/);
  const again = await open(new URL(page.url()).search);
  await again.locator('#compare-table').waitFor();
  assert.deepEqual(await again.locator('#compare-table thead th').allTextContents(), ['One team', 'Two teams']);
  await again.close();
  await page.close();
});

test('the teams view lists every register row, filters, and shows a team\'s area on the map', async () => {
  const page = await open('/?tab=teams');
  const register = await api('/api/teams');
  await page.locator('#teams-body tr').first().waitFor();
  assert.equal(await page.locator('#teams-body tr').count(), register.teams.length);
  const ids = await page.locator('#teams-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.team).sort());
  assert.deepEqual(ids, register.teams.map((t) => t.id).sort());
  await page.getByLabel('Status').selectOption('closed');
  assert.equal(await page.locator('#teams-body tr').count(), register.teams.filter((t) => t.status === 'closed').length);
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Name, provider or area').fill('NEWPIP');
  assert.equal(await page.locator('#teams-body tr').count(), 1);
  const row = page.locator('#teams-body tr[data-team="newpip"]');
  assert.match(await row.textContent(), /Newcastle upon Tyne/);
  assert.match(await row.textContent(), new RegExp(register.teams.find((t) => t.id === 'newpip').last_confirmed));
  assert.match(await row.textContent(), /Needs re-confirming/);
  // The team's name is the button that chooses it.
  await row.locator('[data-select]').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/area=E08000021/);
  assert.deepEqual(await page.evaluate(() => window.cradle.map.map.getFilter('team-highlight')), ['==', ['get', 'id'], 'newpip']);
  await page.waitForFunction(() => window.cradle.map.map.getZoom() > 8, null, { timeout: 20_000 });
  await shot(page, 'teams');
  await page.close();
});

test('the table filters by what is known about teams', async () => {
  const page = await open('/?tab=table');
  const lads = (await api('/api/areas?level=lad')).areas;
  await page.getByLabel('What is known about teams').selectOption('confirmed_none');
  const want = lads.filter((a) => a.team_state === 'confirmed_none').map((a) => a.code).sort();
  assert.ok(want.length > 0);
  assert.deepEqual(await page.locator('#ranking-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.code).sort()), want);
  assert.match(page.url(), /state=confirmed_none/);
  await page.close();
});

test('a district is selected on the map by keyboard alone', async () => {
  const page = await open('/?c=-1.45,54.90&z=8.5');
  await page.locator('.maplibregl-canvas').focus();
  assert.match(await page.locator('.maplibregl-canvas').getAttribute('aria-label'), /Arrow keys move between the areas/);
  await page.keyboard.press('ArrowDown');
  const first = (await page.locator('#map-focus').textContent()).replace(/: press Enter to select it$/, '');
  assert.ok(first.length > 2, `focused "${first}"`);
  await page.keyboard.press('Enter');
  await panel(page).getByRole('heading', { name: first, exact: true }).waitFor();
  const code = new URL(page.url()).searchParams.get('area');
  assert.match(code, /^E0[6789]\d{6}$/);
  // Another area, to the west: a different district, selected the same way.
  await page.keyboard.press('ArrowLeft');
  const second = (await page.locator('#map-focus').textContent()).replace(/: press Enter to select it$/, '');
  assert.notEqual(second, first);
  await page.keyboard.press('Enter');
  await panel(page).getByRole('heading', { name: second, exact: true }).waitFor();
  assert.notEqual(new URL(page.url()).searchParams.get('area'), code);
  assert.deepEqual(await page.evaluate(() => window.cradle.map.map.getFilter('area-selected')), ['==', ['get', 'code'], new URL(page.url()).searchParams.get('area')]);
  await shot(page, 'keyboard');
  // In the Scenarios view, Enter on the map adds the area to the team being picked.
  await tab(page, 'Scenarios');
  await page.getByRole('button', { name: 'Add a scenario' }).click();
  await page.locator('.maplibregl-canvas').focus();
  await page.keyboard.press('ArrowUp');
  const third = (await page.locator('#map-focus').textContent()).replace(/: press Enter to select it$/, '');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: `Remove ${third} from New team 1` }).waitFor();
  await page.close();
});

test('small areas (LSOAs) use a palette unlike the districts\' measures', async () => {
  const page = await open();
  const colours = await page.evaluate(() => {
    const m = window.cradle.map.map;
    const flat = (e) => JSON.stringify(e).match(/#[0-9a-f]{6}/gi) ?? [];
    return { lsoa: flat(m.getPaintProperty('lsoa-fill', 'fill-color')), area: flat(m.getPaintProperty('area-fill', 'fill-color')) };
  });
  assert.equal(new Set(colours.lsoa).size, 10);
  assert.deepEqual(colours.lsoa.filter((c) => colours.area.includes(c)), []);
  await page.close();
});

test('sorting the table works', async () => {
  const page = await open('/?tab=table');
  const names = () => page.locator('#ranking-body tr td:nth-child(2) [data-select]').allTextContents();
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
  // A row's area name is a button: Enter opens that area's details, as a click on the row does.
  await page.getByRole('button', { name: 'Sunderland', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/area=E08000024/);
  await panel(page).getByRole('heading', { name: 'Sunderland' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Area' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('#ranking-body tr.app-selected').getAttribute('data-code'), 'E08000024');
  await tab(page, 'Table');
  await page.locator('#ranking-body tr[data-code="E08000037"]').click();
  await panel(page).getByRole('heading', { name: 'Gateshead' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Area' }).getAttribute('aria-selected'), 'true');
  await page.close();
});

test('a search hint never covers the controls: a mouse click on the Table tab after searching "North" opens the table, at 390, 1280 and 1366 px', async () => {
  for (const [width, height] of [[390, 844], [1280, 800], [1366, 768]]) {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(base + '/');
    await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
    await page.getByRole('searchbox').fill('North');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page.locator('#search-hint').getByText(/Also matching/).waitFor();
    // Nothing interactive lies under the hint: it is in the page's flow, not over it.
    const overlaps = await page.evaluate(() => {
      const h = document.getElementById('search-hint').getBoundingClientRect();
      return [...document.querySelectorAll('button, a, select, input, [role="tab"]')].filter((el) => !el.closest('#search-hint') && el.getClientRects().length)
        .filter((el) => { const r = el.getBoundingClientRect(); return r.left < h.right && r.right > h.left && r.top < h.bottom && r.bottom > h.top; }).map((el) => el.id || el.textContent.trim());
    });
    assert.deepEqual(overlaps, [], `${width} px`);
    await shot(page, `search-hint-${width}`);
    await page.getByRole('tab', { name: 'Table' }).click(); // a real mouse click at the tab's centre
    assert.equal(await page.getByRole('tab', { name: 'Table' }).getAttribute('aria-selected'), 'true', `${width} px`);
    assert.equal(await page.locator('#search-hint').innerHTML(), '', 'a tab change closes the hint');
    // Escape closes it too.
    await page.getByRole('searchbox').fill('North');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page.locator('#search-hint').getByText(/Also matching/).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#search-hint').innerHTML(), '');
    await page.close();
  }
});

test('the table\'s CSV names the level, filter, model and data version, with readable headers and units', async () => {
  const page = await open('/?tab=table');
  await page.getByLabel('Show areas in').selectOption({ label: 'North East' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const [first, header] = text.split('\r\n');
  const list = await api('/api/areas?level=lad');
  assert.match(first, /districts in North East/);
  assert.match(first, new RegExp(`data version ${list.data_version}`));
  assert.match(first, /need model/);
  assert.match(header, /Unmet need \(families a year\)/);
  assert.match(header, /Capacity \(families a year\)/);
  assert.equal(text.split('\r\n').length - 2, 12);
  await page.close();
});

test('zooming in keeps the chosen measure and its legend; small-area deprivation is an explicit, legended choice', async () => {
  const page = await open('/?area=E08000021');
  await page.getByLabel('Colour areas by').selectOption('geographic_coverage');
  const title = await page.locator('#legend .app-legend__title').first().textContent();
  await page.evaluate(() => new Promise((r) => { const m = window.cradle.map.map; m.once('idle', r); m.jumpTo({ center: [-1.61, 54.98], zoom: 10 }); setTimeout(r, 20_000); }));
  assert.equal(await page.locator('#legend .app-legend__title').first().textContent(), title);
  const layers = await page.evaluate(() => {
    const m = window.cradle.map.map;
    return { opacity: m.getPaintProperty('area-fill', 'fill-opacity'), lsoa: m.getLayoutProperty('lsoa-fill', 'visibility'), zoom: m.getZoom() };
  });
  assert.equal(layers.opacity, 0.85);
  assert.equal(layers.lsoa, 'none');
  assert.ok(layers.zoom >= 9.9);
  await shot(page, 'zoom-10-measure');
  await page.getByLabel('Small areas by deprivation (from zoom 8)').check();
  assert.equal(await page.evaluate(() => window.cradle.map.map.getLayoutProperty('lsoa-fill', 'visibility')), 'visible');
  await page.locator('#legend-deprivation-key').waitFor();
  await shot(page, 'zoom-10-deprivation');
  await page.close();
});

test('Kent\'s panel leads with provision: the team, its provider, dates and the definition flag', async () => {
  const page = await open('/?level=utla&area=E10000016');
  await panel(page).getByRole('heading', { name: 'Kent' }).waitFor();
  const text = await panel(page).textContent();
  assert.match(text, /The Real Group/);
  assert.match(text, /May not meet the definition/);
  assert.match(text, /Last confirmed/);
  // Provision comes before the figures.
  const order = await panel(page).evaluate((el) => {
    const teams = [...el.querySelectorAll('h3')].find((h) => h.textContent === 'Teams');
    const unmet = el.querySelector('[data-field="unmet"]');
    return teams.compareDocumentPosition(unmet) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, 'the Teams section comes before the figures');
  await shot(page, 'kent-provision');
  await page.close();
});

test('on a phone the selected area sits above the sheet, and the sheet resizes between peek, half and full', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/?level=utla&area=E10000016`);
  await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
  await panel(page).getByRole('heading', { name: 'Kent' }).waitFor();
  await page.evaluate(() => new Promise((r) => { const m = window.cradle.map.map; if (!m.isMoving() && m.loaded()) r(); else m.once('idle', r); setTimeout(r, 10_000); }));
  const f = await api('/ogc/collections/utla/items/E10000016');
  const pts = JSON.stringify(f.geometry.coordinates).match(/-?\d+\.\d+,-?\d+\.\d+/g).map((p) => p.split(',').map(Number));
  const centre = [(Math.min(...pts.map((p) => p[0])) + Math.max(...pts.map((p) => p[0]))) / 2, (Math.min(...pts.map((p) => p[1])) + Math.max(...pts.map((p) => p[1]))) / 2];
  const where = await page.evaluate((c) => {
    const m = window.cradle.map.map;
    const y = m.project(c).y + m.getContainer().getBoundingClientRect().top;
    return { y, sheet: document.getElementById('sidebar').getBoundingClientRect().top };
  }, centre);
  assert.ok(where.y < where.sheet, `Kent's centre at ${where.y} px, the sheet from ${where.sheet} px`);
  await shot(page, 'phone-kent-above-sheet');
  const handle = page.locator('#sheet-handle');
  await handle.focus();
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.locator('#sidebar').getAttribute('data-sheet'), 'full');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#sidebar').getAttribute('data-sheet'), null);
  assert.notEqual(await page.locator('#sidebar').getAttribute('data-collapsed'), 'true'); // half
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#sidebar').getAttribute('data-collapsed'), 'true');
  // Dragged up from peek past three quarters of the screen: full.
  const box = await handle.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, 60, { steps: 8 });
  await page.mouse.up();
  assert.equal(await page.locator('#sidebar').getAttribute('data-sheet'), 'full');
  await shot(page, 'phone-sheet-full');
  await page.close();
});

test('the URL restores the same view in a new page', async () => {
  const page = await open('/?tab=table');
  await page.getByLabel('Colour areas by').selectOption('geographic_coverage');
  await page.locator('#ranking-body tr[data-code="E08000021"]').click();
  await tab(page, 'Table');
  // Idle again after the fit, or already: never wait for an idle that has passed.
  await page.evaluate(() => new Promise((r) => { const m = window.cradle.map.map; if (m.loaded() && !m.isMoving()) r(); else m.once('idle', r); setTimeout(r, 10_000); }));
  await page.waitForURL(/tab=table/);
  const url = page.url();
  await page.close();
  const again = await open(new URL(url).pathname + new URL(url).search);
  assert.equal(await again.getByLabel('Colour areas by').inputValue(), 'geographic_coverage');
  assert.equal(await again.getByRole('tab', { name: 'Table' }).getAttribute('aria-selected'), 'true');
  await again.locator('#ranking-body tr.app-selected').waitFor();
  assert.equal(await again.locator('#ranking-body tr.app-selected').getAttribute('data-code'), 'E08000021');
  await tab(again, 'Area');
  await panel(again).getByText('NEWPIP').first().waitFor();
  await again.close();
});

test('no horizontal scrolling at 390, 1280 and 1920 pixels, in every view', async () => {
  for (const [width, height] of widths) {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/?area=E08000024&sname=A&scenario=E08000024|||T1&sname2=B&scenario2=E08000037|||T2`);
    await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
    await panel(page).getByText('Sunderland').first().waitFor();
    for (const name of ['Area', 'Table', 'Scenarios', 'Teams', 'About']) {
      await tab(page, name);
      const view = page.locator('.app-view:not([hidden])');
      await view.locator('*').first().waitFor();
      const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(sw <= cw, `${width} px, ${name}: the page is ${sw} px wide in ${cw}`);
      // Inside the panel only the tables' own boxes may scroll sideways.
      const [vw, vc] = await view.evaluate((v) => [v.scrollWidth, v.clientWidth]);
      assert.ok(vw <= vc + 1, `${width} px, ${name}: the view is ${vw} px wide in ${vc}`);
      if (width === 390) await shot(page, `phone-${name.toLowerCase()}`);
    }
    await page.close();
  }
});

test('the teams view sorts by its columns, filters rows needing re-confirmation and shows a team\'s history', async () => {
  const page = await open('/?tab=teams');
  const register = await api('/api/teams');
  await page.locator('#teams-body tr').first().waitFor();
  await page.getByLabel(/Only those needing re-confirmation/).check();
  assert.equal(await page.locator('#teams-body tr[data-team]').count(), register.teams.filter((t) => t.needs_reconfirming).length);
  await page.getByLabel(/Only those needing re-confirmation/).uncheck();
  // Newest confirmation first, then oldest first.
  await page.getByRole('button', { name: 'Last confirmed' }).click();
  const newest = [...register.teams].filter((t) => t.last_confirmed).sort((a, b) => b.last_confirmed.localeCompare(a.last_confirmed))[0];
  assert.equal(await page.locator('#teams-body tr[data-team]').first().getAttribute('data-team'), newest.id);
  assert.equal(await page.locator('#teams-head th[aria-sort="descending"]').count(), 1);
  await page.getByRole('button', { name: 'Last confirmed' }).click();
  assert.equal(await page.locator('#teams-head th[aria-sort="ascending"]').count(), 1);
  await page.getByRole('button', { name: 'History of NEWPIP (Newcastle Parent Infant Partnership)' }).click();
  await page.locator('[data-history-of="newpip"] li').first().waitFor();
  assert.match(await page.locator('[data-history-of="newpip"]').textContent(), /import/);
  await shot(page, 'teams-sorted-history');
  await page.close();
});

test('anyone can tell the register about provision, and a key holder accepts it on the review desk; its text stays text', async () => {
  const key = 'crd_' + randomBytes(24).toString('base64url');
  appendFileSync(path.join(scratch[0], 'keys'), `reviewer:${createHash('sha256').update(key).digest('hex')}\n`);
  const page = await open('/?area=E08000024');
  await panel(page).getByRole('button', { name: 'Tell us about provision here' }).click();
  const dialog = page.getByRole('dialog', { name: /Tell us about provision about Sunderland/ });
  await dialog.waitFor();
  await dialog.getByLabel('A team that is not in the register').check();
  const name = '<script>window.__xss = 1</script> Sunderland <b>parent-infant</b> team';
  await dialog.getByLabel('Name of the team').fill(name);
  await dialog.getByLabel('Status').selectOption('active');
  await dialog.getByLabel(/Areas it takes referrals from/).fill('E08000024');
  // Without a source it is refused, and the form says where.
  await dialog.getByRole('button', { name: 'Send for review' }).click();
  await dialog.locator('#c-summary:not([hidden])').waitFor();
  assert.match(await dialog.locator('#c-summary').textContent(), /source url/);
  await dialog.getByLabel('The page that says this').fill('https://example.org/sunderland/news/team');
  await dialog.getByLabel('When the page said it').fill('2026-11');
  await dialog.getByLabel(/Your email or phone/).fill('private@example.org');
  await dialog.getByRole('button', { name: 'Send for review' }).click();
  await dialog.getByText(/^Sent: C-/).waitFor();
  const ref = (await dialog.locator('.govuk-panel__title').textContent()).replace('Sent: ', '').trim();
  await shot(page, 'contribution-sent');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The review desk, for a key holder.
  await tab(page, 'About');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in to edit' }).click();
  const item = page.locator(`[data-ref="${ref}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /private@example\.org/);
  assert.ok((await item.locator('.app-diff').textContent()).includes('<script>window.__xss = 1</script>'));
  await item.scrollIntoViewIfNeeded();
  await shot(page, 'review-desk');
  await item.getByRole('button', { name: `Accept ${ref}` }).click();
  await item.waitFor({ state: 'detached' });
  const team = (await api('/api/teams')).teams.find((t) => t.name === name);
  assert.ok(team, 'the accepted team is in the register');
  assert.equal((await api(`/api/contributions/${ref}`)).state, 'accepted');
  // In the Teams view and the area panel the name is text: nothing of it ran.
  await tab(page, 'Teams');
  await page.getByLabel('Name, provider or area').fill('Sunderland');
  await page.locator(`#teams-body tr[data-team="${team.id}"]`).waitFor();
  assert.ok((await page.locator(`#teams-body tr[data-team="${team.id}"]`).textContent()).includes('<b>parent-infant</b>'));
  const fresh = await open('/?area=E08000024');
  await panel(fresh).getByText(/window\.__xss/).first().waitFor();
  assert.equal(await fresh.evaluate(() => window.__xss), undefined);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await fetch(`${base}/api/teams/${team.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  await fresh.close();
  await page.close();
});

test('the register\'s data package validates with Frictionless\'s own library, and its tables cast to their schema', async () => {
  const index = await api('/api/register');
  assert.equal(index.licence, 'CC-BY-4.0');
  const url = `${base}/api/register/${index.latest}/datapackage.json`;
  const pkg = await datapackage.Package.load(url);
  assert.ok(pkg.valid, JSON.stringify(pkg.errors.map((e) => e.message)));
  const teams = await pkg.getResource('teams').read({ keyed: true, cast: true });
  assert.equal(teams.length, (await api('/api/teams')).count);
  const evidence = await pkg.getResource('area-evidence').read({ keyed: true, cast: true });
  assert.equal(evidence.length, (await api('/api/area-evidence')).count);
  assert.ok(teams.every((t) => t.last_checked instanceof Date));
});

test('the viewer works under its own Content-Security-Policy, with no violation in any view', async () => {
  const response = await fetch(`${base}/`);
  const policy = response.headers.get('content-security-policy');
  assert.match(policy, /script-src 'self'/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.doesNotMatch(policy, /unsafe-inline/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  const page = await context.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.addInitScript(() => { window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`)); });
  await page.goto(`${base}/?area=E08000021`);
  await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
  await panel(page).getByText('NEWPIP').first().waitFor();
  for (const view of ['Table', 'Scenarios', 'Teams', 'About', 'Area']) await tab(page, view);
  await panel(page).getByRole('button', { name: 'Tell us about provision here' }).click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Small areas by deprivation (from zoom 8)').check();
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(violations, []);
  // The legend's colours still show (set through the DOM, not style attributes).
  assert.notEqual(await page.locator('#legend .app-legend__swatch').first().evaluate((e) => getComputedStyle(e).backgroundColor), 'rgba(0, 0, 0, 0)');
  await page.close();
});

test('axe-core finds no serious or critical accessibility violations at 390, 1280 and 1920 pixels', async () => {
  const axe = readFileSync(path.join(here, '..', 'node_modules/axe-core/axe.min.js'), 'utf8');
  for (const [width, height] of widths) {
    for (const view of ['area', 'scenarios', 'teams']) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(`${base}/?area=E08000021&tab=${view}&sname=A&scenario=E08000024|||T1&sname2=B&scenario2=E08000037|||T2`);
      await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
      if (view === 'area') await panel(page).getByText('NEWPIP').first().waitFor();
      if (view === 'scenarios') await page.locator('#compare-table').waitFor();
      if (view === 'teams') await page.locator('#teams-body tr').first().waitFor();
      await page.evaluate(axe); // evaluated, not an inline script tag: the viewer's CSP rightly blocks those
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length} (${v.help}) ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(violations, [], `${width} px, ${view}`);
      await page.close();
    }
  }
});

test('when the API is down the page says so and can retry', async () => {
  const page = await context.newPage();
  await page.route('**/health/ready', (route) => route.abort());
  await page.goto(base + '/');
  const alert = page.getByRole('alert');
  await alert.getByText('Cradle’s data is not available').waitFor();
  assert.match(await alert.textContent(), /not answering/);
  await shot(page, 'api-down');
  await page.unroute('**/health/ready');
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.waitForFunction(() => window.cradle?.ready === true, null, { timeout: 60_000 });
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.close();
});
