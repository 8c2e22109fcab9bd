-- Cradle's bookkeeping, outside the schema that loads swap in and out. The first migration of cradle_meta:
-- everything 'if not exists', so a database made before migrations adopts the journal as it is.
create schema if not exists cradle_meta;

-- The data version every figure, cache and tile is keyed to. One row.
create table if not exists cradle_meta.state (
  id           int primary key default 1 check (id = 1),
  data_version bigint not null,
  changed_at   timestamptz not null default now()
);
create sequence if not exists cradle_meta.data_version_seq;

-- Every load attempt: a killed one stays 'running' until the next load marks it 'abandoned'.
create table if not exists cradle_meta.loads (
  id           bigserial primary key,
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  status       text not null check (status in ('running', 'succeeded', 'failed', 'abandoned', 'unchanged')),
  datasets     text[] not null,
  data_version bigint,
  message      text
);
