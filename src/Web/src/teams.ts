// The Teams view: every row of the register, with its status, area, provider, source and its three
// dates; sortable and filterable (by status, text, and rows needing re-confirmation); each row's
// history; choosing one shows its area on the map.
import { getJson, type Team, type TeamChange } from './api';
import { esc } from './format';

type SortKey = 'name' | 'status' | 'area' | 'provider' | 'source_date' | 'last_confirmed' | 'last_checked';
const columns: [SortKey, string][] = [['name', 'Team'], ['status', 'Status'], ['area', 'Area'], ['provider', 'Provider'],
  ['source_date', 'Source'], ['last_confirmed', 'Last confirmed'], ['last_checked', 'Last checked']];

const statuses: Record<string, { label: string; tag: string }> = {
  active: { label: 'Active', tag: 'govuk-tag--green' },
  in_development: { label: 'In development', tag: 'govuk-tag--blue' },
  unknown: { label: 'Unknown: no current source', tag: 'govuk-tag--grey' },
  closed: { label: 'Closed', tag: 'govuk-tag--red' },
};

export class TeamsView {
  private teams: Team[] = [];
  private status = '';
  private text = '';
  private selected: string | null = null;
  private stale = false;
  private sort: { key: SortKey; descending: boolean } = { key: 'name', descending: false };
  private readonly open = new Set<string>();

  constructor(private readonly el: HTMLElement, private readonly areaName: (code: string) => string, private readonly onChoose: (t: Team) => void) {}

  setTeams(teams: Team[]): void {
    this.teams = [...teams].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'en-GB'));
    this.render();
  }

  // Names, as the API gives them (wards included), else the viewer's own.
  private areas(t: Team): string { return (t.service_area_names ?? (t.service_areas ?? []).map((c) => this.areaName(c))).join(', '); }

  private value(t: Team, key: SortKey): string {
    if (key === 'area') return this.areas(t);
    const v = (t as unknown as Record<string, unknown>)[key];
    return v == null ? '' : String(v);
  }

  visible(): Team[] {
    const q = this.text.toLowerCase();
    const { key, descending } = this.sort;
    return this.teams.filter((t) => (!this.status || t.status === this.status) && (!this.stale || t.needs_reconfirming)
      && (!q || [t.name, t.provider, t.id, this.areas(t), t.area_note].some((x) => (x ?? '').toLowerCase().includes(q))))
      // Blank sorts last either way; dates sort as text (yyyy-mm-dd, yyyy-mm and yyyy order rightly).
      .sort((a, b) => {
        const x = this.value(a, key), y = this.value(b, key);
        if (!x !== !y) return x ? -1 : 1;
        return (descending ? -1 : 1) * x.localeCompare(y, 'en-GB') || (a.name ?? '').localeCompare(b.name ?? '', 'en-GB');
      });
  }

  private render(): void {
    const counts = Object.keys(statuses).map((s) => `${statuses[s]!.label.split(':')[0]} ${this.teams.filter((t) => t.status === s).length}`).join(', ');
    this.el.innerHTML = `
      <div class="app-table__controls">
        <div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="teams-status">Status</label>
          <select class="govuk-select" id="teams-status"><option value="">Any (${this.teams.length})</option>
            ${Object.entries(statuses).map(([id, s]) => `<option value="${id}"${id === this.status ? ' selected' : ''}>${esc(s.label)}</option>`).join('')}</select></div>
        <div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="teams-text">Name, provider or area</label>
          <input class="govuk-input govuk-input--width-20" id="teams-text" type="search" value="${esc(this.text)}" autocomplete="off"></div>
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
          <input class="govuk-checkboxes__input" id="teams-stale" type="checkbox"${this.stale ? ' checked' : ''}>
          <label class="govuk-label govuk-checkboxes__label" for="teams-stale">Only those needing re-confirmation (${this.teams.filter((t) => t.needs_reconfirming).length})</label></div></div></div>
        <button class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" type="button" data-contribute="new_team">Tell us about a team</button>
      </div>
      <p class="govuk-body-s" id="teams-count" aria-live="polite"></p>
      <div class="app-table__scroll">
        <table class="govuk-table app-table" id="teams-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Teams in the register (${esc(counts)}); choose a row to show its area on the map</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row" id="teams-head"></tr></thead>
          <tbody class="govuk-table__body" id="teams-body"></tbody>
        </table>
      </div>`;
    this.el.querySelector('#teams-status')!.addEventListener('change', (e) => { this.status = (e.target as HTMLSelectElement).value; this.renderRows(); });
    this.el.querySelector('#teams-text')!.addEventListener('input', (e) => { this.text = (e.target as HTMLInputElement).value.trim(); this.renderRows(); });
    this.el.querySelector('#teams-stale')!.addEventListener('change', (e) => { this.stale = (e.target as HTMLInputElement).checked; this.renderRows(); });
    this.el.querySelector('#teams-head')!.addEventListener('click', (e) => {
      const key = (e.target as HTMLElement).closest<HTMLElement>('[data-sort]')?.dataset.sort as SortKey | undefined;
      if (!key) return;
      this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : key.startsWith('last_') || key === 'source_date' };
      this.renderRows();
      this.el.querySelector<HTMLElement>(`[data-sort="${key}"]`)?.focus();
    });
    const body = this.el.querySelector<HTMLElement>('#teams-body')!;
    const choose = (row: Element) => {
      const t = this.teams.find((x) => x.id === row.getAttribute('data-team'));
      if (t) { this.selected = t.id; this.renderRows(); this.onChoose(t); }
    };
    body.addEventListener('click', (e) => {
      const target = e.target as HTMLElement;
      const history = target.closest<HTMLElement>('[data-history]');
      if (history) { void this.toggleHistory(history.dataset.history!); return; }
      const row = target.closest('tr[data-team]');
      if (row && !target.closest('a, [data-contribute]')) choose(row);
    });
    this.renderRows();
  }

  private renderRows(): void {
    const focused = (document.activeElement as HTMLElement | null)?.closest?.('tr[data-team]')?.getAttribute('data-team');
    const rows = this.visible();
    this.el.querySelector('#teams-head')!.innerHTML = columns.map(([key, label]) => {
      const sorted = this.sort.key === key ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
      return `<th scope="col" class="govuk-table__header" aria-sort="${sorted}"><button type="button" class="app-sort" data-sort="${key}">${esc(label)}<span aria-hidden="true">${sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span></button></th>`;
    }).join('') + '<th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>';
    this.el.querySelector('#teams-count')!.textContent = `${rows.length} of the register's ${this.teams.length} teams.`;
    this.el.querySelector('#teams-body')!.innerHTML = rows.map((t) => {
      const s = statuses[t.status ?? ''] ?? { label: t.status ?? '–', tag: 'govuk-tag--grey' };
      const uncertain = t.definition_fit === 'uncertain' ? ' <strong class="govuk-tag govuk-tag--yellow">May not meet the definition</strong>' : '';
      const stale = t.needs_reconfirming ? ' <strong class="govuk-tag govuk-tag--orange">Needs re-confirming</strong>' : '';
      const id = t.id ?? '';
      return `<tr class="govuk-table__row${id === this.selected ? ' app-selected' : ''}" data-team="${esc(id)}"${id === this.selected ? ' aria-current="true"' : ''}>
        <td class="govuk-table__cell"><button type="button" class="app-row-button" data-select><strong>${esc(t.name)}</strong></button>${uncertain}</td>
        <td class="govuk-table__cell" data-field="status"><strong class="govuk-tag ${s.tag}">${esc(s.label)}</strong>${t.ended ? ` <span class="govuk-body-s">ended ${esc(String(t.ended))}</span>` : ''}</td>
        <td class="govuk-table__cell">${esc(this.areas(t)) || '–'}</td>
        <td class="govuk-table__cell">${esc(t.provider ?? 'not recorded')}</td>
        <td class="govuk-table__cell">${t.source_url ? `<a class="govuk-link" href="${esc(t.source_url)}" rel="noopener">Source<span class="govuk-visually-hidden"> for ${esc(t.name)}</span></a>` : '–'}${t.source_date ? ` (${esc(String(t.source_date))})` : ''}</td>
        <td class="govuk-table__cell" data-field="last-confirmed">${esc(t.last_confirmed ? String(t.last_confirmed) : '–')}${stale}</td>
        <td class="govuk-table__cell">${esc(t.last_checked ? String(t.last_checked) : 'never')}</td>
        <td class="govuk-table__cell"><button type="button" class="govuk-button govuk-button--secondary app-button-small" data-history="${esc(id)}" aria-expanded="${this.open.has(id)}">History<span class="govuk-visually-hidden"> of ${esc(t.name)}</span></button>
          <button type="button" class="govuk-button govuk-button--secondary app-button-small" data-contribute="team_change" data-team-id="${esc(id)}">Tell us<span class="govuk-visually-hidden"> about ${esc(t.name)}</span></button></td></tr>
        ${this.open.has(id) ? `<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="8"><div data-history-of="${esc(id)}">Loading…</div></td></tr>` : ''}`;
    }).join('');
    for (const id of this.open) void this.fillHistory(id);
    if (focused) this.el.querySelector<HTMLElement>(`tr[data-team="${CSS.escape(focused)}"] [data-select]`)?.focus({ preventScroll: true });
  }

  private async toggleHistory(id: string): Promise<void> {
    if (this.open.has(id)) this.open.delete(id); else this.open.add(id);
    this.renderRows();
    this.el.querySelector<HTMLElement>(`[data-history="${CSS.escape(id)}"]`)?.focus();
  }

  private async fillHistory(id: string): Promise<void> {
    const box = this.el.querySelector<HTMLElement>(`[data-history-of="${CSS.escape(id)}"]`);
    if (!box) return;
    const changes = await getJson<TeamChange[]>(`/api/teams/${encodeURIComponent(id)}/history`).catch(() => [] as TeamChange[]);
    box.innerHTML = changes.length ? `<ol class="govuk-list govuk-body-s" reversed>${[...changes].reverse().map((c) => `<li>${esc(c.at.slice(0, 10))}:
        ${esc(c.action)}${c.fields.length && c.action !== 'create' ? ` (${esc(c.fields.join(', '))})` : ''} by ${esc(c.actor)}${c.contribution ? `, from contribution ${esc(c.contribution)}` : ''}${c.source ? `; source: <a class="govuk-link" href="${esc(c.source)}" rel="noopener">${esc(c.source)}</a>` : ''}</li>`).join('')}</ol>`
      : '<p class="govuk-body-s">No changes recorded.</p>';
  }
}
