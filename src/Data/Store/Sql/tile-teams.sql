-- Tile caches of the model, per data version (src/Data/Tiles/TileFigures.cs). Logged, not unlogged:
-- a streaming standby must have them (PostgreSQL cannot read an unlogged table during recovery).
create table if not exists cradle_meta.tile_teams (
  data_version bigint not null, id text not null, name text not null, status text not null,
  capacity real, capacity_assumed boolean not null, kind text not null, geom geometry(Geometry, 3857) not null);
create index if not exists tile_teams_version on cradle_meta.tile_teams (data_version);
-- The versions whose figures are complete, and the day they hold for (whether a statement of
-- "no team" is still current depends on the date): tiles read only these.
create table if not exists cradle_meta.tile_published (data_version bigint primary key, as_of date not null, published_at timestamptz not null default now());
-- Databases made when these tables were unlogged: make them logged, once.
do $$
declare t text;
begin
  for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'cradle_meta' and c.relname in ('tile_figures', 'tile_teams', 'tile_published') and c.relpersistence = 'u'
  loop
    execute format('alter table cradle_meta.%I set logged', t);
  end loop;
end $$;
