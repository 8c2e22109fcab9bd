// The Teams view: every row of the register, with its status, area, provider, source and the date
// it was last verified; filterable; choosing one shows its area on the map.
import type { Team } from './api';
import { esc } from './format';

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

  constructor(private readonly el: HTMLElement, private readonly areaName: (code: string) => string, private readonly onChoose: (t: Team) => void) {}

  setTeams(teams: Team[]): void {
    this.teams = [...teams].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'en-GB'));
    this.render();
  }

  private areas(t: Team): string { return (t.service_areas ?? []).map((c) => this.areaName(c)).join(', '); }

  visible(): Team[] {
    const q = this.text.toLowerCase();
    return this.teams.filter((t) => (!this.status || t.status === this.status)
      && (!q || [t.name, t.provider, t.id, this.areas(t), t.area_note].some((x) => (x ?? '').toLowerCase().includes(q))));
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
      </div>
      <p class="govuk-body-s" id="teams-count" aria-live="polite"></p>
      <div class="app-table__scroll">
        <table class="govuk-table app-table" id="teams-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Teams in the register (${esc(counts)}); choose a row to show its area on the map</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Team</th><th scope="col" class="govuk-table__header">Status</th>
            <th scope="col" class="govuk-table__header">Area</th><th scope="col" class="govuk-table__header">Provider</th>
            <th scope="col" class="govuk-table__header">Source</th><th scope="col" class="govuk-table__header">Last verified</th></tr></thead>
          <tbody class="govuk-table__body" id="teams-body"></tbody>
        </table>
      </div>`;
    this.el.querySelector('#teams-status')!.addEventListener('change', (e) => { this.status = (e.target as HTMLSelectElement).value; this.renderRows(); });
    this.el.querySelector('#teams-text')!.addEventListener('input', (e) => { this.text = (e.target as HTMLInputElement).value.trim(); this.renderRows(); });
    const body = this.el.querySelector<HTMLElement>('#teams-body')!;
    const choose = (row: Element) => {
      const t = this.teams.find((x) => x.id === row.getAttribute('data-team'));
      if (t) { this.selected = t.id; this.renderRows(); this.onChoose(t); }
    };
    body.addEventListener('click', (e) => { const row = (e.target as HTMLElement).closest('tr[data-team]'); if (row && !(e.target as HTMLElement).closest('a')) choose(row); });
    this.renderRows();
  }

  private renderRows(): void {
    const focused = (document.activeElement as HTMLElement | null)?.closest?.('tr[data-team]')?.getAttribute('data-team');
    const rows = this.visible();
    this.el.querySelector('#teams-count')!.textContent = `${rows.length} of the register's ${this.teams.length} teams.`;
    this.el.querySelector('#teams-body')!.innerHTML = rows.map((t) => {
      const s = statuses[t.status ?? ''] ?? { label: t.status ?? '–', tag: 'govuk-tag--grey' };
      const uncertain = t.definition_fit === 'uncertain' ? ' <strong class="govuk-tag govuk-tag--yellow">May not meet the definition</strong>' : '';
      return `<tr class="govuk-table__row${t.id === this.selected ? ' app-selected' : ''}" data-team="${esc(t.id)}"${t.id === this.selected ? ' aria-current="true"' : ''}>
        <td class="govuk-table__cell"><button type="button" class="app-row-button" data-select><strong>${esc(t.name)}</strong></button>${uncertain}</td>
        <td class="govuk-table__cell" data-field="status"><strong class="govuk-tag ${s.tag}">${esc(s.label)}</strong>${t.ended ? ` <span class="govuk-body-s">ended ${esc(String(t.ended))}</span>` : ''}</td>
        <td class="govuk-table__cell">${esc(this.areas(t)) || '–'}</td>
        <td class="govuk-table__cell">${esc(t.provider ?? 'not recorded')}</td>
        <td class="govuk-table__cell">${t.source_url ? `<a class="govuk-link" href="${esc(t.source_url)}" rel="noopener">Source<span class="govuk-visually-hidden"> for ${esc(t.name)}</span></a>` : '–'}${t.source_date ? ` (${esc(String(t.source_date))})` : ''}</td>
        <td class="govuk-table__cell">${esc(t.last_verified ? String(t.last_verified) : 'never')}</td></tr>`;
    }).join('');
    if (focused) this.el.querySelector<HTMLElement>(`tr[data-team="${CSS.escape(focused)}"] [data-select]`)?.focus({ preventScroll: true });
  }
}
