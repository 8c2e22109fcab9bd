-- Tile caches of the model, per data version (src/Geo/Tiles/TileFigures.cs). Unlogged: they are
-- made again from the model whenever they are lost.
create unlogged table if not exists cradle_meta.tile_teams (
  data_version bigint not null, id text not null, name text not null, status text not null,
  capacity real, capacity_assumed boolean not null, kind text not null, geom geometry(Geometry, 3857) not null);
create index if not exists tile_teams_version on cradle_meta.tile_teams (data_version);
-- The versions whose figures are complete, and the day they hold for (whether a statement of
-- "no team" is still current depends on the date): tiles read only these.
create unlogged table if not exists cradle_meta.tile_published (data_version bigint primary key, as_of date not null, published_at timestamptz not null default now());
