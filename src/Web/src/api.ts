// Talking to Cradle's API: JSON in, problem+json errors out as ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

async function read<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  let detail = `${response.status} ${response.statusText}`;
  let errors: Record<string, string[]> = {};
  try {
    const problem = (await response.json()) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    detail = problem.detail ?? problem.title ?? detail;
    errors = problem.errors ?? {};
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, detail, errors);
}

export async function getJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'Cradle’s server cannot be reached.');
  }
  return read<T>(response);
}

/** A read that needs a key (the review queue holds contributors' contacts). */
export async function getJsonWithKey<T>(url: string, key: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${key}` } });
  } catch {
    throw new ApiError(0, 'Cradle’s server cannot be reached.');
  }
  return read<T>(response);
}

/** ifMatch: the data version the edited values were read at; a change since is refused (412). */
export async function sendJson<T>(method: string, url: string, body: unknown, key?: string, ifMatch?: number): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (ifMatch !== undefined) headers['if-match'] = `"v${ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Cradle’s server cannot be reached.');
  }
  return read<T>(response);
}

// The API's types, generated from its OpenAPI document (src/api-schema.ts; `make api-types`), never written by hand.
import type { components } from './api-schema';
type Schemas = components['schemas'];

export type TeamStateId = 'served' | 'in_development' | 'confirmed_none' | 'not_known';
export type Area = Schemas['AreaOut'];
export type AreaList = Schemas['AreaList'];
export type AreaDetail = Schemas['AreaDetail'];
export type Team = Schemas['TeamBody'];
export type TeamList = Schemas['TeamListOut'];
export type RegisterSummary = Schemas['RegisterSummary'];
export type ScenarioArea = Schemas['ScenarioArea'];
export type ScenarioResult = Schemas['ScenarioResult'];
export type SearchResult = Schemas['SearchResult'];
export type PlanResult = Schemas['PlanResult'];
export type Catalog = Schemas['CatalogOut'];
export type Level = Schemas['LevelOut'];
export type Figure = Schemas['FigureOut'];
export type ContributionReceipt = Schemas['ContributionReceipt'];
export type ContributionQueue = Schemas['ContributionQueue'];
export type ContributionForReview = Schemas['ContributionForReview'];
export type TeamChange = Schemas['TeamChange'];
export type ChangeLog = Schemas['ChangeLog'];
