// Register editing for key holders: sign in with an API key, review contributions, change a team,
// see the API's validation next to the fields.
import { ApiError, getJson, sendJson, type Team, type TeamList } from './api';
import { esc } from './format';

const KEY = 'cradle.apiKey';

export async function renderRegister(el: HTMLElement, onChanged: () => void, chosen?: string): Promise<void> {
  const key = sessionStorage.getItem(KEY);
  if (!key) {
    el.innerHTML = `<p class="govuk-body">Editing needs an API key (ask whoever runs Cradle; <code>make key NAME=you</code> makes one).</p>
      <div class="govuk-form-group"><label class="govuk-label" for="api-key">API key</label>
      <input class="govuk-input govuk-input--width-30" id="api-key" type="password" autocomplete="off"></div>
      <button class="govuk-button govuk-button--secondary" id="sign-in" type="button">Sign in to edit</button>`;
    el.querySelector('#sign-in')!.addEventListener('click', () => {
      const value = (el.querySelector('#api-key') as HTMLInputElement).value.trim();
      if (value) { sessionStorage.setItem(KEY, value); void renderRegister(el, onChanged); }
    });
    return;
  }
  const list = await getJson<TeamList>('/api/teams');
  el.innerHTML = `<div id="review"></div>
    <h3 class="govuk-heading-s">Change a team</h3>
    <div class="govuk-form-group"><label class="govuk-label" for="team-pick">Team</label>
      <select class="govuk-select" id="team-pick">${list.teams.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join('')}</select></div>
    <div id="team-form"></div>
    <button class="govuk-button govuk-button--secondary" id="sign-out" type="button">Sign out</button>`;
  void import('./review').then((m) => m.renderReview(el.querySelector('#review')!, key, () => { onChanged(); }));
  el.querySelector('#sign-out')!.addEventListener('click', () => { sessionStorage.removeItem(KEY); void renderRegister(el, onChanged); });
  const pick = el.querySelector('#team-pick') as HTMLSelectElement;
  if (chosen && list.teams.some((t) => t.id === chosen)) pick.value = chosen;
  const form = el.querySelector('#team-form') as HTMLElement;
  // After a save the register is read again, so the form never holds stale values.
  const saved = () => { onChanged(); void renderRegister(el, onChanged, pick.value).then(() => {
    el.querySelector('#team-saved')!.innerHTML = '<p class="govuk-body govuk-!-font-weight-bold">Saved. Every figure now uses the change.</p>';
  }); };
  const show = () => renderForm(form, list.teams.find((t) => t.id === pick.value)!, list.data_version, key, saved);
  pick.addEventListener('change', show);
  show();
}

function field(id: string, label: string, value: string, type = 'text', width = 'govuk-input--width-10'): string {
  return `<div class="govuk-form-group" id="group-${id}"><label class="govuk-label" for="team-${id}">${esc(label)}</label>
    <p class="govuk-error-message" id="error-${id}" hidden></p>
    <input class="govuk-input ${width}" id="team-${id}" name="${id}" type="${type}" value="${esc(value)}" aria-describedby="error-${id}"></div>`;
}

function renderForm(el: HTMLElement, t: Team, readAt: number, key: string, onChanged: () => void): void {
  el.innerHTML = `
    <div class="govuk-form-group" id="group-status"><label class="govuk-label" for="team-status">Status</label>
      <p class="govuk-error-message" id="error-status" hidden></p>
      <select class="govuk-select" id="team-status" aria-describedby="error-status">${['active', 'in_development', 'closed', 'unknown'].map((s) => `<option${s === t.status ? ' selected' : ''}>${s}</option>`).join('')}</select></div>
    ${field('ended', 'Ended (yyyy, yyyy-mm or yyyy-mm-dd; only if closed)', t.ended ?? '', 'text', 'govuk-input--width-10')}
    ${field('capacity_families_per_year', 'Families a year (blank if unpublished)', t.capacity_families_per_year?.toString() ?? '', 'text', 'govuk-input--width-5')}
    ${field('capacity_source_url', 'Page that publishes the families a year', t.capacity_source_url ?? '', 'url', 'govuk-input--width-30')}
    ${field('service_areas', 'Service area codes (district, upper-tier council, ward or LSOA, separated by spaces)', (t.service_areas ?? []).join(' '), 'text', 'govuk-input--width-30')}
    ${field('source_url', 'Source: the page that says what this row says', t.source_url ?? '', 'url', 'govuk-input--width-30')}
    ${field('source_date', 'Date of the source (yyyy, yyyy-mm or yyyy-mm-dd)', t.source_date ?? '', 'text', 'govuk-input--width-10')}
    ${field('last_confirmed', 'Last confirmed running (the newest date a source confirms it: yyyy, yyyy-mm or yyyy-mm-dd)', t.last_confirmed ?? '', 'text', 'govuk-input--width-10')}
    ${field('last_checked', 'Last checked (the day you checked it: yyyy-mm-dd)', t.last_checked ?? '', 'text', 'govuk-input--width-10')}
    <button class="govuk-button" id="team-save" type="button">Save ${esc(t.name)}</button>
    <div id="team-saved" role="status"></div>`;
  el.querySelector('#team-save')!.addEventListener('click', async () => {
    const value = (id: string) => (el.querySelector(`#team-${id}`) as HTMLInputElement).value.trim();
    el.querySelectorAll('.govuk-error-message').forEach((e) => { (e as HTMLElement).hidden = true; e.parentElement!.classList.remove('govuk-form-group--error'); });
    const capacity = value('capacity_families_per_year');
    const body = {
      ...t,
      needs_reconfirming: undefined,
      status: value('status'),
      ended: value('ended') || null,
      capacity_families_per_year: capacity === '' ? null : Number(capacity),
      capacity_source_url: value('capacity_source_url') || null,
      service_areas: value('service_areas').split(/[\s,;]+/).filter(Boolean),
      source_url: value('source_url') || null,
      source_date: value('source_date') || null,
      last_confirmed: value('last_confirmed') || null,
      last_checked: value('last_checked') || null,
    };
    const saved = el.querySelector('#team-saved')!;
    try {
      await sendJson('PUT', `/api/teams/${encodeURIComponent(t.id ?? '')}`, body, key, readAt);
      onChanged();
    } catch (e) {
      const err = e as ApiError;
      for (const [name, messages] of Object.entries(err.errors ?? {})) {
        const box = el.querySelector(`#error-${name}`) as HTMLElement | null;
        if (box) { box.hidden = false; box.innerHTML = `<span class="govuk-visually-hidden">Error:</span> ${esc(messages.join('; '))}`; box.parentElement!.classList.add('govuk-form-group--error'); }
      }
      const message = err.status === 401 ? 'The API key was not accepted. Sign out and try another.'
        : err.status === 412 ? 'Someone else changed this team after you opened it. Choose it again to see their change, then reapply yours.'
        : err.message;
      saved.innerHTML = `<p class="govuk-error-message">${esc(message)}</p>`;
    }
  });
}
