-- Each team's service area (the union of its LSOAs) and, where known, its base point, for one
-- data version. @pairIds/@pairCodes: team id and LSOA code pairs; the other arrays: one entry a team.
with team as (
  select * from unnest(@ids::text[], @names::text[], @statuses::text[], @capacities::float8[], @assumed::bool[], @lons::float8[], @lats::float8[])
    as t(id, name, status, capacity, assumed, lon, lat)
),
area as (
  select x.id, st_transform(st_union(a.geom), 3857) as geom
  from unnest(@pairIds::text[], @pairCodes::text[]) as x(id, code)
  join cradle.area a on a.level = 'lsoa' and a.code = x.code
  group by x.id
)
insert into cradle_meta.tile_teams (data_version, id, name, status, capacity, capacity_assumed, kind, geom)
select @v, t.id, t.name, t.status, t.capacity, t.assumed, 'service_area', a.geom from team t join area a using (id)
union all
select @v, t.id, t.name, t.status, t.capacity, t.assumed, 'base', st_transform(st_setsrid(st_point(t.lon, t.lat), 4326), 3857)
from team t where t.lon is not null and t.lat is not null;
