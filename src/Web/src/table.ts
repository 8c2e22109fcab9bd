// The ranked table of the level's areas: filter by a parent area and by what is known about teams, sort, select, download.
import type { Area, Level } from './api';
import { esc, n0, n1, pct } from './format';
import { teamState } from './metrics';

export const stateTag: Record<string, string> = { served: 'govuk-tag--green', in_development: 'govuk-tag--blue', confirmed_none: 'govuk-tag--red', not_known: 'govuk-tag--grey' };

interface Column { key: string; label: string; value: (a: Area) => number | string; show: (a: Area) => string; numeric: boolean }

const columns: Column[] = [
  { key: 'gap_rank', label: 'Rank', value: (a) => a.gap_rank, show: (a) => n0(a.gap_rank), numeric: true },
  { key: 'name', label: 'Area', value: (a) => a.name, show: (a) => `<button type="button" class="app-row-button" data-select>${esc(a.name)}</button>`, numeric: false },
  { key: 'unmet_need', label: 'Unmet need (families a year)', value: (a) => a.unmet_need, show: (a) => n1(a.unmet_need), numeric: true },
  { key: 'unmet_need_per_1000_births', label: 'Unmet per 1,000 births', value: (a) => a.unmet_need_per_1000_births ?? 0, show: (a) => n1(a.unmet_need_per_1000_births), numeric: true },
  { key: 'geographic_coverage', label: 'Coverage', value: (a) => a.geographic_coverage, show: (a) => pct(a.geographic_coverage), numeric: true },
  { key: 'teams', label: 'Teams', value: (a) => `${a.team_state} ${a.teams.map((t) => t.name).join(', ')}`, show: (a) => (a.teams.length ? esc(a.teams.map((t) => t.name).join(', ')) : `<strong class="govuk-tag ${stateTag[a.team_state] ?? 'govuk-tag--grey'}">${esc(teamState(a.team_state)?.label ?? a.team_state)}</strong>`), numeric: false },
];

export class RankedTable {
  private areas: Area[] = [];
  private sortKey = 'gap_rank';
  private ascending = true;
  private filter = '';
  private state = '';
  private selected: string | null = null;
  private after = new Map<string, number>();

  constructor(
    private readonly head: HTMLElement,
    private readonly body: HTMLElement,
    private readonly download: HTMLAnchorElement,
    private readonly count: HTMLElement,
    private readonly onSelect: (code: string) => void,
  ) {
    body.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('tr[data-code]');
      if (row && !(e.target as HTMLElement).closest('a')) onSelect(row.getAttribute('data-code')!);
    });
  }

  private nameLabel = 'District';
  private plural = 'districts';

  setLevel(level: Level): void { this.nameLabel = level.singular; this.plural = level.plural.toLowerCase(); }
  setAreas(areas: Area[]): void { this.areas = areas; this.render(); }
  setFilter(code: string): void { this.filter = code; this.render(); }
  setStateFilter(state: string): void { this.state = state; this.render(); }
  setSelected(code: string | null): void { this.selected = code; this.render(); }
  setScenario(after: Map<string, number>): void { this.after = after; this.render(); }

  visible(): Area[] {
    const rows = this.areas.filter((a) => (!this.filter || a.parents.some((p) => p.code === this.filter)) && (!this.state || a.team_state === this.state));
    const col = columns.find((c) => c.key === this.sortKey)!;
    rows.sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return this.ascending ? cmp : -cmp;
    });
    return rows;
  }

  private render(): void {
    const withAfter = this.after.size > 0;
    this.head.innerHTML = columns.map((c) => {
      const sort = c.key === this.sortKey ? (this.ascending ? 'ascending' : 'descending') : 'none';
      return `<th scope="col" class="govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}" aria-sort="${sort}">
        <button type="button" class="app-sort" data-key="${c.key}">${esc(c.key === 'name' ? this.nameLabel : c.label)}${sort === 'none' ? '' : `<span aria-hidden="true">${sort === 'ascending' ? ' ▲' : ' ▼'}</span>`}</button></th>`;
    }).join('') + (withAfter ? '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Unmet with scenario</th>' : '');
    this.head.querySelectorAll<HTMLButtonElement>('button.app-sort').forEach((b) =>
      b.addEventListener('click', () => {
        const key = b.dataset.key!;
        this.ascending = key === this.sortKey ? !this.ascending : key === 'gap_rank' || key === 'name';
        this.sortKey = key;
        this.render();
        this.head.querySelector<HTMLButtonElement>(`button[data-key="${key}"]`)?.focus();
      }));
    // The row the keyboard is on, to be on again after the rows are rebuilt.
    const focused = (document.activeElement as HTMLElement | null)?.closest?.('tr[data-code]')?.getAttribute('data-code');
    const rows = this.visible();
    this.count.textContent = `${rows.length} of ${this.areas.length} ${this.plural}.`;
    this.body.innerHTML = rows.map((a) => `<tr class="govuk-table__row${a.code === this.selected ? ' app-selected' : ''}" data-code="${esc(a.code)}"${a.code === this.selected ? ' aria-current="true"' : ''}>${columns.map((c) => `<td class="govuk-table__cell${c.numeric ? ' govuk-table__cell--numeric' : ''}">${c.show(a)}</td>`).join('')}
        ${withAfter ? `<td class="govuk-table__cell govuk-table__cell--numeric" data-field="after">${this.after.has(a.code) ? n1(this.after.get(a.code)!) : ''}</td>` : ''}</tr>`).join('');
    const csv = ['code,name,gap_rank,unmet_need,unmet_need_per_1000_births,geographic_coverage,team_state,teams',
      ...rows.map((a) => [a.code, `"${a.name.replace(/"/g, '""')}"`, a.gap_rank, a.unmet_need, a.unmet_need_per_1000_births ?? '', a.geographic_coverage, a.team_state, `"${a.teams.map((t) => t.id).join(';')}"`].join(','))].join('\r\n');
    if (focused) this.body.querySelector<HTMLElement>(`tr[data-code="${CSS.escape(focused)}"] [data-select]`)?.focus({ preventScroll: true });
    URL.revokeObjectURL(this.download.href);
    this.download.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    // Bring the selected row into view inside the table's own scroll box, never scrolling the page.
    const row = this.selectedRow();
    const box = this.body.closest<HTMLElement>('.app-table__scroll');
    if (row && box && (row.offsetTop < box.scrollTop || row.offsetTop > box.scrollTop + box.clientHeight - row.offsetHeight))
      box.scrollTop = row.offsetTop - box.clientHeight / 2;
  }

  selectedRow(): HTMLElement | null { return this.body.querySelector('tr.app-selected'); }
}
