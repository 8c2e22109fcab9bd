namespace Cradle.Core.Catalog;

/// <summary>How a level's outlines are made: an official boundary table, or dissolved from the
/// areas of a finer level that nest in it (so that every level's edges coincide at every zoom).</summary>
public sealed record LevelGeometry(string? Table = null, string? DissolveFrom = null)
{
    /// <summary>An official boundary file's rows: <paramref name="select"/> gives code, name, geom (27700).</summary>
    public static LevelGeometry Official(string select) => new(Table: select);
    public static LevelGeometry Dissolved(string from) => new(DissolveFrom: from);
}

/// <summary>Vector tiles of a level: its zoom range.</summary>
public sealed record LevelTiles(int MinZoom, int MaxZoom = 14);

/// <summary>
/// One level of areas, in one place: what its codes look like, what it is called, how each
/// English LSOA 2021 is assigned to it (SQL run on the staging schema at load time), its parents,
/// how its outlines are made, its tile layer, its OGC collection, and where else it appears.
/// The loader, the model, the API, the tiles, OGC, maps and the viewer all read this.
/// </summary>
public sealed record AreaLevel(
    string Id,
    string Singular,
    string Plural,
    string CodePattern,
    string Vintage,
    string Description,
    /// <summary>SQL returning (lsoa, code, name) for each English LSOA 2021 in an area of this level.</summary>
    string Membership,
    LevelGeometry Geometry,
    /// <summary>The coarser levels an area of this level lists as its parents, in the order shown.</summary>
    IReadOnlyList<string> Parents,
    int ExpectedInEngland,
    LevelTiles? Tiles,
    bool Ogc = true,
    bool Search = true,
    bool Gaps = true,
    bool Maps = true,
    /// <summary>SQL run before <see cref="Membership"/> (helper tables it reads).</summary>
    string? Prepare = null,
    /// <summary>SQL queries returning one text column of problems; any row fails the load.</summary>
    IReadOnlyList<string>? Checks = null,
    /// <summary>Whether a team's service area may name areas of this level.</summary>
    bool TeamServiceArea = false,
    /// <summary>Whether GET /reports/{level}/{code}.pdf makes a case-for-change report for its areas.</summary>
    bool Reports = true,
    /// <summary>When this vintage of the level came into force (null: not dated here).</summary>
    DateOnly? InForceFrom = null,
    /// <summary>The last day it was in force; null while it is.</summary>
    DateOnly? InForceTo = null,
    /// <summary>For an earlier vintage, the id of the level it is a vintage of (icb2024 of icb); null for the level itself.</summary>
    string? VintageOf = null,
    /// <summary>Where the membership is not an official file: what it is derived from and what is inferred.</summary>
    string? Derived = null)
{
    /// <summary>The id of the level this is a vintage of: itself, or the level it was superseded in.</summary>
    public string Family => VintageOf ?? Id;

    /// <summary>The day an earlier vintage was replaced (the day after its last in force); null while it is in force.</summary>
    public DateOnly? ReplacedOn => InForceTo?.AddDays(1);

    /// <summary>Whether this vintage was in force on a day (an undated one always is).</summary>
    public bool InForceOn(DateOnly day) => (InForceFrom is null || day >= InForceFrom) && (InForceTo is null || day <= InForceTo);
}

/// <summary>The catalog of levels, finest first. Adding a level is one entry here (and the manifest entries for its data).</summary>
public static class AreaLevels
{
    public static readonly IReadOnlyList<AreaLevel> All =
    [
        new(Id: "lsoa", Singular: "LSOA", Plural: "LSOAs", CodePattern: @"^E01\d{6}$", Vintage: "2021",
            Description: "Lower layer Super Output Areas (December 2021): about 1,500 people each.",
            Membership: "select code as lsoa, code, name from lsoa where country = 'E'",
            Geometry: LevelGeometry.Official("select code, name, geom from src_lsoa21"),
            Parents: ["lad", "utla", "sicbl", "icb", "nhser", "region"], ExpectedInEngland: 33_755, Tiles: new LevelTiles(8), Search: false, Gaps: false, Maps: false,
            TeamServiceArea: true, Reports: false),
        new(Id: "lad", Singular: "District", Plural: "Districts", CodePattern: @"^E0[6-9]\d{6}$", Vintage: "2024",
            Description: "Local authority districts (May 2024): unitary authorities, metropolitan districts, London boroughs and shire districts.",
            Membership: "select l.code as lsoa, l.lad_code as code, d.name from lsoa l join src_lad24 d on d.code = l.lad_code where l.country = 'E'",
            Geometry: LevelGeometry.Official("select code, name, geom from src_lad24"),
            Parents: ["utla", "sicbl", "icb", "nhser", "region"], ExpectedInEngland: 296, Tiles: new LevelTiles(0), TeamServiceArea: true),
        new(Id: "utla", Singular: "Upper-tier council", Plural: "Upper-tier councils", CodePattern: @"^E(0[6-9]|10)\d{6}$", Vintage: "2023",
            Description: "Upper-tier local authorities: county councils and unitary authorities, which hold the public health grant and children's services. A unitary authority, metropolitan district or London borough is its own upper tier.",
            Membership: "select l.code as lsoa, l.utla_code as code, u.utla23nm as name from lsoa l join (select distinct utla23cd, utla23nm from src_ltla23_utla23) u on u.utla23cd = l.utla_code where l.country = 'E'",
            Geometry: LevelGeometry.Dissolved("lad"),
            Parents: ["icb", "nhser", "region"], ExpectedInEngland: 153, Tiles: new LevelTiles(0), TeamServiceArea: true),
        // Sub-ICB locations of 1 April 2026. One that holds exactly the LSOAs of one of April 2024 with the same ODS code keeps its ONS
        // code (103 of 106); D9Y0V, enlarged, became E38000266 (ONS postcode directory, May 2026: shared/research/geography-2026.md);
        // U2G6B (new) and the enlarged 92A have no ONS code known here, so their ODS code stands in, said as such. Names follow ONS's
        // pattern "<ICB> ICB - <ODS code>" with the ICB of 2026: derived, like the lookup.
        new(Id: "sicbl", Singular: "Sub-ICB location", Plural: "Sub-ICB locations", CodePattern: @"^(E38\d{6}|[0-9A-Z]{3}|[0-9A-Z]{5})$", Vintage: "2026-04",
            Description: "Sub-ICB locations as of 1 April 2026 (106): 23 moved whole to a new ICB; Frimley's D4U1Y was closed and split between U2G6B (new, East Berkshire), D9Y0V (Hampshire) and 92A (Surrey). U2G6B and 92A are known here only by their ODS codes.",
            Membership: """
            with m as (
              select i.lsoa21cd, j.sicbl24cd, j.sicbl24cdh, i.sicbl26cdh, i.icb26nm
              from src_lsoa21_icb26 i join src_lsoa21_icb24 j using (lsoa21cd)),
            kept as (
              select m.sicbl26cdh, min(m.sicbl24cd) as code from m group by m.sicbl26cdh
              having count(distinct m.sicbl24cd) = 1 and bool_and(m.sicbl24cdh = m.sicbl26cdh)
                 and count(*) = (select count(*) from src_lsoa21_icb24 t where t.sicbl24cd = min(m.sicbl24cd)))
            select m.lsoa21cd as lsoa, coalesce(k.code, n.ons, m.sicbl26cdh) as code,
                   replace(m.icb26nm, 'Integrated Care Board', 'ICB') || ' - ' || m.sicbl26cdh as name
            from m left join kept k using (sicbl26cdh)
            left join (values ('D9Y0V', 'E38000266')) as n(ods, ons) on n.ods = m.sicbl26cdh
            join lsoa l on l.code = m.lsoa21cd where l.country = 'E'
            """,
            Geometry: LevelGeometry.Dissolved("lsoa"),
            Parents: ["icb", "nhser", "region"], ExpectedInEngland: 106, Tiles: new LevelTiles(0), InForceFrom: new DateOnly(2026, 4, 1),
            Derived: "Derived, not an official file: from Cradle's derived April 2026 lookup; 103 sub-ICB locations keep their April 2024 ONS codes, D9Y0V's is E38000266, U2G6B and 92A are given by their ODS codes (no ONS code known); names follow ONS's pattern with the ICB of 2026."),
        new(Id: "sicbl2024", Singular: "Sub-ICB location (April 2024)", Plural: "Sub-ICB locations (April 2024)", CodePattern: @"^E38\d{6}$", Vintage: "2024-04",
            Description: "Sub-ICB locations of April 2024 (106), the former CCG areas, in force until 31 March 2026.",
            Membership: "select l.code as lsoa, l.sicbl_code as code, s.sicbl24nm as name from lsoa l join (select distinct sicbl24cd, sicbl24nm from src_lsoa21_icb24) s on s.sicbl24cd = l.sicbl_code where l.country = 'E'",
            Geometry: LevelGeometry.Dissolved("lsoa"),
            Parents: ["icb2024", "region"], ExpectedInEngland: 106, Tiles: new LevelTiles(0), Search: false,
            InForceFrom: new DateOnly(2024, 4, 1), InForceTo: new DateOnly(2026, 3, 31), VintageOf: "sicbl"),
        new(Id: "icb", Singular: "ICB", Plural: "ICBs", CodePattern: @"^E54\d{6}$", Vintage: "2026-04",
            Description: "Integrated Care Boards as of 1 April 2026 (36): six new ICBs replaced twelve, and Hampshire and Isle of Wight gained the Hampshire part of Frimley. From Cradle's derived April 2026 lookup: Frimley's split (455 LSOAs) is inferred by district.",
            Membership: "select i.lsoa21cd as lsoa, i.icb26cd as code, i.icb26nm as name from src_lsoa21_icb26 i join lsoa l on l.code = i.lsoa21cd where l.country = 'E'",
            Geometry: LevelGeometry.Dissolved("sicbl"),
            Parents: ["nhser", "region"], ExpectedInEngland: 36, Tiles: new LevelTiles(0), InForceFrom: new DateOnly(2026, 4, 1),
            Derived: "Derived, not an official file: ONS's April 2024 lookup moved by the ODS successions of 1 April 2026; Frimley's split by district (455 LSOAs, basis inferred_frimley_split_by_district) is inferred. ONS's official April 2026 lookup replaces it (docs/data-pipeline.md)."),
        new(Id: "icb2024", Singular: "ICB (April 2024)", Plural: "ICBs (April 2024)", CodePattern: @"^E54\d{6}$", Vintage: "2024-04",
            Description: "Integrated Care Boards of April 2024 (42), in force until 31 March 2026: for older figures and the ICBs abolished on 1 April 2026.",
            Membership: "select l.code as lsoa, l.icb_code as code, i.icb24nm as name from lsoa l join (select distinct icb24cd, icb24nm from src_lsoa21_icb24) i on i.icb24cd = l.icb_code where l.country = 'E'",
            Geometry: LevelGeometry.Dissolved("sicbl2024"),
            Parents: ["nhser", "region"], ExpectedInEngland: 42, Tiles: new LevelTiles(0), Search: false, Gaps: true,
            InForceFrom: new DateOnly(2024, 4, 1), InForceTo: new DateOnly(2026, 3, 31), VintageOf: "icb"),

        new(Id: "nhser", Singular: "NHS region", Plural: "NHS regions", CodePattern: @"^E40\d{6}$", Vintage: "2024",
            Description: "NHS England regions (January 2024). No lookup is published: each ICB is assigned to the region in which its LSOAs' population-weighted centroids fall.",
            Membership: "select m.lsoa, r.nhser_code as code, r.nhser_name as name from lsoa_membership m join icb_nhser r on r.icb_code = m.area_code where m.level = 'icb'",
            Geometry: LevelGeometry.Dissolved("icb"),
            Parents: [], ExpectedInEngland: 7, Tiles: new LevelTiles(0),
            Prepare: """
                create temporary table icb_lsoa_nhser on commit drop as
                select m.area_code as icb_code, n.nhser24cd as nhser_code, n.nhser24nm as nhser_name, count(*) as lsoas
                from lsoa_membership m
                join src_lsoa21_pwc c on c.lsoa21cd = m.lsoa
                join src_nhser24 n on st_contains(n.geom, st_setsrid(st_point(c.x, c.y), 27700))
                where m.level = 'icb'
                group by 1, 2, 3;
                create temporary table icb_nhser on commit drop as
                select icb_code, min(nhser_code) as nhser_code, min(nhser_name) as nhser_name from icb_lsoa_nhser group by icb_code having count(*) = 1;
                """,
            Checks:
            [
                """
                select format('ICB %s (%s): its LSOAs'' population-weighted centroids fall in %s NHS regions (%s); an ICB must lie wholly in one',
                              x.icb_code, min(m.area_name), count(*), string_agg(x.nhser_name || ': ' || x.lsoas || ' LSOAs', ', ' order by x.lsoas desc))
                from icb_lsoa_nhser x join lsoa_membership m on m.level = 'icb' and m.area_code = x.icb_code
                group by x.icb_code having count(distinct x.nhser_code) > 1
                """,
                """
                select format('ICB %s (%s): none of its LSOAs'' population-weighted centroids falls in an NHS region', m.area_code, min(m.area_name))
                from lsoa_membership m where m.level = 'icb' and not exists (select 1 from icb_lsoa_nhser x where x.icb_code = m.area_code)
                group by m.area_code
                """,
            ]),
        new(Id: "region", Singular: "Region", Plural: "Regions", CodePattern: @"^E12\d{6}$", Vintage: "2023",
            Description: "Regions (December 2023), as ONS publishes statistics for them.",
            Membership: "select l.code as lsoa, l.region_code as code, r.rgn23nm as name from lsoa l join (select distinct rgn23cd, rgn23nm from src_lad_rgn23) r on r.rgn23cd = l.region_code where l.country = 'E'",
            Geometry: LevelGeometry.Dissolved("lad"),
            Parents: ["england"], ExpectedInEngland: 9, Tiles: new LevelTiles(0)),
        new(Id: "england", Singular: "England", Plural: "England", CodePattern: @"^E92000001$", Vintage: "2024",
            Description: "England as a whole.",
            Membership: "select code as lsoa, 'E92000001' as code, 'England' as name from lsoa where country = 'E'",
            Geometry: LevelGeometry.Dissolved("region"),
            Parents: [], ExpectedInEngland: 1, Tiles: null, Ogc: false, Search: false, Gaps: false, Maps: false, Reports: false),
    ];

    public static AreaLevel Get(string id) => All.FirstOrDefault(l => l.Id == id) ?? throw new KeyNotFoundException($"no level '{id}' in the catalog");

    public static bool TryGet(string? id, out AreaLevel level)
    {
        level = All.FirstOrDefault(l => l.Id == id)!;
        return level is not null;
    }

    /// <summary>The vintage of a level in force on a day: the level itself or one of its earlier vintages; null if none was.</summary>
    public static AreaLevel? InForce(string id, DateOnly day) =>
        All.Where(l => l.Family == Get(id).Family).FirstOrDefault(l => l.InForceOn(day));

    /// <summary>The vintages of a level, newest first, for messages.</summary>
    public static IReadOnlyList<AreaLevel> Vintages(string id) => All.Where(l => l.Family == Get(id).Family).ToList();

    /// <summary>Ids of the levels for which something holds, for messages and parameter lists.</summary>
    public static string[] Ids(Func<AreaLevel, bool>? f = null) => All.Where(f ?? (_ => true)).Select(l => l.Id).ToArray();
}
