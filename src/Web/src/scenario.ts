// Scenarios: up to three named options, each of several new teams (areas, capacity, cost) and
// closures of register teams; one of them in force on the map, the table and the report link;
// all of them compared side by side. The planner suggests places and makes a scenario of them.
import { ApiError, sendJson, type PlanResult, type ScenarioResult, type Team } from './api';
import { esc, gbp, n0, n1 } from './format';
import { cleanName, maxScenarios, optionsQuery, type Scenario, type ScenarioTeam, type ViewState } from './state';

export interface ScenarioContext {
  state: ViewState;
  /** An area's name from its code, for the areas picked. */
  name(code: string): string;
  /** The code of a district or upper-tier council from its name or code (null: none matches). */
  find(text: string): string | null;
  /** The register's active teams, which a scenario can close. */
  activeTeams(): Team[];
  defaults(): { capacity: number; cost: number };
  /** Whether areas of the level on show can make a team's area, and which levels can. */
  servable(): { ok: boolean; levels: string };
  /** The scenario in force changed (null: none): redraw the map, table and panel. */
  onApplied(result: ScenarioResult | null): void;
  /** The planner's picks are districts: show that level. */
  showDistricts(): void;
  /** The case-for-change report of an area with a query, or null where the area's level has no report. */
  reportOf(code: string, query: string): string | null;
  save(): void;
}

/** The body of POST /api/scenarios for a scenario, reporting areas of the given level (and, with within, in that area's frame). */
export function scenarioBody(s: Scenario, level: string, within?: string | null): unknown {
  return {
    ...(within ? { within } : {}),
    teams: s.teams.filter((t) => t.areas.length).map((t, i) => ({
      name: t.name || `New team ${i + 1}`, areas: t.areas,
      capacity_families_per_year: Number.isFinite(t.capacity) ? t.capacity : null, annual_cost: Number.isFinite(t.cost) ? t.cost : null,
    })),
    close: s.close,
    level,
  };
}

export const runScenario = (s: Scenario, level: string, within?: string | null): Promise<ScenarioResult> =>
  sendJson<ScenarioResult>('POST', '/api/scenarios', scenarioBody(s, level, within));
const hasContent = (s: Scenario) => s.teams.some((t) => t.areas.length) || s.close.length > 0;

export class ScenarioEditor {
  /** The scenario being edited, and the team of it that map and table clicks add areas to. */
  editing = 0;
  picking = 0;
  private results = new Map<Scenario, ScenarioResult>();
  /** The result in force and the scenario as it was when applied (the report link carries that, not later edits). */
  private applied: { s: Scenario; r: ScenarioResult; snapshot: Scenario } | null = null;

  /** The scenario in force as it was applied, or null. */
  inForce(): Scenario | null { return this.applied && this.state.scenarios[this.state.active] === this.applied.s ? this.applied.snapshot : null; }
  /** Its result, or null. */
  inForceResult(): ScenarioResult | null { return this.inForce() ? this.applied!.r : null; }
  private stale(s: Scenario): boolean { return this.applied?.s === s && JSON.stringify(s) !== JSON.stringify(this.applied.snapshot); }

  constructor(private readonly el: HTMLElement, private readonly ctx: ScenarioContext) {
    if (ctx.state.active >= 0) this.editing = ctx.state.active;
  }

  private get state() { return this.ctx.state; }
  private get current(): Scenario | undefined { return this.state.scenarios[this.editing]; }

  private newTeam(n: number): ScenarioTeam {
    const d = this.ctx.defaults();
    return { areas: [], capacity: d.capacity, cost: d.cost, name: `New team ${n}` };
  }

  /** The codes of the areas being picked, for the map's outline. */
  picked(): string[] { return this.current?.teams[this.picking]?.areas ?? []; }

  /** A map or table click while the Scenarios view is open: add or remove the area in the team being picked. */
  toggleArea(code: string): void {
    if (!this.ctx.servable().ok) return;
    if (!this.current) this.addScenario();
    const s = this.current!;
    if (!s.teams.length) s.teams.push(this.newTeam(1));
    const team = s.teams[Math.min(this.picking, s.teams.length - 1)]!;
    team.areas = team.areas.includes(code) ? team.areas.filter((c) => c !== code) : [...team.areas, code];
    this.results.delete(s);
    this.ctx.save();
    this.render();
  }

  addScenario(): void {
    if (this.state.scenarios.length >= maxScenarios) return;
    this.state.scenarios.push({ name: `Scenario ${this.state.scenarios.length + 1}`, teams: [this.newTeam(1)], close: [] });
    this.editing = this.state.scenarios.length - 1;
    this.picking = 0;
    this.ctx.save();
  }

  /** Rebuilds the view, keeping the keyboard where it was (the same control, or the view's heading). */
  render(): void {
    const had = document.activeElement instanceof HTMLElement && this.el.contains(document.activeElement) ? document.activeElement : null;
    const key = had ? (had.id ? `#${had.id}` : [...had.attributes].filter((a) => a.name.startsWith('data-')).map((a) => `[${a.name}="${CSS.escape(a.value)}"]`).join('')) : '';
    this.build();
    if (had) (this.el.querySelector<HTMLElement>(key || '#scenario-title') ?? this.el.querySelector<HTMLElement>('#scenario-title'))?.focus();
  }

  private build(): void {
    const st = this.state, s = this.current;
    const serv = this.ctx.servable();
    const tabs = st.scenarios.map((x, i) => `<button type="button" class="govuk-button ${i === this.editing ? '' : 'govuk-button--secondary'} app-small" data-edit="${i}" aria-pressed="${i === this.editing}">
        <span class="app-scenario-name">${esc(x.name)}</span>${i === st.active ? ' <span class="govuk-visually-hidden">(in force)</span><span aria-hidden="true"> ✓</span>' : ''}</button>`).join('');
    const add = st.scenarios.length < maxScenarios ? `<button type="button" class="govuk-button govuk-button--secondary app-small" id="scenario-add">Add a scenario</button>` : '';
    const editor = s ? this.editorHtml(s, serv) : `<p class="govuk-body">A scenario adds new teams and closes existing ones, and shows the effect on every area. Keep up to three and compare them.</p>`;
    this.el.innerHTML = `
      <h2 class="govuk-heading-m" id="scenario-title" tabindex="-1">Scenarios</h2>
      ${serv.ok ? '' : `<p class="govuk-inset-text app-notice" id="scenario-hint">A team's area is made of ${esc(serv.levels)}: choose one of those under Areas to pick areas on the map.</p>`}
      <div class="app-scenario-tabs" role="group" aria-label="Scenarios kept">${tabs}${add}</div>
      ${editor}
      <div id="scenario-result" aria-live="polite">${s && this.applied?.s === s && st.active === this.editing
        ? `${this.stale(s) ? '<p class="govuk-inset-text app-notice" id="scenario-stale">Changed since its effect was shown: the map, the table and the report still show it as it was. Choose <strong>Show the effect</strong> again.</p>' : ''}${renderResult(this.applied.r, this.ctx.name)}` : ''}</div>
      <div id="scenario-compare" class="app-compare"></div>
      <h3 class="govuk-heading-s">Ask the planner</h3>
      <div class="app-scenario__inputs">
        <div class="govuk-form-group">
          <label class="govuk-label" for="plan-teams">How many new teams</label>
          <input class="govuk-input govuk-input--width-2" id="plan-teams" type="number" min="1" max="20" value="5" inputmode="numeric">
        </div>
        <div class="govuk-checkboxes govuk-checkboxes--small app-check">
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="plan-deprived" type="checkbox" checked>
            <label class="govuk-label govuk-checkboxes__label" for="plan-deprived">Favour deprived areas</label>
          </div>
          ${st.area ? `<div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="plan-within" type="checkbox" checked>
            <label class="govuk-label govuk-checkboxes__label" for="plan-within">Only in ${esc(this.ctx.name(st.area) || st.area)}</label>
          </div>` : ''}
        </div>
      </div>
      <button class="govuk-button govuk-button--secondary app-small" id="plan-run" type="button">Suggest places</button>
      <div id="plan-result" aria-live="polite"></div>`;
    this.wire();
    this.renderCompare();
  }

  private editorHtml(s: Scenario, serv: { ok: boolean }): string {
    const closable = this.ctx.activeTeams().filter((t) => !s.close.includes(t.id ?? ''));
    const teams = s.teams.map((t, i) => `
      <fieldset class="govuk-fieldset" data-team-index="${i}" data-picking="${i === this.picking}">
        <legend class="govuk-fieldset__legend">${esc(t.name || `New team ${i + 1}`)}</legend>
        <div class="app-scenario__inputs">
          <div class="govuk-form-group"><label class="govuk-label" for="team-name-${i}">Name</label>
            <input class="govuk-input govuk-input--width-20" id="team-name-${i}" data-field="name" value="${esc(t.name)}" maxlength="60"></div>
          <div class="govuk-form-group"><label class="govuk-label" for="team-capacity-${i}">Families a year the team can see</label>
            <input class="govuk-input govuk-input--width-5" id="team-capacity-${i}" data-field="capacity" type="number" min="0" max="100000" step="1" inputmode="numeric" value="${Number.isFinite(t.capacity) ? t.capacity : ''}"></div>
          <div class="govuk-form-group"><label class="govuk-label" for="team-cost-${i}">Annual cost (£)</label>
            <input class="govuk-input govuk-input--width-10" id="team-cost-${i}" data-field="cost" type="number" min="0" step="1000" inputmode="numeric" value="${Number.isFinite(t.cost) ? t.cost : ''}"></div>
        </div>
        <p class="govuk-body-s govuk-!-margin-bottom-1" id="team-areas-${i}">${t.areas.length ? `Serves ${t.areas.length} area${t.areas.length > 1 ? 's' : ''}:` : 'No areas picked yet.'}</p>
        <ul class="app-chips" aria-labelledby="team-areas-${i}">${t.areas.map((c) => `<li>${esc(this.ctx.name(c))}<button type="button" class="app-chip__remove" data-remove-area="${esc(c)}" aria-label="Remove ${esc(this.ctx.name(c))} from ${esc(t.name)}">×</button></li>`).join('')}</ul>
        <div class="app-scenario__inputs">
          <div class="govuk-form-group"><label class="govuk-label" for="team-find-${i}">Add an area by name</label>
            <p class="govuk-error-message" id="team-find-error-${i}" hidden></p>
            <input class="govuk-input govuk-input--width-20" id="team-find-${i}" data-find="${i}" list="servable-names" autocomplete="off" aria-describedby="team-find-error-${i}"></div>
          <button type="button" class="govuk-button govuk-button--secondary app-small" data-find-add="${i}">Add<span class="govuk-visually-hidden"> the area to ${esc(t.name)}</span></button>
        </div>
        <div class="govuk-button-group govuk-!-margin-bottom-1">
          ${serv.ok ? `<button type="button" class="govuk-button govuk-button--secondary app-small" data-pick="${i}" aria-pressed="${i === this.picking}">${i === this.picking ? 'Picking areas for this team: click them on the map' : 'Pick areas for this team'}</button>` : ''}
          <button type="button" class="govuk-button govuk-button--warning app-small" data-remove-team="${i}">Remove this team</button>
        </div>
      </fieldset>`).join('');
    const closed = s.close.map((id) => {
      const t = this.ctx.activeTeams().find((x) => x.id === id);
      return `<li>${esc(t?.name ?? id)}<button type="button" class="app-chip__remove" data-reopen="${esc(id)}" aria-label="Keep ${esc(t?.name ?? id)} open">×</button></li>`;
    }).join('');
    return `<div class="app-scenario" id="scenario-editor">
        <div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="scenario-name">Name of this scenario</label>
          <input class="govuk-input" id="scenario-name" value="${esc(s.name)}" maxlength="60"></div>
        <h3 class="govuk-heading-s">New teams</h3>
        ${teams}
        <button type="button" class="govuk-button govuk-button--secondary app-small" id="team-add">Add a new team</button>
        <h3 class="govuk-heading-s">Teams that close</h3>
        <ul class="app-chips" id="closed-teams" aria-label="Teams closed in this scenario">${closed || '<li>None</li>'}</ul>
        <div class="app-scenario__inputs">
          <div class="govuk-form-group"><label class="govuk-label" for="close-pick">Close a team in the register</label>
            <select class="govuk-select" id="close-pick">${closable.map((t) => `<option value="${esc(t.id ?? '')}">${esc(t.name)}</option>`).join('')}</select></div>
          <button type="button" class="govuk-button govuk-button--secondary app-small" id="close-add"${closable.length ? '' : ' disabled'}>Close it</button>
        </div>
        <div class="govuk-button-group">
          <button class="govuk-button app-small" id="scenario-run" type="button">Show the effect</button>
          <button class="govuk-button govuk-button--secondary app-small" id="scenario-off" type="button"${this.state.active >= 0 ? '' : ' disabled'}>Show the register as it is</button>
          <button class="govuk-button govuk-button--warning app-small" id="scenario-remove" type="button">Remove this scenario</button>
        </div>
      </div>`;
  }

  private wire(): void {
    const q = <T extends HTMLElement>(sel: string) => this.el.querySelector<T>(sel);
    const s = this.current;
    this.el.querySelectorAll<HTMLButtonElement>('[data-edit]').forEach((b) => b.addEventListener('click', () => { this.editing = Number(b.dataset.edit); this.picking = 0; this.render(); this.ctx.save(); }));
    q('#scenario-add')?.addEventListener('click', () => { this.addScenario(); this.render(); q<HTMLInputElement>('#scenario-name')?.focus(); });
    q('#plan-run')?.addEventListener('click', () => void this.plan());
    if (!s) return;
    const changed = () => { this.results.delete(s); this.ctx.save(); };
    q<HTMLInputElement>('#scenario-name')!.addEventListener('change', (e) => {
      s.name = cleanName((e.target as HTMLInputElement).value) || `Scenario ${this.editing + 1}`;
      const button = this.el.querySelector<HTMLElement>(`[data-edit="${this.editing}"] .app-scenario-name`);
      if (button) button.textContent = s.name;
      changed();
    });
    this.el.querySelectorAll<HTMLFieldSetElement>('fieldset[data-team-index]').forEach((f) => {
      const t = s.teams[Number(f.dataset.teamIndex)]!;
      f.querySelectorAll<HTMLInputElement>('input[data-field]').forEach((input) => input.addEventListener('change', () => {
        const v = input.value.trim();
        if (input.dataset.field === 'name') t.name = cleanName(v);
        else if (input.dataset.field === 'capacity') t.capacity = v === '' ? NaN : Number(v);
        else t.cost = v === '' ? NaN : Number(v);
        changed();
      }));
      const input = f.querySelector<HTMLInputElement>('[data-find]')!;
      const addByName = () => {
        const code = this.ctx.find(input.value);
        const err = f.querySelector<HTMLElement>(`#team-find-error-${f.dataset.teamIndex}`)!;
        if (!code) { err.hidden = false; err.textContent = `No district or upper-tier council is called “${input.value.trim()}”.`; input.focus(); return; }
        if (!t.areas.includes(code)) t.areas = [...t.areas, code];
        this.picking = Number(f.dataset.teamIndex);
        changed(); this.render();
        this.el.querySelector<HTMLInputElement>(`#team-find-${this.picking}`)?.focus();
      };
      f.querySelector('[data-find-add]')!.addEventListener('click', addByName);
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addByName(); } });
      f.querySelectorAll<HTMLButtonElement>('[data-remove-area]').forEach((b) => b.addEventListener('click', () => {
        t.areas = t.areas.filter((c) => c !== b.dataset.removeArea); changed(); this.render();
      }));
    });
    this.el.querySelectorAll<HTMLButtonElement>('[data-pick]').forEach((b) => b.addEventListener('click', () => { this.picking = Number(b.dataset.pick); this.render(); changed(); this.el.querySelector<HTMLButtonElement>(`[data-pick="${this.picking}"]`)?.focus(); }));
    this.el.querySelectorAll<HTMLButtonElement>('[data-remove-team]').forEach((b) => b.addEventListener('click', () => {
      const removed = Number(b.dataset.removeTeam);
      s.teams.splice(removed, 1);
      if (removed < this.picking) this.picking--;
      this.picking = Math.max(0, Math.min(this.picking, s.teams.length - 1)); changed(); this.render();
    }));
    q('#team-add')!.addEventListener('click', () => { s.teams.push(this.newTeam(s.teams.length + 1)); this.picking = s.teams.length - 1; changed(); this.render(); q<HTMLInputElement>(`#team-name-${this.picking}`)?.focus(); });
    q('#close-add')!.addEventListener('click', () => {
      const id = q<HTMLSelectElement>('#close-pick')!.value;
      if (id && !s.close.includes(id)) s.close.push(id);
      changed(); this.render(); q<HTMLSelectElement>('#close-pick')?.focus();
    });
    this.el.querySelectorAll<HTMLButtonElement>('[data-reopen]').forEach((b) => b.addEventListener('click', () => { s.close = s.close.filter((x) => x !== b.dataset.reopen); changed(); this.render(); }));
    q('#scenario-run')!.addEventListener('click', () => void this.apply(this.editing));
    q('#scenario-off')!.addEventListener('click', () => { this.state.active = -1; this.ctx.onApplied(null); changed(); this.render(); });
    q('#scenario-remove')!.addEventListener('click', () => {
      const removed = this.editing;
      this.state.scenarios.splice(removed, 1);
      if (this.state.active === removed) { this.state.active = -1; this.ctx.onApplied(null); } else if (this.state.active > removed) this.state.active--;
      this.editing = Math.max(0, Math.min(this.editing, this.state.scenarios.length - 1));
      this.picking = 0;
      changed(); this.render();
    });
  }

  /** Runs scenario i and puts it in force. */
  async apply(i: number): Promise<void> {
    const s = this.state.scenarios[i];
    const out = this.el.querySelector<HTMLElement>('#scenario-result');
    if (!s) return;
    if (!hasContent(s)) { if (out) out.innerHTML = '<p class="govuk-error-message">Pick at least one area for a new team, or close a team, first.</p>'; return; }
    if (out) out.innerHTML = '<p class="govuk-body">Working it out…</p>';
    try {
      const level = this.state.level, snapshot = structuredClone(s);
      const r = await runScenario(snapshot, level);
      // Removed, or the level changed, while it ran: not this answer.
      const now = this.state.scenarios.indexOf(s);
      if (now < 0 || level !== this.state.level) return;
      this.results.set(s, r);
      this.applied = { s, r, snapshot };
      this.state.active = now;
      this.editing = now;
      this.ctx.save();
      this.ctx.onApplied(r);
      this.render();
    } catch (e) {
      const box = this.el.querySelector<HTMLElement>('#scenario-result');
      if (box) renderScenarioError(box, e);
    }
  }

  /** The result of the scenario in force at the level now on show, run again (after a change of level or data). */
  async refresh(): Promise<ScenarioResult | null> {
    const s = this.state.scenarios[this.state.active];
    if (!s || !hasContent(s)) return null;
    const snapshot = structuredClone(s);
    const r = await runScenario(snapshot, this.state.level);
    this.results.set(s, r);
    this.applied = { s, r, snapshot };
    this.render();
    return r;
  }

  /** Two or three scenarios side by side: their totals and indicative value for money, as the API gives them. */
  private async renderCompare(): Promise<void> {
    const box = this.el.querySelector<HTMLElement>('#scenario-compare');
    const kept = this.state.scenarios.filter(hasContent);
    if (!box || kept.length < 2) return;
    try {
      // With an area selected, each answer is asked in its frame (its own before and after, district by district): the same
      // answer carries England's totals, so one request a scenario serves both tables, and is kept for the next draw.
      const area = this.state.area;
      const results = await Promise.all(kept.map(async (s) => {
        const known = this.results.get(s);
        if (known && (!area || known.frame?.area.code === area)) return known;
        const r = await runScenario(s, this.state.level, area);
        this.results.set(s, r);
        return r;
      }));
      if (!box.isConnected) return;
      // The commissioner's own area first; England's totals after it.
      box.innerHTML = (area ? frameTable(kept, results) : '') + compareTable(kept, results, this.state.scenarios[this.state.active] ?? null, !!area)
        + `<p class="govuk-body-s"><a class="govuk-link" id="compare-download" href="#" download="cradle-scenarios.csv">Download the comparison (CSV)</a>${
          area && this.ctx.reportOf(area, optionsQuery(kept)) ? ` · <a class="govuk-link" id="compare-report" href="${esc(this.ctx.reportOf(area, optionsQuery(kept))!)}">The comparison in the case for change (PDF)</a>` : ''}</p>`;
      const link = box.querySelector<HTMLAnchorElement>('#compare-download')!;
      link.href = URL.createObjectURL(new Blob([compareCsv(kept, results)], { type: 'text/csv' }));
      box.querySelectorAll<HTMLButtonElement>('[data-apply]').forEach((b) => b.addEventListener('click', () => void this.apply(this.state.scenarios.indexOf(kept[Number(b.dataset.apply)]!))));
    } catch (e) { renderScenarioError(box, e); }
  }

  /** Forget results: the data or the level changed. */
  invalidate(): void { this.results.clear(); this.applied = null; }

  private async plan(): Promise<void> {
    const out = this.el.querySelector<HTMLElement>('#plan-result')!;
    out.innerHTML = '<p class="govuk-body">Searching…</p>';
    const d = this.ctx.defaults();
    try {
      const teams = Number(this.el.querySelector<HTMLInputElement>('#plan-teams')!.value);
      // Limited to the selected area (a district, council or ICB) when asked: the commissioner's own patch.
      const within = this.state.area && this.el.querySelector<HTMLInputElement>('#plan-within')?.checked ? this.state.area : undefined;
      const p = await sendJson<PlanResult>('POST', '/api/plan', { teams, deprivation_weighted: this.el.querySelector<HTMLInputElement>('#plan-deprived')!.checked,
        capacity_families_per_year: d.capacity, annual_cost: d.cost, ...(within ? { within } : {}) });
      renderPlan(out, p, this.state.scenarios.length < maxScenarios);
      out.querySelector<HTMLButtonElement>('#plan-keep')?.addEventListener('click', (e) => {
        if (this.state.scenarios.length >= maxScenarios) return;
        (e.currentTarget as HTMLButtonElement).disabled = true;
        // The planner picks districts: its scenario is made of them, one team per pick.
        this.ctx.showDistricts();
        this.state.scenarios.push({
          name: cleanName(`The planner's ${p.picks.length} teams`), close: [],
          teams: p.picks.map((k, i) => ({ areas: k.areas.map((a) => a.code), capacity: d.capacity, cost: d.cost, name: cleanName(`Planned team ${i + 1}`) })),
        });
        void this.apply(this.state.scenarios.length - 1);
      });
    } catch (e) { renderScenarioError(out, e); }
  }
}

function renderResult(r: ScenarioResult, name: (code: string) => string): string {
  const t = r.totals;
  return `<div class="govuk-panel govuk-panel--confirmation app-result">
      <h3 class="govuk-panel__title govuk-!-font-size-24"><span data-field="extra">${n1(t.extra_families_covered)}</span> ${t.extra_families_covered < 0 ? 'fewer' : 'more'} families a year reached</h3>
      <div class="govuk-panel__body govuk-!-font-size-19">Cost per extra family reached by the new teams: <strong id="cost-per-family">${gbp(t.cost_per_extra_family_reached)}</strong></div>
    </div>
    <p class="govuk-body">England’s unmet need: <span data-field="unmet-before">${n0(t.unmet_need_before)}</span> → <span data-field="unmet-after">${n0(t.unmet_need_after)}</span> families a year, for ${gbp(t.annual_cost_of_new_teams)} a year of new teams${r.closed.length ? `, with ${r.closed.length} team${r.closed.length > 1 ? 's' : ''} closed` : ''}.</p>
    ${warnings(r.warnings)}
    ${valueForMoney(r.value_for_money)}
    <table class="govuk-table app-table"><caption class="govuk-table__caption govuk-table__caption--s">Areas that change</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Area</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Unmet before</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Unmet after</th></tr></thead>
      <tbody class="govuk-table__body">${r.areas.map((a) => `<tr class="govuk-table__row"><td class="govuk-table__cell">${esc(name(a.code) || a.name)}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">${n1(a.unmet_need_before)}</td><td class="govuk-table__cell govuk-table__cell--numeric">${n1(a.unmet_need_after)}</td></tr>`).join('')}</tbody></table>`;
}

function range(x: { low: number; central: number; high: number } | null, f: (v: number) => string): string {
  return x ? `${f(x.central)} (${f(x.low)} to ${f(x.high)})` : '–';
}

/** Break-even against official unit costs first; the national lifetime estimate second, labelled as such. */
function valueForMoney(v: ScenarioResult['value_for_money']): string {
  if (!v.break_even.length) return '';
  const breakEven = v.break_even.map((b) => `<li>about <strong>${n1(b.outcomes_per_year)}</strong> × ${esc(b.outcome)}
    (${gbp(b.unit_cost_gbp)} each, ${esc(b.price_base)}${b.derived ? ', derived' : ''}; <a class="govuk-link" href="${esc(b.source)}">source</a>)</li>`).join('');
  return `<div id="value-for-money"><p class="govuk-body">To pay for themselves each year, the new teams must prevent:</p>
    <ul class="govuk-list govuk-list--bullet" id="break-even">${breakEven}</ul>
    ${v.benefit_cost_ratio ? `<p class="govuk-body-s"><strong class="govuk-tag govuk-tag--yellow">National estimate, not an evaluated return</strong>
    Lifetime benefit of a year’s families: ${range(v.lifetime_benefit, gbp)};
    per £1 a year: <span data-field="bcr">${range(v.benefit_cost_ratio, n1)}</span>, at ${gbp(v.benefit_per_family.central)} per family reached
    (sources: <a class="govuk-link" href="/api/model">the model</a>).</p>` : ''}</div>`;
}

/** Doubts about the inputs: they never block the answer. */
function warnings(ws: ScenarioResult['warnings']): string {
  if (!ws.length) return '';
  return `<div class="govuk-warning-text" id="scenario-warnings"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <div class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>Check these inputs:
    <ul class="govuk-list govuk-list--bullet">${ws.map((w) => `<li><code>${esc(w.field)}</code>: ${esc(w.message)} <span class="govuk-body-s">(${esc(w.source)})</span></li>`).join('')}</ul></div></div>`;
}

/** What each row of the comparison means: shown under its label, and kept in the CSV. */
const rowDefinitions: Record<string, string> = {
  teams: 'Teams the option adds.',
  closed: 'Register teams the option closes.',
  extra: 'Families a year the new teams reach who were not reached before (estimated).',
  'unmet-after': 'Families a year needing a team that no team reaches, after the option (estimated).',
  'not-known-after': 'The part of the unmet need living where the register has no team and no source says there is none: it may be met by a team nobody has told us about.',
  cost: 'What the new teams cost a year, as entered.',
  'cost-per-family': 'Annual cost of the new teams divided by the extra families reached.',
  'break-even': 'Children kept out of care for a year that would pay for the new teams (a year in care costs councils about £96,900, 2023–24).',
  warnings: 'Inputs outside the published range (families a year, cost per family): check them.',
  bcr: 'Lifetime benefit of a year\'s families for each £1 a year: a national estimate, not an evaluated return.',
  benefit: 'Lifetime benefit of a year\'s families reached: a national estimate, not an evaluated return.',
};

function compareTable(kept: Scenario[], rs: ScenarioResult[], inForce: Scenario | null, afterFrame = false): string {
  const row = (label: string, cell: (r: ScenarioResult, s: Scenario) => string, field: string) =>
    `<tr class="govuk-table__row" data-row="${field}"><th scope="row" class="govuk-table__header">${label}${rowDefinitions[field] ? `<span class="govuk-body-s app-cell-note app-define" title="${esc(rowDefinitions[field])}">${esc(rowDefinitions[field])}</span>` : ''}</th>${rs.map((r, i) => `<td class="govuk-table__cell govuk-table__cell--numeric">${cell(r, kept[i]!)}</td>`).join('')}</tr>`;
  return `<table class="govuk-table app-table" id="compare-table">
    <caption class="govuk-table__caption govuk-table__caption--s">${afterFrame ? 'And for England as a whole' : 'The scenarios side by side (England, a year)'}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><td class="govuk-table__cell"></td>${kept.map((s) => `<th scope="col" class="govuk-table__header govuk-table__header--numeric">${esc(s.name)}${s === inForce ? ' (in force)' : ''}</th>`).join('')}</tr></thead>
    <tbody class="govuk-table__body">
      ${row('New teams', (r) => n0(r.teams.length), 'teams')}
      ${row('Teams closed', (r) => n0(r.closed.length), 'closed')}
      ${row('Extra families reached', (r) => n1(r.totals.extra_families_covered), 'extra')}
      ${row('Unmet need after', (r) => n0(r.totals.unmet_need_after), 'unmet-after')}
      ${row('Unmet need where nothing is known, after', (r) => n0(r.totals.unmet_need_in_not_known_after), 'not-known-after')}
      ${row('Annual cost of new teams', (r) => gbp(r.totals.annual_cost_of_new_teams), 'cost')}
      ${row('Cost per extra family reached', (r) => gbp(r.totals.cost_per_extra_family_reached), 'cost-per-family')}
      ${row('Break-even: children kept out of care a year', (r) => n1(r.value_for_money.break_even.find((b) => b.unit_cost_id === 'child_looked_after_year')?.outcomes_per_year ?? NaN), 'break-even')}
      ${row('Warnings about the inputs', (r) => n0(r.warnings.length), 'warnings')}
      ${row('Lifetime benefit per £1 <strong class="govuk-tag govuk-tag--yellow">National estimate</strong>', (r) => range(r.value_for_money.benefit_cost_ratio, n1), 'bcr')}
      ${row('Lifetime benefit <strong class="govuk-tag govuk-tag--yellow">National estimate</strong>', (r) => range(r.value_for_money.lifetime_benefit, gbp), 'benefit')}
      ${row('', (_r, s) => (s === inForce ? 'In force' : `<button type="button" class="govuk-button govuk-button--secondary app-small" data-apply="${kept.indexOf(s)}" aria-label="Put in force: ${esc(s.name)}">Put in force</button>`), 'apply')}
    </tbody></table>
    <p class="govuk-body-s">Before any scenario, England’s unmet need is ${n0(rs[0]!.totals.unmet_need_before)} families a year. Break-even is the annual cost over a year in care for one child (councils’ spending, 2023–24); lifetime benefits are a national estimate, not an evaluated return: see <a class="govuk-link" href="/api/model">the model</a> for their sources and range.</p>`;
}

/** The options side by side in the selected area: its unmet need before and after, and each district's (its part inside, if partly). */
function frameTable(kept: Scenario[], rs: ScenarioResult[]): string {
  const frames = rs.map((r) => r.frame).filter((f): f is NonNullable<typeof f> => !!f);
  if (frames.length !== rs.length) return '';
  const a = frames[0]!.area;
  const cell = (v: string) => `<td class="govuk-table__cell govuk-table__cell--numeric">${v}</td>`;
  const districts = frames[0]!.districts.map((d, k) => `<tr class="govuk-table__row" data-district="${esc(d.code)}"><th scope="row" class="govuk-table__header">${esc(d.name)}${d.partial ? ` <span class="govuk-body-s">(${n0(d.inside_share * 100)}% of its infants)</span>` : ''}</th>
      ${cell(n0(d.unmet_need_before))}${frames.map((f) => cell(n0(f.districts[k]!.unmet_need_after))).join('')}</tr>`).join('');
  return `<table class="govuk-table app-table" id="frame-table">
    <caption class="govuk-table__caption govuk-table__caption--s">In ${esc(a.name)}: unmet need, families a year, before and after each scenario</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><td class="govuk-table__cell"></td><th scope="col" class="govuk-table__header govuk-table__header--numeric">Before</th>${kept.map((s) => `<th scope="col" class="govuk-table__header govuk-table__header--numeric">${esc(s.name)}</th>`).join('')}</tr></thead>
    <tbody class="govuk-table__body">
      <tr class="govuk-table__row" data-row="frame-unmet"><th scope="row" class="govuk-table__header">${esc(a.name)}</th>${cell(n0(a.unmet_need_before))}${frames.map((f) => cell(n0(f.area.unmet_need_after))).join('')}</tr>
      ${districts}
    </tbody></table>
    <p class="govuk-body-s">A district partly inside ${esc(a.name)} counts its part inside, so the districts add up to the area.</p>`;
}

/** The comparison as CSV: a first line naming what it is; the area's rows (if any), then England's, each with its meaning. */
function compareCsv(kept: Scenario[], rs: ScenarioResult[]): string {
  const q = (x: string) => `"${x.replace(/"/g, '""')}"`;
  const frame = rs.every((r) => r.frame) ? rs.map((r) => r.frame!) : null;
  const lines = [q(`Cradle: scenarios compared${frame ? ` in ${frame[0]!.area.name}` : ''}; families a year are estimates; data version ${rs[0]!.data_version}`),
    ['Area', 'Measure', 'Before', ...kept.map((s) => s.name), 'Meaning'].map(q).join(',')];
  if (frame) {
    lines.push([q(frame[0]!.area.name), q('Unmet need (families a year)'), frame[0]!.area.unmet_need_before, ...frame.map((f) => f.area.unmet_need_after), q(rowDefinitions['unmet-after']!)].join(','));
    frame[0]!.districts.forEach((d, k) => lines.push([q(d.name + (d.partial ? ` (${Math.round(d.inside_share * 100)}% of its infants inside)` : '')), q('Unmet need (families a year)'),
      d.unmet_need_before, ...frame.map((f) => f.districts[k]!.unmet_need_after), q(rowDefinitions['unmet-after']!)].join(',')));
  }
  const england = (label: string, field: string, value: (r: ScenarioResult) => number | string, before: number | string = '') =>
    lines.push([q('England'), q(label), before, ...rs.map(value), q(rowDefinitions[field] ?? '')].join(','));
  england('New teams', 'teams', (r) => r.teams.length);
  england('Teams closed', 'closed', (r) => r.closed.length);
  england('Extra families reached (a year)', 'extra', (r) => r.totals.extra_families_covered);
  england('Unmet need (families a year)', 'unmet-after', (r) => r.totals.unmet_need_after, rs[0]!.totals.unmet_need_before);
  england('Unmet need where nothing is known (families a year)', 'not-known-after', (r) => r.totals.unmet_need_in_not_known_after);
  england('Annual cost of new teams (GBP)', 'cost', (r) => r.totals.annual_cost_of_new_teams);
  england('Cost per extra family reached (GBP)', 'cost-per-family', (r) => r.totals.cost_per_extra_family_reached ?? '');
  england('Break-even: children kept out of care a year', 'break-even', (r) => r.value_for_money.break_even.find((b) => b.unit_cost_id === 'child_looked_after_year')?.outcomes_per_year ?? '');
  return lines.join('\r\n');
}

export function renderScenarioError(el: HTMLElement, e: unknown): void {
  const err = e as ApiError;
  const details = Object.entries(err.errors ?? {}).map(([k, v]) => `<li>${esc(k)}: ${esc(v.join('; '))}</li>`).join('');
  el.innerHTML = `<div class="govuk-error-summary" role="alert"><h3 class="govuk-error-summary__title">The scenario could not run</h3>
    <div class="govuk-error-summary__body"><p class="govuk-body">${esc(err.message)}</p><ul class="govuk-list govuk-error-summary__list">${details}</ul></div></div>`;
}

function renderPlan(el: HTMLElement, p: PlanResult, canKeep: boolean): void {
  el.innerHTML = `<p class="govuk-body">Together: ${n1(p.extra_families_covered)} more families a year, ${gbp(p.cost_per_family_reached)} per family.</p>${warnings(p.warnings)}
    <ol class="govuk-list govuk-list--number">${p.picks.map((k) => `<li><strong>${esc(k.areas.map((a) => a.name).join(' and '))}</strong> (${esc(k.icb_name)}):
      ${n1(k.extra_families_covered)} families a year. <span class="govuk-body-s">${esc(k.reason)}</span></li>`).join('')}</ol>
    ${canKeep ? '<button class="govuk-button govuk-button--secondary app-small" id="plan-keep" type="button">Keep these as a scenario</button>' : '<p class="govuk-body-s">Three scenarios are kept: remove one to keep these.</p>'}`;
}
