-- Builds the served model from the raw dataset tables (src_*), inside the staging schema
-- (search_path is set to it). Table names here are the manifest's `table` values.

-- Data errata, recorded as data with their source (data/boundaries/errata.csv).
create index on errata (dataset, field, code);

-- LSOA 2021 and its parents. The LAD comes from the ONS best-fit lookup unless an erratum
-- corrects it; region through the April 2023 LAD→region lookup (LAD codes unchanged to 2024).
create table lsoa as
select b.code, b.name, left(b.code, 1) as country,
       coalesce(e.corrected_value, w.lad24cd) as lad_code,
       w.wd24cd as ward_code, w.wd24nm as ward_name,
       i.sicbl24cd as sicbl_code, i.icb24cd as icb_code,
       r.rgn23cd as region_code,
       u.utla23cd as utla_code,
       -- How the LSOA's ICB of April 2026 is known: null where the lookup says nothing (an official file has no basis).
       nullif(j.basis, '') as icb_basis
from src_lsoa21 b
left join src_lsoa21_lad24 w on w.lsoa21cd = b.code
left join errata e on e.dataset = 'lookup_lsoa21_lad24' and e.field = 'lad24cd' and e.code = b.code
left join src_lsoa21_icb24 i on i.lsoa21cd = b.code
left join src_lsoa21_icb26 j on j.lsoa21cd = b.code
left join src_lad_rgn23 r on r.lad23cd = coalesce(e.corrected_value, w.lad24cd)
-- Upper-tier councils: the April 2023 lookup, the same for all 296 districts of 2024.
left join src_ltla23_utla23 u on u.ltla23cd = coalesce(e.corrected_value, w.lad24cd);
alter table lsoa add primary key (code);

-- LSOA 2011 → 2021. Counts are carried with weight 1/n, n = the number of LSOA 2021 an LSOA 2011
-- maps to: unchanged (U) and merged (M) parts carry the whole count (merged ones sum), a split
-- (S) shares it equally among its parts, a complex change (X) shares it equally among all the
-- LSOA 2021 it touches. Totals are preserved exactly. Equal shares, not area shares: ONS split
-- LSOAs because their population grew past 3,000, into parts of similar population.
create table lsoa11_lsoa21 as
select lsoa11cd, lsoa21cd, chgind,
       (1.0 / count(*) over (partition by lsoa11cd))::double precision as weight
from src_lsoa11_lsoa21;
alter table lsoa11_lsoa21 add primary key (lsoa11cd, lsoa21cd);
create index on lsoa11_lsoa21 (lsoa21cd);

-- Population: native mid-2020 LSOA 2011 and LAD 2021 estimates, and LSOA 2021 carried by the rule above.
create table population (
  vintage    text not null,
  geography  text not null,
  code       text not null,
  all_ages   double precision not null,
  age_0      double precision not null,
  age_1      double precision not null,
  carried    text,
  primary key (vintage, geography, code)
);
insert into population
select 'mid-2020', 'lsoa11', lsoa11cd, all_ages, age_0, age_1, null from src_pop_lsoa11;
insert into population
select 'mid-2020', 'lad21', lad21cd, all_ages, age_0, age_1, null from src_pop_lad21;
insert into population
select 'mid-2020', 'lsoa21', m.lsoa21cd,
       sum(p.all_ages * m.weight), sum(p.age_0 * m.weight), sum(p.age_1 * m.weight),
       string_agg(distinct m.chgind, '' order by m.chgind)
from src_pop_lsoa11 p
join lsoa11_lsoa21 m on m.lsoa11cd = p.lsoa11cd
group by m.lsoa21cd;

-- Mid-2024: ONS's district and county estimates as published (MYE2), and LSOA 2021 infants
-- estimated, since no LSOA count of infants newer than mid-2020 exists (docs/model.md, "Infants
-- as of mid-2024"). Each LSOA's mid-2020 infants are grown with its own population (the ONS
-- mid-2024 LSOA total over the mid-2020 total carried to LSOA 2021), then scaled so that every
-- district's LSOAs sum exactly to the district's mid-2024 ages 0 and 1.
insert into population
select 'mid-2024', case when code ~ '^E1[01]' then 'county24' else 'lad24' end, code, all_ages, age_0, age_1, null
from src_pop_lad_mid2024 where code ~ '^E(0[6-9]|1[01])';

create temporary table population_mid2024_prior on commit drop as
select l.code, l.lad_code, t.all_ages,
       -- An LSOA with no mid-2020 population has no infants to grow: 0, not null, so that
       -- every district's shares below still sum to exactly 1.
       coalesce(p.age_0 * t.all_ages / nullif(p.all_ages, 0), 0) as prior_0,
       coalesce(p.age_1 * t.all_ages / nullif(p.all_ages, 0), 0) as prior_1
from lsoa l
join src_pop_lsoa21_mid2024 t on t.lsoa21cd = l.code
join population p on p.vintage = 'mid-2020' and p.geography = 'lsoa21' and p.code = l.code
where l.country = 'E';

insert into population
select 'mid-2024', 'lsoa21', x.code, x.all_ages,
       -- Shared by the grown mid-2020 infants; by total population only in a district with none.
       d.age_0 * case when s.prior_0 > 0 then x.prior_0 / s.prior_0 else x.all_ages / nullif(s.all_ages, 0) end,
       d.age_1 * case when s.prior_1 > 0 then x.prior_1 / s.prior_1 else x.all_ages / nullif(s.all_ages, 0) end,
       'estimated'
from population_mid2024_prior x
join (select lad_code, sum(prior_0) as prior_0, sum(prior_1) as prior_1, sum(all_ages) as all_ages
      from population_mid2024_prior group by lad_code) s using (lad_code)
join src_pop_lad_mid2024 d on d.code = x.lad_code;

-- Children aged 0–15 in mid-2024: the denominators of DWP's child poverty rates.
create table children_mid2024 as
select code, (age_0 + age_1 + age_2 + age_3 + age_4 + age_5 + age_6 + age_7 + age_8 + age_9 + age_10
              + age_11 + age_12 + age_13 + age_14 + age_15)::double precision as children_0_15
from src_pop_lad_mid2024;
alter table children_mid2024 add primary key (code);

-- Children in relative low income families (DWP via ONS), before (bhc) and after (ahc) housing
-- costs, by financial year ending (fye), for districts and upper-tier councils as published. The
-- 2024 codes of Barnsley and Sheffield are kept (they are the LAD 2024 codes). DWP's Table 2
-- adds the after-housing-costs counts. England is not published: it is derived from the
-- district rates weighted by children aged 0–15 (mid-2024), and says so.
create table child_poverty (
  code       text not null,
  measure    text not null,
  fye        int not null,
  percent    double precision not null,
  children   double precision,
  derived    boolean not null default false,
  primary key (code, measure, fye)
);
insert into child_poverty (code, measure, fye, percent)
select areacd, m.measure, substr(period, 1, 4)::int + 1, observation
from src_child_poverty_els
-- The two indicators by name; any other is refused by checks.sql, naming it.
join (values ('Children in relative poverty before housing costs', 'bhc'),
             ('Children in relative poverty after housing costs', 'ahc')) as m(indicator, measure) using (indicator)
where areacd ~ '^E(0[6-9]|10)';
update child_poverty c set children = case c.fye when 2024 then d.children_fye2024 when 2025 then d.children_fye2025 end
from src_child_poverty_dwp_ahc d
where d.area_code = c.code and c.measure = 'ahc' and c.fye in (2024, 2025);
insert into child_poverty (code, measure, fye, percent, children, derived)
select 'E92000001', c.measure, c.fye, sum(c.percent * k.children_0_15) / sum(k.children_0_15), sum(c.children), true
from child_poverty c join children_mid2024 k using (code)
where c.code ~ '^E0[6-9]'
group by c.measure, c.fye;

-- Deprivation, long: one row per LSOA, vintage and measure (imd, the 7 domains, idaci, idaopi).
create table deprivation (
  vintage    text not null,
  geography  text not null,
  code       text not null,
  measure    text not null,
  score      double precision,
  rank       int not null,
  decile     int not null,
  carried    text,
  primary key (vintage, geography, measure, code)
);
insert into deprivation
select 'iod2025', 'lsoa21', lsoa21cd, m.measure, m.score, m.rank, m.decile, null
from src_iod2025_file7,
lateral (values
  ('imd', imd_score, imd_rank, imd_decile),
  ('income', income_score, income_rank, income_decile),
  ('employment', employment_score, employment_rank, employment_decile),
  ('education', education_score, education_rank, education_decile),
  ('health', health_score, health_rank, health_decile),
  ('crime', crime_score, crime_rank, crime_decile),
  ('barriers', barriers_score, barriers_rank, barriers_decile),
  ('living_environment', living_environment_score, living_environment_rank, living_environment_decile)
) as m(measure, score, rank, decile);
insert into deprivation
select 'iod2025', 'lsoa21', lsoa21cd, m.measure, null, m.rank, m.decile, null
from src_iod2025_file3,
lateral (values ('idaci', idaci_rank, idaci_decile), ('idaopi', idaopi_rank, idaopi_decile)) as m(measure, rank, decile);

-- IMD 2019 on its own LSOA 2011 (ranks and deciles only: File 5/7 scores are not available).
insert into deprivation
select 'imd2019', 'lsoa11', lsoa11cd, m.measure, null, m.rank, m.decile, null
from src_imd2019_file2,
lateral (values
  ('imd', imd_rank, imd_decile),
  ('income', income_rank, income_decile),
  ('employment', employment_rank, employment_decile),
  ('education', education_rank, education_decile),
  ('health', health_rank, health_decile),
  ('crime', crime_rank, crime_decile),
  ('barriers', barriers_rank, barriers_decile),
  ('living_environment', living_environment_rank, living_environment_decile)
) as m(measure, rank, decile);

-- IMD 2019 carried to LSOA 2021. Ranks are not counts and cannot be shared out: each LSOA 2021
-- takes the values of the LSOA 2011 that gives it the most people (mid-2015 File 6 population
-- times the carry weight). For U and S that is its only parent; for M and X the dominant one.
-- `carried` records the change type(s) so a user can tell an inherited value from a native one.
insert into deprivation
select distinct on (d.measure, m.lsoa21cd)
       'imd2019', 'lsoa21', m.lsoa21cd, d.measure, null, d.rank, d.decile,
       (select string_agg(distinct x.chgind, '' order by x.chgind) from lsoa11_lsoa21 x where x.lsoa21cd = m.lsoa21cd)
from deprivation d
join lsoa11_lsoa21 m on m.lsoa11cd = d.code
join src_imd2019_file6 p on p.lsoa11cd = d.code
where d.vintage = 'imd2019' and d.geography = 'lsoa11'
order by d.measure, m.lsoa21cd, p.population_mid2015 * m.weight desc, d.code;

-- IMD 2019 population denominators (mid-2015), native, for weighting its summaries.
create table population_imd2019 as
select lsoa11cd as code, population_mid2015, children_0_15_mid2015 from src_imd2019_file6;
alter table population_imd2019 add primary key (code);

-- Which area of each level each English LSOA 2021 lies in, and every area's outline: built level
-- by level from the catalog (src/Core/Catalog/AreaLevels.cs) after this script.
create table lsoa_membership (
  lsoa       text not null,
  level      text not null,
  area_code  text not null,
  area_name  text not null,
  primary key (level, lsoa)
);

-- Areas of every level: code, name, vintage, geometry in EPSG:27700.
create table area (
  level    text not null,
  code     text not null,
  name     text not null,
  vintage  text not null,
  country  text not null,
  geom     geometry(MultiPolygon, 27700) not null,
  primary key (level, code)
);
-- LSOA 2011 and LAD 2019 outlines, for the IMD 2019 vintage (not levels of the model).
insert into area select 'lsoa11', code, name, '2011', left(code, 1), geom from src_lsoa11;
insert into area select 'lad19', code, name, '2019', left(code, 1), geom from src_lad19;

-- Web Mercator copies generalised per zoom band, for vector tiles. A band's tolerance is one
-- tile unit (4096 per tile) at its highest zoom, so the simplification is never visible.
create table tile_band (zband int primary key, minzoom int not null, maxzoom int not null, tolerance double precision not null);
insert into tile_band values (0, 0, 5, 305.0), (1, 6, 8, 38.0), (2, 9, 11, 4.8), (3, 12, 24, 0.0);

-- A boundary (27700) as a band's tile geometry: in Web Mercator, simplified to the band's
-- tolerance, valid. A function, so that make bench bands its synthetic set the same way.
-- (A function's result loses its type modifier: callers cast to geometry(MultiPolygon, 3857).)
create function tile_geometry(g geometry, tolerance double precision) returns geometry
language sql immutable parallel safe as $$
  select st_multi(st_collectionextract(st_makevalid(
           case when tolerance > 0 then st_simplifypreservetopology(st_transform(g, 3857), tolerance)
                else st_transform(g, 3857) end), 3))
$$;

