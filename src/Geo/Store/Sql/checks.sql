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
select format('%s areas at level %s, expected %s', coalesce(n, 0), level, expected)
from (values ('lad', 296), ('sicbl', 106), ('icb', 42), ('region', 9), ('england', 1)) e(level, expected)
left join (select level, count(*) n from area where country = 'E' group by level) a using (level)
where coalesce(n, 0) <> expected
----
select format('LSOA 2011 %s in IMD 2019 has no LSOA 2021 in the change lookup', d.lsoa11cd)
from src_imd2019_file1 d where not exists (select 1 from lsoa11_lsoa21 m where m.lsoa11cd = d.lsoa11cd)
----
select format('England infants aged 0 carried to LSOA 2021 total %s, but the LSOA 2011 estimates total %s', c, n)
from (select sum(age_0) c from population where geography = 'lsoa21' and code like 'E%') a,
     (select sum(age_0) n from population where geography = 'lsoa11' and code like 'E%') b
where abs(c - n) > 1e-6
----
select format('area %s %s has an empty or invalid geometry', level, code) from area where st_isempty(geom) or not st_isvalid(geom)
