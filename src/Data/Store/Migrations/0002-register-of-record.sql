-- The register of record (issue 23): dates that mean something, the base of three-way imports,
-- contributions from anyone, a change log with sources, and a published release per change.

-- "Last verified" said when someone re-read a page, not when a fact was last confirmed: two dates.
alter table cradle_register.teams rename column last_verified to last_checked;
-- Left empty: until a row says otherwise, its own source's date is the last confirmation.
alter table cradle_register.teams add column last_confirmed text;
alter table cradle_register.area_evidence rename column last_verified to last_checked;
alter table cradle_register.area_evidence add column last_confirmed text;
-- History keeps the columns' current names, so that earlier rows can still be read as teams.
update cradle_register.history set
  before = case when before ? 'last_verified'
    then (before - 'last_verified') || jsonb_build_object('last_checked', before -> 'last_verified')
    else before end,
  after = case when after ? 'last_verified'
    then (after - 'last_verified') || jsonb_build_object('last_checked', after -> 'last_verified')
    else after end;

-- What each change was about (a team, or an area's evidence), the source it rests on, and the
-- contribution it came from.
alter table cradle_register.history
  add column entity text not null default 'team' check (entity in ('team', 'area_evidence')),
  add column source text,
  add column contribution text;
create index history_newest on cradle_register.history (seq desc);

-- The rows of the file as last imported, cell by cell: the base of the next import's three-way merge.
create table cradle_register.import_base (
  entity text not null check (entity in ('team', 'area_evidence')),
  key text not null,
  cells jsonb not null,
  primary key (entity, key));

-- What anyone may tell the register; it counts only once a key holder accepts it.
create table cradle_register.contributions (
  ref text primary key,
  kind text not null check (kind in ('new_team', 'team_change', 'area_evidence')),
  team_id text,
  area_code text,
  proposal jsonb not null,
  source_url text,
  source_date text,
  speaks_for_service boolean not null default false,
  role text,
  comment text,
  contact text,                         -- never published
  client text not null,                 -- a hash of the sender's address, for rate limits and abuse
  submitted_at timestamptz not null default now(),
  state text not null default 'submitted' check (state in ('submitted', 'accepted', 'rejected')),
  decided_at timestamptz,
  decided_by text,
  reason text,
  applied jsonb,
  data_version bigint);
create index contributions_queue on cradle_register.contributions (state, submitted_at);

-- The register as published at each data version it changed: stable bytes at stable addresses.
create table cradle_register.releases (
  data_version bigint primary key,
  at timestamptz not null default now(),
  teams_csv text not null,
  evidence_csv text not null);
