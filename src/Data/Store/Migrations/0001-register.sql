-- The team register and its area evidence (schema cradle_register, which data loads never replace).
create schema if not exists cradle_register;
create table if not exists cradle_register.teams (
  id text primary key, name text not null, provider text, status text not null,
  started text, ended text, capacity_families_per_year double precision, capacity_source_url text,
  annual_cost_gbp double precision, cost_source_url text, funder text, commissioner text,
  service_areas text[] not null, area_note text, base_lon double precision, base_lat double precision,
  source_url text, source_date text, last_verified date, definition_fit text not null default 'meets', notes text,
  updated_at timestamptz not null default now(), updated_by text not null);
create table if not exists cradle_register.history (
  seq bigserial primary key, team_id text not null, action text not null, actor text not null,
  at timestamptz not null default now(), before jsonb, after jsonb, data_version bigint not null);
create index if not exists history_team on cradle_register.history (team_id, seq);
create table if not exists cradle_register.imports (
  file text primary key, checksum text not null, imported_at timestamptz not null, teams int not null);
create table if not exists cradle_register.area_evidence (
  area_code text not null, evidence text not null, statement text not null, source_url text not null,
  source_date text not null, last_verified date not null, notes text,
  primary key (area_code, evidence, source_url));
-- Registers made before partial dates and per-figure sources: widen them in place, once.
do $$ begin
  if exists (select 1 from information_schema.columns where table_schema = 'cradle_register' and table_name = 'teams'
             and column_name = 'started' and data_type = 'date') then
    alter table cradle_register.teams alter column started type text using started::text,
      alter column ended type text using ended::text,
      add column if not exists capacity_source_url text, add column if not exists cost_source_url text,
      add column if not exists funder text, add column if not exists commissioner text,
      add column if not exists source_date text,
      add column if not exists definition_fit text not null default 'meets';
  end if;
end $$;
