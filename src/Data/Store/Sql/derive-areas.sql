-- After the levels (src/Core/Catalog/AreaLevels.cs) are built: tiles, adjacency, weights.
-- tile_level (level, minzoom) comes from the catalog: which levels have a tile layer.
create index on area using gist (geom);
create index on area (code);
create index on lsoa_membership (level, area_code);

-- English areas only (tiles show England), with their names, so a tile reads one table; rows
-- are stored in geohash order, so one tile's areas sit on neighbouring pages.
create table area_tile as
select a.level, a.code, b.zband, a.name, tile_geometry(a.geom, b.tolerance)::geometry(MultiPolygon, 3857) as geom
from area a
join tile_level t on t.level = a.level
join tile_band b on b.maxzoom >= t.minzoom
where a.country = 'E'
order by a.level, b.zband, st_geohash(st_transform(st_pointonsurface(a.geom), 4326), 10);
alter table area_tile add primary key (level, zband, code);
-- One spatial index per layer and band, as a tile reads exactly one: a single index over all of
-- them made PostgreSQL AND it with the primary key, reading all 33,755 LSOA entries per tile.
do $$
declare lvl text; band int;
begin
  for lvl, band in select t.level, b.zband from tile_level t join tile_band b on b.maxzoom >= t.minzoom order by 1, 2 loop
    execute format('create index on area_tile using gist (geom) where level = %L and zband = %s', lvl, band);
  end loop;
end $$;

-- Neighbouring English districts (sharing a boundary, within 50 m to bridge BUC generalisation
-- slivers), for the planner's candidate groups.
create table lad_adjacency as
select a.code as lad, b.code as neighbour
from area a
join area b on b.level = 'lad' and b.country = 'E' and b.code <> a.code and st_dwithin(a.geom, b.geom, 50)
where a.level = 'lad' and a.country = 'E';
alter table lad_adjacency add primary key (lad, neighbour);

-- IMD 2019 weights on LSOA 2021: File 6 mid-2015 population carried like any count.
create table population_imd2019_lsoa21 as
select m.lsoa21cd as code, sum(f.population_mid2015 * m.weight)::double precision as population_mid2015
from lsoa11_lsoa21 m join src_imd2019_file6 f on f.lsoa11cd = m.lsoa11cd
group by m.lsoa21cd;
alter table population_imd2019_lsoa21 add primary key (code);
