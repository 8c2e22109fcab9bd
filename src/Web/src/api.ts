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
export type TeamStateId = 'served' | 'in_development' | 'confirmed_none' | 'not_known';
export interface TeamStateShares { served: number; in_development: number; confirmed_none: number; not_known: number }
export interface ChildPoverty { fye: number; before_housing_costs_percent: number | null; after_housing_costs_percent: number | null; source: string }
export interface Area {
  code: string; name: string; level: string; parents: ParentRef[];
  infants_under_2: number; births_proxy: number; need_families_per_year: number; teams: TeamRef[];
  geographic_coverage: number; capacity_families_per_year: number; covered_need: number; unmet_need: number;
  unmet_need_per_1000_births: number | null; no_team: boolean; gap_rank: number;
  team_state: TeamStateId; team_state_shares: TeamStateShares; unmet_need_in_not_known: number;
  deprivation: Deprivation | null; child_poverty: ChildPoverty | null;
}
export interface AreaList { level: string; data_version: number; areas: Area[] }
export interface TeamDetail {
  id: string; name: string; provider: string | null; status: string; definition_fit: string; capacity_families_per_year: number | null;
  capacity_assumed: boolean; capacity_source_url: string | null; source_url: string | null; source_date: string | null;
  last_verified: string | null; area_note: string | null;
}
export interface EvidenceOut { area_code: string; evidence: string; statement: string; source_url: string; source_date: string; current: boolean }
export interface AreaDetail {
  area: Area; data_version: number; lsoa_distribution: { decile: number; infants: number }[];
  teams_serving: TeamDetail[]; other_register_teams: TeamDetail[]; area_evidence: EvidenceOut[];
  compare: { level: string; code: string; name: string; unmet_need_per_1000_births: number | null; geographic_coverage: number }[];
  sources: string[];
}
export interface Team {
  id: string; name: string; provider: string | null; status: string; started: string | null; ended: string | null;
  capacity_families_per_year: number | null; capacity_source_url: string | null; annual_cost_gbp: number | null; cost_source_url: string | null;
  funder: string | null; commissioner: string | null; service_areas: string[]; area_note: string | null;
  base_lon: number | null; base_lat: number | null; source_url: string | null; source_date: string | null; last_verified: string | null;
  definition_fit: string; notes: string | null;
}
export interface TeamList { data_version: number; count: number; active: number; last_verified: string | null; teams: Team[] }
export interface RegisterSummary {
  teams: number; by_status: Record<string, number>; definition_fit_uncertain: number; capacity_published: number;
  oldest_last_verified: string | null; newest_last_verified: string | null;
  foundation_counts: { teams: number; scope: string; as_of: string; says: string; source_url: string }[]; notice: string;
}
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
