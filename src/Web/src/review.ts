// The review desk for key holders: contributions waiting, each as a diff against the row as it is,
// with its source; accept, edit then accept, or reject with a reason. Everything shown is text.
import { ApiError, getJsonWithKey, sendJson, type ContributionForReview, type ContributionQueue } from './api';
import { esc } from './format';

const kinds: Record<string, string> = { new_team: 'A new team', team_change: 'A change to a team', area_evidence: 'Evidence about an area' };

// The fields a reviewer may edit before accepting (the rest of the row is kept as proposed).
const editable = ['name', 'provider', 'status', 'started', 'ended', 'capacity_families_per_year', 'annual_cost_gbp', 'funder', 'commissioner',
  'service_areas', 'area_note', 'source_date', 'last_confirmed', 'definition_fit', 'notes', 'statement', 'evidence', 'area_code'];

export async function renderReview(el: HTMLElement, key: string, onChanged: () => void): Promise<void> {
  let queue: ContributionQueue;
  try {
    queue = await getJsonWithKey<ContributionQueue>('/api/contributions', key);
  } catch (e) {
    el.innerHTML = `<p class="govuk-error-message">${esc((e as ApiError).status === 401 ? 'The API key was not accepted.' : (e as Error).message)}</p>`;
    return;
  }
  el.innerHTML = `<h3 class="govuk-heading-s" id="review-title">Contributions waiting for review (${queue.count})</h3>
    ${queue.count === 0 ? '<p class="govuk-body-s">Nothing is waiting.</p>' : ''}
    <ol class="govuk-list app-review" aria-labelledby="review-title">${queue.contributions.map(item).join('')}</ol>`;
  el.querySelectorAll<HTMLElement>('[data-ref]').forEach((li) => wire(li, queue.contributions.find((c) => c.ref === li.dataset.ref)!, key, () => {
    onChanged();
    void renderReview(el, key, onChanged);
  }));
}

function item(c: ContributionForReview): string {
  const subject = c.team_id ?? c.area_code ?? c.proposed_team?.id ?? '';
  const source = c.source_url
    ? `<a class="govuk-link" href="${esc(c.source_url)}" rel="noopener noreferrer">${esc(c.source_url)}</a>${c.source_date ? ` (${esc(String(c.source_date))})` : ''}`
    : `the service itself${c.role ? ` (${esc(c.role)})` : ''}`;
  const diff = c.diff.length
    ? `<table class="govuk-table govuk-body-s app-diff"><caption class="govuk-table__caption govuk-visually-hidden">What ${esc(c.ref)} would change</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Now</th><th scope="col">Proposed</th></tr></thead>
        <tbody>${c.diff.map((f) => `<tr><th scope="row">${esc(f.field)}</th><td>${esc(f.current ?? '–')}</td><td><ins>${esc(f.proposed ?? '–')}</ins></td></tr>`).join('')}</tbody></table>`
    : '<p class="govuk-body-s">No field would change.</p>';
  const problems = c.problems
    ? `<div class="govuk-warning-text"><strong class="govuk-warning-text__text">It cannot be accepted as it is: ${esc(Object.entries(c.problems).map(([k, v]) => `${k} ${v.join('; ')}`).join('. '))}</strong></div>` : '';
  return `<li class="app-review__item" data-ref="${esc(c.ref)}">
    <h4 class="govuk-heading-s">${esc(c.ref)}: ${esc(kinds[c.kind] ?? c.kind)}${subject ? ` (${esc(subject)})` : ''}</h4>
    <p class="govuk-body-s">Sent ${esc(c.submitted_at.slice(0, 10))}. Source: ${source}.${c.contact ? ` Contact (private): ${esc(c.contact)}.` : ''}</p>
    ${c.comment ? `<p class="govuk-body-s">They say: “${esc(c.comment)}”</p>` : ''}
    ${diff}${problems}
    <div class="govuk-button-group">
      <button class="govuk-button govuk-button--secondary" type="button" data-action="accept"${c.problems ? ' disabled' : ''}>Accept ${esc(c.ref)}</button>
      <button class="govuk-button govuk-button--secondary" type="button" data-action="edit"${c.problems ? ' disabled' : ''}>Edit, then accept</button>
      <button class="govuk-button govuk-button--warning" type="button" data-action="reject">Reject</button>
    </div>
    <div data-slot></div>
    <div data-result role="status"></div></li>`;
}

function wire(li: HTMLElement, c: ContributionForReview, key: string, done: () => void): void {
  const slot = li.querySelector<HTMLElement>('[data-slot]')!;
  const result = li.querySelector<HTMLElement>('[data-result]')!;
  const fail = (e: unknown) => {
    const err = e as ApiError;
    const fields = Object.entries(err.errors ?? {}).map(([k, v]) => `${k} ${v.join('; ')}`).join('. ');
    result.innerHTML = `<p class="govuk-error-message">${esc(fields || err.message)}</p>`;
  };
  const accept = async (body: unknown) => {
    try { await sendJson('POST', `/api/contributions/${encodeURIComponent(c.ref)}/accept`, body, key); done(); }
    catch (e) { fail(e); }
  };
  li.querySelector('[data-action="accept"]')!.addEventListener('click', () => void accept({}));
  li.querySelector('[data-action="edit"]')!.addEventListener('click', () => {
    const row = (c.proposed_team ?? c.proposed_evidence ?? {}) as Record<string, unknown>;
    const fields = Object.keys(row).filter((k) => editable.includes(k));
    slot.innerHTML = fields.map((k) => {
      const value = Array.isArray(row[k]) ? (row[k] as string[]).join(' ') : row[k] == null ? '' : String(row[k]);
      return `<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="edit-${esc(c.ref)}-${k}">${esc(k.replace(/_/g, ' '))}</label>
        <input class="govuk-input" id="edit-${esc(c.ref)}-${k}" data-field="${k}" value="${esc(value)}"></div>`;
    }).join('') + `<button class="govuk-button" type="button" data-action="save">Accept with these values</button>`;
    slot.querySelector('[data-action="save"]')!.addEventListener('click', () => {
      const edited: Record<string, unknown> = { ...row };
      delete edited.needs_reconfirming;
      slot.querySelectorAll<HTMLInputElement>('[data-field]').forEach((input) => {
        const k = input.dataset.field!;
        const v = input.value.trim();
        edited[k] = k === 'service_areas' ? v.split(/[\s,;]+/).filter(Boolean)
          : ['capacity_families_per_year', 'annual_cost_gbp'].includes(k) ? (v === '' ? null : Number(v)) : v === '' ? null : v;
      });
      void accept(c.proposed_team ? { team: edited } : { evidence: edited });
    });
    slot.querySelector<HTMLInputElement>('input')?.focus();
  });
  li.querySelector('[data-action="reject"]')!.addEventListener('click', () => {
    slot.innerHTML = `<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="reason-${esc(c.ref)}">Why (the contributor sees this)</label>
      <textarea class="govuk-textarea" id="reason-${esc(c.ref)}" rows="2"></textarea></div>
      <button class="govuk-button govuk-button--warning" type="button" data-action="confirm-reject">Reject ${esc(c.ref)}</button>`;
    slot.querySelector('[data-action="confirm-reject"]')!.addEventListener('click', async () => {
      const reason = slot.querySelector<HTMLTextAreaElement>('textarea')!.value.trim();
      try { await sendJson('POST', `/api/contributions/${encodeURIComponent(c.ref)}/reject`, { reason }, key); done(); }
      catch (e) { fail(e); }
    });
    slot.querySelector<HTMLTextAreaElement>('textarea')!.focus();
  });
}
