// The "Area details" panel: figures, teams with sources, vintages, links.
import type { AreaDetail, ScenarioArea } from './api';
import { esc, gbp, longDate, n0, n1, pct } from './format';
import { level as levelOf, teamState } from './metrics';
import { barChart } from './charts';
import { stateTag } from './table';


export function renderPanel(el: HTMLElement, d: AreaDetail, scenario: { area: ScenarioArea; name: string } | null, reportHref: string): void {
  const a = d.area;
  const region = a.parents.find((p) => p.level === 'region');
  const icbs = a.parents.filter((p) => p.level === 'icb');
  const row = (k: string, v: string) =>
    `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${esc(k)}</dt><dd class="govuk-summary-list__value">${v}</dd></div>`;
  // Provision first: the area's team state, then each team serving it with what a commissioner asks about.
  const stateLine = `<p class="govuk-body" data-field="team-state"><strong class="govuk-tag ${stateTag[a.team_state]}">${esc(teamState(a.team_state)?.label ?? a.team_state)}</strong> ${esc(teamState(a.team_state)?.explain ?? '')}.</p>`;
  const statusTag: Record<string, string> = { active: 'govuk-tag--green', in_development: 'govuk-tag--blue', unknown: 'govuk-tag--grey', closed: 'govuk-tag--red' };
  const teamBlock = (t: AreaDetail['teams_serving'][number]) => `<li class="app-team app-team--${esc(t.status)}"><strong>${esc(t.name)}</strong>
        <strong class="govuk-tag app-tag-small ${statusTag[t.status] ?? 'govuk-tag--grey'}">${esc(t.status.replace('_', ' '))}</strong>${t.definition_fit === 'uncertain' ? ' <strong class="govuk-tag app-tag-small govuk-tag--yellow" data-field="definition-flag">May not meet the definition</strong>' : ''}
        <dl class="app-team__facts govuk-body-s">
          <dt>Provider</dt><dd data-field="provider">${esc(t.provider ?? 'not recorded')}</dd>
          <dt>Capacity</dt><dd>${t.capacity_families_per_year != null ? `${n0(t.capacity_families_per_year)} families a year${t.capacity_assumed ? ' (assumed: not published)' : ''}` : 'not published'}</dd>
          ${t.annual_cost_gbp != null ? `<dt>Annual cost</dt><dd>${gbp(t.annual_cost_gbp)}</dd>` : ''}
          <dt>Started</dt><dd>${esc(t.started ?? 'not known')}</dd>
          <dt>Source</dt><dd>${t.source_url ? `<a class="govuk-link" href="${esc(t.source_url)}" rel="noopener">dated ${esc(t.source_date ?? 'unknown')}</a>` : '–'}</dd>
          <dt>Last confirmed</dt><dd>${esc(t.last_confirmed ?? 'never')}${t.needs_reconfirming ? ' <strong class="govuk-tag app-tag-small govuk-tag--orange">Needs re-confirming</strong>' : ''} (checked ${esc(t.last_checked ?? 'never')})</dd>
        </dl>${t.area_note ? `<p class="govuk-body-s">${esc(t.area_note)}</p>` : ''}
        <button type="button" class="govuk-button govuk-button--secondary app-button-small" data-contribute="team_change" data-team-id="${esc(t.id)}">Tell us about ${esc(t.name)}</button></li>`;
  const teams = stateLine + (d.teams_serving.length ? `<ul class="govuk-list app-teams" id="panel-teams">${d.teams_serving.map(teamBlock).join('')}</ul>` : '');
  // Teams in the register here that the figures do not count as serving (in development, of unknown status, closed): the same facts.
  const others = d.other_register_teams.length
    ? `<p class="govuk-body-s">Also in the register here, not counted as serving it:</p><ul class="govuk-list app-teams" id="panel-other-teams">${d.other_register_teams.map(teamBlock).join('')}</ul>` : '';
  const evidence = d.area_evidence.length
    ? `<ul class="govuk-list govuk-body-s">${d.area_evidence.map((e) => e.current
        ? `<li>${e.evidence === 'confirmed_none' ? 'No team' : 'A team is said to exist, unnamed'} (${esc(e.source_date)}): ${esc(e.statement)} <a class="govuk-link" href="${esc(e.source_url)}" rel="noopener">Source</a></li>`
        : `<li>An earlier source (${esc(e.source_date)}) said: ${esc(e.statement)} It is too old to count now. <a class="govuk-link" href="${esc(e.source_url)}" rel="noopener">Source</a></li>`).join('')}</ul>` : '';
  const sa = scenario?.area;
  const scenarioRows = sa
    ? `<div class="govuk-inset-text" id="panel-scenario"><strong>With “${esc(scenario!.name)}”:</strong> unmet need ${sa.unmet_need_after <= sa.unmet_need_before ? 'falls' : 'rises'} from
        <span data-field="unmet-before">${n1(sa.unmet_need_before)}</span> to <span data-field="unmet-after">${n1(sa.unmet_need_after)}</span> families a year
        (${n1(sa.unmet_need_per_1000_births_after)} per 1,000 births).</div>`
    : '';
  // What the area was made of (a board of 1 April 2026), what is inferred, and changes to come, each dated and sourced.
  const history = [
    d.predecessors.length ? `<li id="panel-predecessors">Formed ${d.predecessors[0]!.since ? `on ${esc(longDate(d.predecessors[0]!.since))} ` : ''}from ${d.predecessors.map((p) => `${esc(p.name)} (${pct(p.infants_share)} of this board's infants, mid-2024)`).join(', ')}.</li>` : '',
    a.icb_basis === 'partly_inferred' ? '<li>Its outline is partly inferred: Frimley\'s split by district (455 LSOAs) is not yet read from ONS\'s official April 2026 lookup.</li>' : '',
    ...d.changes.map((ch) => `<li>${esc(longDate(ch.date))} (${esc(ch.status.replace('_', ' '))}): ${esc(ch.says)} <a class="govuk-link" href="${esc(ch.source_url)}" rel="noopener">Source</a> (${esc(ch.source_date)})</li>`),
  ].filter(Boolean).join('');
  const vintage = d.vintage.in_force_from ? ` <span class="govuk-body-s">(${esc(levelOf(a.level).plural)} as of ${esc(longDate(d.vintage.in_force_from))}${d.vintage.derived ? ', from a derived lookup' : ''})</span>` : '';
  const compare = d.compare.map((c) => `${esc(c.name)}: ${n1(c.unmet_need_per_1000_births)} per 1,000 births unmet, coverage ${pct(c.geographic_coverage)}`).join('; ');
  const c = d.commissioning;
  const shares = (xs: typeof c.icbs) => xs.map((x) => `${esc(x.name)}${x.infants_share < 0.9995 ? ` (${pct(x.infants_share)} of infants)` : ''}`).join('; ');
  const who = `<dl class="govuk-summary-list govuk-summary-list--no-border" id="panel-commissioning">
      ${c.icbs.length ? row('ICB', shares(c.icbs)) : ''}
      ${c.sub_icb_locations.length ? row('Sub-ICB location', shares(c.sub_icb_locations)) : ''}
      ${c.upper_tier_councils.length ? row('Upper-tier council', shares(c.upper_tier_councils)) : ''}
      ${a.level !== 'lad' && c.districts.length ? row('Districts', c.districts.map((x) => esc(x.name)).join(', ')) : ''}
      ${row('Start for Life', `<span data-field="start-for-life">${esc(c.start_for_life_text)}</span>`)}
    </dl>
    <ul class="govuk-list govuk-body-s" id="panel-programmes">${c.programmes.map((x) => `<li><strong>${esc(x.programme)}</strong> (from ${esc(x.from)}${x.to ? ` to ${esc(x.to)}` : ''}): ${esc(x.says)}
      <a class="govuk-link" href="${esc(x.source_url)}" rel="noopener">Source</a> (${esc(x.source_date)})</li>`).join('')}</ul>`;
  const similar = d.similar_areas?.length
    ? `${barChart([{ label: a.name, value: a.unmet_need_per_1000_births ?? null, own: true }, ...d.similar_areas.map((x) => ({ label: x.name, value: x.unmet_need_per_1000_births ?? null, own: false }))],
        'unmet families a year per 1,000 births', 'panel-similar-chart')}
      <table class="govuk-table govuk-body-s" id="panel-similar"><caption class="govuk-table__caption govuk-table__caption--s">${esc(a.name)} against its ${d.similar_areas.length} most similar ${esc(levelOf(a.level).plural.toLowerCase())}</caption>
        <thead><tr><th scope="col">Area</th><th scope="col">Unmet per 1,000 births</th><th scope="col">Team state</th></tr></thead>
        <tbody><tr><th scope="row">${esc(a.name)}</th><td>${n1(a.unmet_need_per_1000_births)}</td><td>${esc(teamState(a.team_state)?.label ?? a.team_state)}</td></tr>
        ${d.similar_areas.map((x) => `<tr><th scope="row">${esc(x.name)}</th><td>${n1(x.unmet_need_per_1000_births)}</td><td>${esc(teamState(x.team_state)?.label ?? x.team_state)}</td></tr>`).join('')}</tbody></table>`
    : '';
  const t = d.trends;
  const cp = t.child_poverty_before_housing_costs ?? [];
  const trends = `<ul class="govuk-list govuk-body-s" id="panel-trends">
      <li>Births (age 0): ${n0(t.births.mid2020)} (mid-2020) → ${n0(t.births.mid2024)} (mid-2024)</li>
      <li>Infants in the 20% most deprived LSOAs: ${pct(t.deprivation.share_infants_deciles_1_2_imd2019)} (IMD 2019) → ${pct(t.deprivation.share_infants_deciles_1_2_iod2025)} (IoD 2025)</li>
      ${cp.length > 1 ? `<li>Children in low income families: ${n1(cp[0]!.percent)}% (FYE ${cp[0]!.fye}) → ${n1(cp[cp.length - 1]!.percent)}% (FYE ${cp[cp.length - 1]!.fye})</li>` : ''}
      ${t.teams.map((e) => `<li>${esc(e.team_name)} ${esc(e.event)} ${esc(e.date)}</li>`).join('')}
    </ul>`;
  // ONS publishes no LSOA count of infants after mid-2020: an LSOA's are estimated (docs/model.md).
  const estimated = a.level === 'lsoa' ? ' <span class="govuk-body-s">(estimated)</span>' : '';
  el.innerHTML = `
    <h2 class="govuk-heading-m" id="panel-title">${esc(a.name)}</h2>
    <p class="govuk-caption-m">${esc(a.code)}${vintage}${region ? ` · ${esc(region.name)}` : ''}${icbs.length ? ` · ${icbs.map((i) => `${esc(i.name)}${icbs.length > 1 ? ` (${pct(i.infants_share)} of infants)` : ''}`).join(', ')}` : ''}</p>
    ${history ? `<ul class="govuk-list govuk-body-s" id="panel-history">${history}</ul>` : ''}
    <h3 class="govuk-heading-s">Teams</h3>
    ${teams}${others}${evidence}
    <p class="govuk-body-s"><button type="button" class="govuk-button govuk-button--secondary app-button-small" id="panel-contribute" data-contribute="${d.teams_serving.length ? 'new_team' : 'area_evidence'}" data-area-code="${esc(a.code)}" data-area-name="${esc(a.name)}">Tell us about provision here</button>
      Know of a team here, or that one has closed? Tell us, with the page that says it.</p>
    ${scenarioRows}
    <dl class="govuk-summary-list govuk-summary-list--no-border">
      ${row('Unmet need', `<span data-field="unmet">${n1(a.unmet_need)}</span> families a year (${n1(a.unmet_need_per_1000_births)} per 1,000 births; <span data-field="unmet-range">${n0(a.unmet_need_low)} to ${n0(a.unmet_need_high)}</span> if need is 8% to 15% of births nationally)`)}
      ${row('Rank', `${n0(a.gap_rank)} of the ${n0(levelOf(a.level).count)} ${esc(levelOf(a.level).plural.toLowerCase())} by unmet need`)}
      ${row('Need', `${n1(a.need_families_per_year)} families a year (${n0(a.need_low)} to ${n0(a.need_high)}): ${n1(a.births_proxy > 0 ? a.need_families_per_year / a.births_proxy * 1000 : NaN)} per 1,000 births, rising with income deprivation (<a class="govuk-link" href="/api/model">the model</a>)`)}
      ${row('Covered', `${n1(a.covered_need)} families a year (capacity ${n1(a.capacity_families_per_year)})`)}
      ${row('Geographic coverage', pct(a.geographic_coverage))}
      ${row('Infants under 2', `${n0(a.infants_under_2)}${estimated}`)}
      ${row('Births (age 0)', `${n0(a.births_proxy)}${estimated}`)}
      ${a.deprivation ? row('Infants in the 20% most deprived LSOAs', pct(a.deprivation.share_infants_deciles_1_2)) : ''}
      ${a.deprivation?.mean_imd_score != null ? row('Mean IMD score', n1(a.deprivation.mean_imd_score)) : ''}
      ${a.child_poverty?.before_housing_costs_percent != null ? row(`Children in low income families (FYE ${esc(String(a.child_poverty.fye))})`, `${n1(a.child_poverty.before_housing_costs_percent)}% before housing costs${a.child_poverty.after_housing_costs_percent != null ? `, ${n1(a.child_poverty.after_housing_costs_percent)}% after` : ''}`) : ''}
    </dl>
    ${a.team_state_shares.not_known > 0 && a.team_state_shares.not_known < 1 ? `<p class="govuk-body-s">${pct(a.team_state_shares.not_known)} of infants here live where nothing is known about a team.</p>` : ''}
    <h3 class="govuk-heading-s">Who commissions here</h3>
    ${who}
    <h3 class="govuk-heading-s">Compared with</h3>
    <p class="govuk-body-s">${compare || '–'}</p>
    ${similar}
    <h3 class="govuk-heading-s">Trends</h3>
    ${trends}
    <h3 class="govuk-heading-s">Data</h3>
    <ul class="govuk-list govuk-body-s">${d.sources.map((s) => `<li>${esc(s)}</li>`).join('')}<li>Data version ${d.data_version}</li></ul>
    <p class="govuk-body-s">
      ${levelOf(a.level).reports ? `<a class="govuk-link" id="panel-report" href="${esc(reportHref)}">Download the case (PDF)</a> ·` : ''}
      <a class="govuk-link" href="/maps/${esc(a.level)}/${esc(a.code)}.png">Map for a board paper (PNG)</a> ·
      <a class="govuk-link" href="/api/areas?level=${esc(a.level)}&amp;within=${esc(a.code)}&amp;format=csv">Figures (CSV)</a>
    </p>`;
}
