// Scenario mode: pick districts for a hypothetical team, see before and after; ask the planner.
import { ApiError, sendJson, type PlanResult, type ScenarioResult } from './api';
import { esc, gbp, n0, n1 } from './format';

export interface ScenarioInput { areas: string[]; capacity: number; cost: number }

/** Runs the scenario, reporting the areas of the level on show (the one its areas were picked from). */
export async function runScenario(input: ScenarioInput, level: string): Promise<ScenarioResult> {
  return sendJson<ScenarioResult>('POST', '/api/scenarios', {
    teams: [{ name: 'New team', areas: input.areas, capacity_families_per_year: input.capacity, annual_cost: input.cost }],
    level,
  });
}

export function renderScenario(el: HTMLElement, r: ScenarioResult, names: Map<string, string>, singular: string): void {
  const t = r.totals;
  el.innerHTML = `<div class="govuk-panel govuk-panel--confirmation app-result">
      <h3 class="govuk-panel__title govuk-!-font-size-24">${n1(t.extra_families_covered)} more families a year reached</h3>
      <div class="govuk-panel__body govuk-!-font-size-19">Cost per extra family reached: <strong id="cost-per-family">${gbp(t.cost_per_extra_family_reached)}</strong></div>
    </div>
    <p class="govuk-body">England’s unmet need: ${n0(t.unmet_need_before)} → ${n0(t.unmet_need_after)} families a year, for ${gbp(t.annual_cost_of_new_teams)} a year.</p>
    ${valueForMoney(r.value_for_money)}
    <table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">Areas that change</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">${esc(singular)}</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Unmet before</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Unmet after</th></tr></thead>
      <tbody class="govuk-table__body">${r.areas.map((a) => `<tr class="govuk-table__row"><td class="govuk-table__cell">${esc(names.get(a.code) ?? a.name)}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">${n1(a.unmet_need_before)}</td><td class="govuk-table__cell govuk-table__cell--numeric">${n1(a.unmet_need_after)}</td></tr>`).join('')}</tbody></table>`;
}

/** The indicative benefit side, with its range, labelled as such. */
function valueForMoney(v: ScenarioResult['value_for_money']): string {
  if (!v.benefit_cost_ratio) return '';
  const b = v.benefit_cost_ratio;
  return `<p class="govuk-body" id="value-for-money"><strong class="govuk-tag govuk-tag--yellow">Indicative</strong>
    Lifetime benefit of a year’s families: ${gbp(v.lifetime_benefit.central)} (${gbp(v.lifetime_benefit.low)} to ${gbp(v.lifetime_benefit.high)});
    benefit–cost ratio <span data-field="bcr">${n1(b.central)}</span> (${n1(b.low)} to ${n1(b.high)}), at ${gbp(v.benefit_per_family.central)} per family reached
    (sources: <a class="govuk-link" href="/api/model">the model</a>).</p>`;
}

export function renderScenarioError(el: HTMLElement, e: unknown): void {
  const err = e as ApiError;
  const details = Object.entries(err.errors ?? {}).map(([k, v]) => `<li>${esc(k)}: ${esc(v.join('; '))}</li>`).join('');
  el.innerHTML = `<div class="govuk-error-summary" role="alert"><h3 class="govuk-error-summary__title">The scenario could not run</h3>
    <div class="govuk-error-summary__body"><p class="govuk-body">${esc(err.message)}</p><ul class="govuk-list govuk-error-summary__list">${details}</ul></div></div>`;
}

export async function runPlan(teams: number, deprived: boolean, capacity: number, cost: number): Promise<PlanResult> {
  return sendJson<PlanResult>('POST', '/api/plan', { teams, deprivation_weighted: deprived, capacity_families_per_year: capacity, annual_cost: cost });
}

export function renderPlan(el: HTMLElement, p: PlanResult): void {
  el.innerHTML = `<p class="govuk-body">Together: ${n1(p.extra_families_covered)} more families a year, ${gbp(p.cost_per_family_reached)} per family.</p>
    <ol class="govuk-list govuk-list--number">${p.picks.map((k) => `<li><strong>${esc(k.areas.map((a) => a.name).join(' and '))}</strong> (${esc(k.icb_name)}):
      ${n1(k.extra_families_covered)} families a year. <span class="govuk-body-s">${esc(k.reason)}</span>
      <button class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-small" type="button" data-areas="${esc(k.areas.map((a) => a.code).join(','))}">Try this</button></li>`).join('')}</ol>`;
}
