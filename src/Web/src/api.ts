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

export interface TeamRef { id: string; name: string; capacity_assumed: boolean; hypothetical: boolean }
export interface ParentRef { level: string; code: string; name: string; infants_share: number }
export interface Deprivation {
  vintage: string; weights: string; mean_imd_rank: number | null; mean_imd_score: number | null;
  share_lsoas_decile1: number; share_infants_deciles_1_2: number; mean_income_score_infant_weighted: number | null;
}
export interface Area {
  code: string; name: string; level: string; parents: ParentRef[];
  infants_under_2: number; births_proxy: number; need_families_per_year: number; teams: TeamRef[];
  geographic_coverage: number; capacity_families_per_year: number; covered_need: number; unmet_need: number;
  unmet_need_per_1000_births: number | null; no_team: boolean; gap_rank: number; deprivation: Deprivation | null;
}
export interface AreaList { level: string; data_version: number; areas: Area[] }
export interface TeamDetail {
  id: string; name: string; provider: string | null; status: string; capacity_families_per_year: number;
  capacity_assumed: boolean; source_url: string | null; last_verified: string | null; area_note: string | null;
}
export interface AreaDetail {
  area: Area; data_version: number; lsoa_distribution: { decile: number; infants: number }[];
  teams_serving: TeamDetail[]; compare: { level: string; code: string; name: string; unmet_need_per_1000_births: number | null; geographic_coverage: number }[];
  sources: string[];
}
export interface Team {
  id: string; name: string; provider: string | null; status: string; started: string | null; ended: string | null;
  capacity_families_per_year: number | null; annual_cost_gbp: number | null; service_areas: string[]; area_note: string | null;
  base_lon: number | null; base_lat: number | null; source_url: string | null; last_verified: string | null; notes: string | null;
}
export interface TeamList { data_version: number; count: number; active: number; last_verified: string | null; teams: Team[] }
export interface ScenarioArea {
  code: string; name: string; unmet_need_before: number; unmet_need_after: number;
  unmet_need_per_1000_births_before: number | null; unmet_need_per_1000_births_after: number | null;
  geographic_coverage_before: number; geographic_coverage_after: number;
}
export interface ScenarioResult {
  areas: ScenarioArea[];
  totals: { extra_families_covered: number; unmet_need_before: number; unmet_need_after: number; annual_cost_of_new_teams: number; cost_per_extra_family_reached: number | null };
}
export interface PlanResult {
  extra_families_covered: number; cost_per_family_reached: number | null;
  picks: { order: number; icb_name: string; areas: { code: string; name: string }[]; extra_families_covered: number; reason: string }[];
}
