// "Tell us about provision here": anyone can tell the register about a team, a change to one, or
// what is known about an area, with the page that says it. It waits for a key holder's review.
import { ApiError, sendJson, type ContributionReceipt, type Team } from './api';
import { esc } from './format';

export interface ContributionContext {
  kind?: 'new_team' | 'team_change' | 'area_evidence';
  teamId?: string;
  areaCode?: string;
  areaName?: string;
}

const statuses = [['active', 'Running: taking referrals'], ['in_development', 'Being set up or commissioned'], ['closed', 'Closed'], ['unknown', 'Not sure it still runs']];

function input(id: string, label: string, hint = '', type = 'text', width = 'govuk-input--width-20', value = ''): string {
  return `<div class="govuk-form-group" data-group="${id}"><label class="govuk-label" for="c-${id}">${esc(label)}</label>
    ${hint ? `<div class="govuk-hint" id="c-${id}-hint">${esc(hint)}</div>` : ''}
    <p class="govuk-error-message" id="c-${id}-error" hidden></p>
    <input class="govuk-input ${width}" id="c-${id}" name="${id}" type="${type}" value="${esc(value)}" aria-describedby="${hint ? `c-${id}-hint ` : ''}c-${id}-error"></div>`;
}

function dialog(): HTMLDialogElement {
  let d = document.getElementById('contribute-dialog') as HTMLDialogElement | null;
  if (!d) {
    d = document.createElement('dialog');
    d.id = 'contribute-dialog';
    d.className = 'app-dialog';
    d.setAttribute('aria-labelledby', 'contribute-title');
    document.body.append(d);
  }
  return d;
}

/** Opens the form, prefilled for an area or a team; teams: the register, for choosing the team a change is about. */
export function openContribution(ctx: ContributionContext, teams: Team[]): void {
  const d = dialog();
  const kind = ctx.kind ?? (ctx.teamId ? 'team_change' : 'new_team');
  const place = ctx.areaName ? ` about ${ctx.areaName}` : '';
  d.innerHTML = `
    <form method="dialog" class="app-dialog__form" novalidate>
      <h2 class="govuk-heading-m" id="contribute-title">Tell us about provision${esc(place)}</h2>
      <p class="govuk-body-s">What you send is checked by the people who keep the register before it changes anything. Give the page that says it, or say that you speak for the service.</p>
      <div class="govuk-error-summary" id="c-summary" tabindex="-1" hidden><h3 class="govuk-error-summary__title">There is a problem</h3><ul class="govuk-list govuk-error-summary__list" id="c-summary-list"></ul></div>
      <div class="govuk-form-group" data-group="kind"><fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">What are you telling us?</legend>
        <p class="govuk-error-message" id="c-kind-error" hidden></p>
        <div class="govuk-radios govuk-radios--small">
          ${[['new_team', 'A team that is not in the register'], ['team_change', 'A change to a team in the register'], ['area_evidence', 'That an area has no team, or that one exists without a name']]
            .map(([v, l]) => `<div class="govuk-radios__item"><input class="govuk-radios__input" id="c-kind-${v}" name="kind" type="radio" value="${v}"${v === kind ? ' checked' : ''}>
              <label class="govuk-label govuk-radios__label" for="c-kind-${v}">${esc(l!)}</label></div>`).join('')}
        </div></fieldset></div>
      <div data-for="team_change">
        <div class="govuk-form-group" data-group="team_id"><label class="govuk-label" for="c-team_id">Team</label>
          <p class="govuk-error-message" id="c-team_id-error" hidden></p>
          <select class="govuk-select" id="c-team_id" aria-describedby="c-team_id-error">${teams.map((t) => `<option value="${esc(t.id)}"${t.id === ctx.teamId ? ' selected' : ''}>${esc(t.name)}</option>`).join('')}</select></div>
        <p class="govuk-body-s">Fill in only what changes.</p>
      </div>
      <div data-for="new_team">${input('team.name', 'Name of the team')}</div>
      <div data-for="new_team team_change">
        <div class="govuk-form-group" data-group="team.status"><label class="govuk-label" for="c-team.status">Status</label>
          <p class="govuk-error-message" id="c-team.status-error" hidden></p>
          <select class="govuk-select" id="c-team.status" aria-describedby="c-team.status-error"><option value="">${kind === 'team_change' ? 'No change' : 'Choose'}</option>
            ${statuses.map(([v, l]) => `<option value="${v}">${esc(l!)}</option>`).join('')}</select></div>
        ${input('team.service_areas', 'Areas it takes referrals from (codes of districts, councils, wards or LSOAs)', 'Separated by spaces, for example E08000024', 'text', 'govuk-input--width-30', kind === 'new_team' && ctx.areaCode ? ctx.areaCode : '')}
        ${input('team.provider', 'Provider (who runs it)')}
        ${input('team.started', 'Started', 'yyyy, yyyy-mm or yyyy-mm-dd', 'text', 'govuk-input--width-10')}
        ${input('team.ended', 'Ended (only if it has closed)', 'yyyy, yyyy-mm or yyyy-mm-dd', 'text', 'govuk-input--width-10')}
        ${input('team.capacity_families_per_year', 'Families a year it can see', 'Only if the page publishes it', 'text', 'govuk-input--width-5')}
        ${input('team.annual_cost_gbp', 'Annual cost (£)', 'Only if the page publishes it', 'text', 'govuk-input--width-10')}
      </div>
      <div data-for="area_evidence">
        ${input('evidence.area_code', 'Area code', ctx.areaName ? `${ctx.areaName}` : 'A district, council, ward, LSOA, sub-ICB location or ICB', 'text', 'govuk-input--width-10', ctx.areaCode ?? '')}
        <div class="govuk-form-group" data-group="evidence.evidence"><label class="govuk-label" for="c-evidence.evidence">What the source says</label>
          <p class="govuk-error-message" id="c-evidence.evidence-error" hidden></p>
          <select class="govuk-select" id="c-evidence.evidence" aria-describedby="c-evidence.evidence-error"><option value="confirmed_none">There is no specialised parent-infant team here</option>
            <option value="team_claimed_unnamed">There is a team here, but it is not named</option></select></div>
        <div class="govuk-form-group" data-group="evidence.statement"><label class="govuk-label" for="c-evidence.statement">In your words, what it says</label>
          <p class="govuk-error-message" id="c-evidence.statement-error" hidden></p>
          <textarea class="govuk-textarea" id="c-evidence.statement" rows="3" aria-describedby="c-evidence.statement-error"></textarea></div>
      </div>
      ${input('source_url', 'The page that says this', 'The specific page, not a home page', 'url', 'govuk-input--width-30')}
      ${input('source_date', 'When the page said it', 'yyyy, yyyy-mm or yyyy-mm-dd, if the page is dated', 'text', 'govuk-input--width-10')}
      <div class="govuk-form-group" data-group="speaks_for_service"><div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="c-speaks_for_service" type="checkbox"><label class="govuk-label govuk-checkboxes__label" for="c-speaks_for_service">I speak for the service (no page needed)</label></div></div></div>
      ${input('role', 'Your role in the service', 'For example: clinical lead', 'text', 'govuk-input--width-20')}
      <div class="govuk-form-group" data-group="comment"><label class="govuk-label" for="c-comment">Anything else (optional)</label>
        <p class="govuk-error-message" id="c-comment-error" hidden></p><textarea class="govuk-textarea" id="c-comment" rows="2"></textarea></div>
      ${input('contact', 'Your email or phone (optional)', 'Only the register’s keepers see it, to ask you a question; never published', 'text', 'govuk-input--width-20')}
      <div class="govuk-button-group">
        <button class="govuk-button" type="button" id="c-send">Send for review</button>
        <button class="govuk-button govuk-button--secondary" type="button" id="c-close">Close</button>
      </div>
      <div id="c-result" role="status"></div>
    </form>`;
  const $ = <T extends HTMLElement>(id: string) => d.querySelector<T>(`#${CSS.escape(id)}`)!;
  const chosenKind = () => (d.querySelector('input[name="kind"]:checked') as HTMLInputElement).value;
  const showKind = () => d.querySelectorAll<HTMLElement>('[data-for]').forEach((el) => { el.hidden = !el.dataset.for!.split(' ').includes(chosenKind()); });
  d.querySelectorAll('input[name="kind"]').forEach((r) => r.addEventListener('change', showKind));
  showKind();
  $('c-close').addEventListener('click', () => d.close());
  $('c-send').addEventListener('click', () => void send());
  if (!d.open) d.showModal();
  $<HTMLInputElement>(`c-kind-${kind}`).focus();

  async function send(): Promise<void> {
    const v = (id: string) => ($<HTMLInputElement>(`c-${id}`).value ?? '').trim();
    const num = (id: string) => (v(id) === '' ? undefined : Number(v(id)));
    const k = chosenKind();
    const team: Record<string, unknown> = {};
    const put = (name: string, value: unknown) => { if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) team[name] = value; };
    if (k !== 'area_evidence') {
      put('name', k === 'new_team' ? v('team.name') : undefined);
      put('status', v('team.status'));
      put('service_areas', v('team.service_areas').split(/[\s,;]+/).filter(Boolean));
      put('provider', v('team.provider'));
      put('started', v('team.started'));
      put('ended', v('team.ended'));
      put('capacity_families_per_year', num('team.capacity_families_per_year'));
      put('annual_cost_gbp', num('team.annual_cost_gbp'));
    }
    const speaks = $<HTMLInputElement>('c-speaks_for_service').checked;
    const body = {
      kind: k,
      team_id: k === 'team_change' ? v('team_id') : undefined,
      team: k === 'area_evidence' ? undefined : team,
      evidence: k === 'area_evidence' ? { area_code: v('evidence.area_code'), evidence: v('evidence.evidence'), statement: v('evidence.statement') } : undefined,
      source_url: v('source_url') || undefined,
      source_date: v('source_date') || undefined,
      speaks_for_service: speaks || undefined,
      role: v('role') || undefined,
      comment: v('comment') || undefined,
      contact: v('contact') || undefined,
    };
    d.querySelectorAll<HTMLElement>('.govuk-error-message').forEach((e) => { e.hidden = true; e.closest('.govuk-form-group')?.classList.remove('govuk-form-group--error'); });
    const summary = $('c-summary');
    summary.hidden = true;
    const result = $('c-result');
    try {
      const r = await sendJson<ContributionReceipt>('POST', '/api/contributions', body);
      result.innerHTML = `<div class="govuk-panel govuk-panel--confirmation app-panel-small" tabindex="-1"><h3 class="govuk-panel__title">Sent: ${esc(r.ref)}</h3>
        <div class="govuk-panel__body">It waits for review and changes nothing until it is accepted. <a class="govuk-link" href="${esc(r.url)}">Follow ${esc(r.ref)}</a>.</div></div>`;
      $('c-send').setAttribute('disabled', '');
      result.querySelector<HTMLElement>('.govuk-panel')!.focus();
    } catch (e) {
      const err = e as ApiError;
      const items: string[] = [];
      for (const [name, messages] of Object.entries(err.errors ?? {})) {
        const box = d.querySelector<HTMLElement>(`#${CSS.escape(`c-${name}-error`)}`);
        const text = `${name.replace(/^(team|evidence)\./, '').replace(/_/g, ' ')} ${messages.join('; ')}`;
        if (box) {
          box.hidden = false;
          box.innerHTML = `<span class="govuk-visually-hidden">Error:</span> ${esc(messages.join('; '))}`;
          box.closest('.govuk-form-group')?.classList.add('govuk-form-group--error');
          items.push(`<li><a href="#${esc(`c-${name}`)}">${esc(text)}</a></li>`);
        } else items.push(`<li>${esc(text)}</li>`);
      }
      $('c-summary-list').innerHTML = items.join('') || `<li>${esc(err.status === 429 ? `${err.message}` : err.message)}</li>`;
      summary.hidden = false;
      summary.focus();
    }
  }
}
