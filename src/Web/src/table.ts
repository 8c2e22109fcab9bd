// The ranked table of the level's areas: filter by a parent area and by what is known about teams, sort, select, download.
import type { Area, Level } from './api';
import { esc, n0, n1, pct } from './format';
import { teamState } from './metrics';

export const stateTag: Record<string, string> = { served: 'govuk-tag--green', in_development: 'govuk-tag--blue', confirmed_none: 'govuk-tag--red', not_known: 'govuk-tag--grey' };

interface Column { key: string; label: string; title?: string; value: (a: Area) => number | string; show: (a: Area) => string; numeric: boolean }

const stateLabel = (a: Area) => `<strong class="govuk-tag app-tag-small ${stateTag[a.team_state] ?? 'govuk-tag--grey'}">${esc(teamState(a.team_state)?.label ?? a.team_state)}</strong>`;

/** What the table and its CSV say, with units; the first line of the CSV names what was shown. */
export interface TableContext { levelPlural: string; filterName: string | null; model: string; dataVersion: number }

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
  private context: TableContext = { levelPlural: 'districts', filterName: null, model: '', dataVersion: 0 };

  /** The share of an area's infants inside the filter's area (1 when wholly inside, or with no filter). */
  private share(a: Area): number {
    if (!this.filter) return 1;
    return a.parents.find((p) => p.code === this.filter)?.infants_share ?? 1;
  }

  private readonly columns: Column[] = [
    { key: 'gap_rank', label: 'Rank', title: 'Rank by unmet need among all areas of this level (1 = most)', value: (a) => a.gap_rank, show: (a) => n0(a.gap_rank), numeric: true },
    { key: 'name', label: 'Area', value: (a) => a.name, numeric: false,
      show: (a) => {
        const share = this.share(a);
        const partial = share < 0.9995 ? ` <span class="govuk-body-s app-partial">partly inside: ${pct(share)} of its infants</span>` : '';
        const teams = a.teams.length ? `<span class="govuk-body-s app-cell-note">${esc(a.teams.map((t) => t.name).join(', '))}</span>` : '';
        return `<button type="button" class="app-row-button" data-select>${esc(a.name)}</button> ${stateLabel(a)}${partial}${teams}`;
      } },
    { key: 'unmet_need', label: 'Unmet need (families a year)', value: (a) => a.unmet_need, show: (a) => n1(a.unmet_need), numeric: true },
    { key: 'unmet_need_per_1000_births', label: 'Unmet need per 1,000 births', value: (a) => a.unmet_need_per_1000_births ?? 0, show: (a) => n1(a.unmet_need_per_1000_births), numeric: true },
    { key: 'geographic_coverage', label: 'Infants where a team takes referrals (%)', title: 'Coverage: the share of the area\'s infants living where a register team takes referrals', value: (a) => a.geographic_coverage, show: (a) => pct(a.geographic_coverage), numeric: true },
  ];

  setContext(context: TableContext): void { this.context = context; this.render(); }

  setLevel(level: Level): void { this.nameLabel = level.singular; this.plural = level.plural.toLowerCase(); }
  setAreas(areas: Area[]): void { this.areas = areas; this.render(); }
  setFilter(code: string): void { this.filter = code; this.render(); }
  setStateFilter(state: string): void { this.state = state; this.render(); }
  setSelected(code: string | null): void { this.selected = code; this.render(); }
  setScenario(after: Map<string, number>): void { this.after = after; this.render(); }

  visible(): Area[] {
    const rows = this.areas.filter((a) => (!this.filter || a.parents.some((p) => p.code === this.filter)) && (!this.state || a.team_state === this.state));
    const col = this.columns.find((c) => c.key === this.sortKey)!;
    rows.sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return this.ascending ? cmp : -cmp;
    });
    return rows;
  }

  private render(): void {
    const withAfter = this.after.size > 0;
    this.head.innerHTML = this.columns.map((c) => {
      const sort = c.key === this.sortKey ? (this.ascending ? 'ascending' : 'descending') : 'none';
      return `<th scope="col" class="govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}" aria-sort="${sort}"${c.title ? ` title="${esc(c.title)}"` : ''}>
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
    this.body.innerHTML = rows.map((a) => `<tr class="govuk-table__row${a.code === this.selected ? ' app-selected' : ''}" data-code="${esc(a.code)}"${a.code === this.selected ? ' aria-current="true"' : ''}>${this.columns.map((c) => `<td class="govuk-table__cell${c.numeric ? ' govuk-table__cell--numeric' : ''}">${c.show(a)}</td>`).join('')}
        ${withAfter ? `<td class="govuk-table__cell govuk-table__cell--numeric" data-field="after">${this.after.has(a.code) ? n1(this.after.get(a.code)!) : ''}</td>` : ''}</tr>`).join('');
    // Inside a parent area, an area partly inside counts by its share of infants.
    const weighted = (f: (a: Area) => number) => rows.reduce((sum, a) => sum + f(a) * this.share(a), 0);
    const partial = rows.filter((a) => this.share(a) < 0.9995).length;
    this.count.textContent = `${rows.length} of ${this.areas.length} ${this.plural}. Unmet need ${n0(weighted((a) => a.unmet_need))} families a year` +
      `${partial ? ` (${partial} partly inside ${this.context.filterName ?? 'the area'}, counted by their share of its infants)` : ''}.`;
    const q = (x: string) => `"${x.replace(/"/g, '""')}"`;
    const c = this.context;
    const csv = [
      q(`Cradle: ${c.levelPlural}${c.filterName ? ` in ${c.filterName}` : ' in England'}${this.state ? `, team state ${this.state.replace(/_/g, ' ')}` : ''}; need model ${c.model}; data version ${c.dataVersion}; families a year are estimates`),
      [this.nameLabel + ' code', this.nameLabel, 'Rank by unmet need', 'Unmet need (families a year)', 'Unmet need per 1,000 births', 'Need (families a year)',
        'Capacity (families a year)', 'Infants where a team takes referrals (%)', 'Team state', 'Teams', 'Share of infants inside the filter area (%)'].map(q).join(','),
      ...rows.map((a) => [a.code, q(a.name), a.gap_rank, a.unmet_need, a.unmet_need_per_1000_births ?? '', a.need_families_per_year, a.capacity_families_per_year,
        Math.round(a.geographic_coverage * 1000) / 10, q(teamState(a.team_state)?.label ?? a.team_state), q(a.teams.map((t) => t.name).join('; ')),
        Math.round(this.share(a) * 1000) / 10].join(',')),
    ].join('\r\n');
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
