-- Integrity checks on the staged model before it is swapped in. Each query returns problem
-- rows (one text column); any row fails the load. Separated by lines of dashes.
select format('LSOA %s (%s) in England has no LAD 2024', code, name) from lsoa where country = 'E' and lad_code is null
----
select format('LSOA %s (%s) in England has no ICB or sub-ICB location in the April 2024 lookup', code, name) from lsoa where country = 'E' and (icb_code is null or sicbl_code is null)
----
select format('LSOA %s (%s) in England has no region (its LAD %s is not in the region lookup)', code, name, lad_code) from lsoa where country = 'E' and region_code is null
----
select format('LSOA %s: the LSOA→LAD lookup says %s, IoD2025 File 1 says %s; record an erratum or fix the lookup', l.code, l.lad_code, f.lad24cd)
from lsoa l join src_iod2025_file1 f on f.lsoa21cd = l.code where l.lad_code <> f.lad24cd
----
select format('LSOA 2011 %s in IMD 2019 has no LSOA 2021 in the change lookup', d.lsoa11cd)
from src_imd2019_file1 d where not exists (select 1 from lsoa11_lsoa21 m where m.lsoa11cd = d.lsoa11cd)
----
select format('England infants aged 0 carried to LSOA 2021 total %s, but the LSOA 2011 estimates total %s', c, n)
from (select sum(age_0) c from population where vintage = 'mid-2020' and geography = 'lsoa21' and code like 'E%') a,
     (select sum(age_0) n from population where vintage = 'mid-2020' and geography = 'lsoa11' and code like 'E%') b
where abs(c - n) > 1e-6
----
select format('area %s %s has an empty or invalid geometry', level, code) from area where st_isempty(geom) or not st_isvalid(geom)

----
select format('mid-2024 LSOA totals of district %s sum to %s, but ONS MYE2 gives %s (is an LSOA in the wrong district?)', l.lad_code, sum(t.all_ages), d.all_ages)
from lsoa l join src_pop_lsoa21_mid2024 t on t.lsoa21cd = l.code join src_pop_lad_mid2024 d on d.code = l.lad_code
where l.country = 'E' group by l.lad_code, d.all_ages having sum(t.all_ages) <> d.all_ages
----
select format('LSOA %s (%s) in England has no mid-2024 population estimate', code, name)
from lsoa l where country = 'E' and not exists (select 1 from population p where p.vintage = 'mid-2024' and p.geography = 'lsoa21' and p.code = l.code)
----
select format('mid-2024 infant estimates of district %s sum to %s aged 0 and %s aged 1, but ONS gives %s and %s', l.lad_code, sum(p.age_0), sum(p.age_1), d.age_0, d.age_1)
from lsoa l join population p on p.vintage = 'mid-2024' and p.geography = 'lsoa21' and p.code = l.code
join src_pop_lad_mid2024 d on d.code = l.lad_code
group by l.lad_code, d.age_0, d.age_1 having abs(sum(p.age_0) - d.age_0) > 1e-6 or abs(sum(p.age_1) - d.age_1) > 1e-6
----
select format('district %s has no ONS mid-2024 estimate', code) from area a
where level = 'lad' and country = 'E' and not exists (select 1 from src_pop_lad_mid2024 d where d.code = a.code)
----
select format('child poverty (ONS Explore Local Statistics): indicator "%s" is neither of the two Cradle reads (children in relative poverty before / after housing costs)', indicator)
from (select distinct indicator from src_child_poverty_els) i
where indicator not in ('Children in relative poverty before housing costs', 'Children in relative poverty after housing costs')
----
select format('district %s has no child poverty rate (before housing costs) for FYE %s', a.code, y)
from area a cross join generate_series(2022, 2025) y
where a.level = 'lad' and a.country = 'E' and not exists (select 1 from child_poverty c where c.code = a.code and c.measure = 'bhc' and c.fye = y)
----
select format('%s FYE %s: DWP Table 2 says %s%% of children after housing costs, the ONS republication %s%%', c.code, c.fye,
              case c.fye when 2024 then d.percent_fye2024 else d.percent_fye2025 end, round(c.percent::numeric, 2))
from child_poverty c join src_child_poverty_dwp_ahc d on d.area_code = c.code
where c.measure = 'ahc' and not c.derived and c.fye in (2024, 2025)
  and abs(case c.fye when 2024 then d.percent_fye2024 else d.percent_fye2025 end - c.percent) > 0.051
