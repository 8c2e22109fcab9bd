using Cradle.Geo.Register;
using Dapper;
using Npgsql;

namespace Cradle.Geo.Coverage;

/// <summary>The areas of one level: codes, names, and which area each LSOA falls in.</summary>
public sealed class AreaLevel(string name, string[] codes, string[] names, int[] lsoaArea)
{
    public string Name { get; } = name;
    public string[] Codes { get; } = codes;
    public string[] Names { get; } = names;
    /// <summary>For each LSOA (by snapshot index), the index of its area at this level, or −1.</summary>
    public int[] LsoaArea { get; } = lsoaArea;
    public Dictionary<string, int> Index { get; } = codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
    public int Count => Codes.Length;
}

/// <summary>
/// Per-LSOA counts of one population vintage: births (the age-0 count stands in), infants
/// (ages 0 and 1) and all ages. Mid-2024 infants are estimates constrained to ONS's district
/// figures; mid-2020 ones are ONS's LSOA 2011 estimates carried to LSOA 2021.
/// </summary>
public sealed record PopulationValues(string Id, string Description, double[] Births, double[] Infants, double[] Total);

/// <summary>Children in relative low income families in one area, as DWP publishes them (or England, derived).</summary>
public sealed record ChildPovertyPoint(string Measure, int Fye, double Percent, double? Children, bool Derived);

/// <summary>Per-LSOA values of one deprivation measure of one vintage (NaN / 0 where missing).</summary>
public sealed record MeasureValues(double[] Score, int[] Rank, int[] Decile);

public sealed record ParentShare(string Level, string Code, string Name, double InfantsShare, long Lsoas);

/// <summary>
/// Everything the coverage model needs, read from PostGIS once per data version: England's
/// LSOA 2021 with births, infants and deprivation, the areas of every level, and the register.
/// Immutable: a new data version makes a new snapshot.
/// </summary>
public sealed class ModelSnapshot
{
    public required long DataVersion { get; init; }
    public required string[] LsoaCodes { get; init; }
    public required string[] LsoaNames { get; init; }
    /// <summary>Population vintages by id (<see cref="ModelParameters.Populations"/>).</summary>
    public required Dictionary<string, PopulationValues> Populations { get; init; }
    /// <summary>IMD 2019's own denominators (File 6, mid-2015), carried to LSOA 2021.</summary>
    public required double[] Population2015 { get; init; }
    /// <summary>Children in low income families by district, upper-tier council and England.</summary>
    public required Dictionary<string, List<ChildPovertyPoint>> ChildPoverty { get; init; }
    /// <summary>Each LSOA's upper-tier council (E06, E08, E09 or E10 code).</summary>
    public required string?[] LsoaUpperTier { get; init; }
    public required IReadOnlyList<AreaEvidence> Evidence { get; init; }
    public required Dictionary<string, AreaLevel> Levels { get; init; }
    public required Dictionary<(string Vintage, string Measure), MeasureValues> Deprivation { get; init; }
    public required Dictionary<(string Level, string Code), List<ParentShare>> Parents { get; init; }
    public required Dictionary<string, int[]> WardLsoas { get; init; }
    public required Dictionary<string, string[]> LadNeighbours { get; init; }
    public required IReadOnlyList<Team> Teams { get; init; }
    public required Dictionary<string, string> AreaLevelOfCode { get; init; }

    public int LsoaCount => LsoaCodes.Length;
    public static readonly string[] LevelNames = ["lsoa", "lad", "sicbl", "icb", "region", "england"];

    Dictionary<int, int[]>? _ladLsoas;

    /// <summary>Each district's LSOAs, built once.</summary>
    Dictionary<int, int[]> LadLsoas => _ladLsoas ??= Enumerable.Range(0, LsoaCount)
        .Where(k => Levels["lad"].LsoaArea[k] >= 0).GroupBy(k => Levels["lad"].LsoaArea[k]).ToDictionary(g => g.Key, g => g.ToArray());

    Dictionary<string, int[]>? _upperTierLsoas;

    /// <summary>Each upper-tier council's LSOAs (a county's are those of its districts).</summary>
    Dictionary<string, int[]> UpperTierLsoas => _upperTierLsoas ??= Enumerable.Range(0, LsoaCount)
        .Where(k => LsoaUpperTier[k] is not null).GroupBy(k => LsoaUpperTier[k]!).ToDictionary(g => g.Key, g => g.ToArray());

    Dictionary<(string, int), int[]>? _areaLsoas;

    /// <summary>The LSOAs of an area of any level, built once per level.</summary>
    int[] AreaLsoas(string level, int area)
    {
        if (_areaLsoas is null)
        {
            var map = new Dictionary<(string, int), List<int>>();
            foreach (var (name, lv) in Levels)
                if (name is not ("lsoa" or "lad"))
                    for (int k = 0; k < LsoaCount; k++)
                        if (lv.LsoaArea[k] >= 0) (map.TryGetValue((name, lv.LsoaArea[k]), out var l) ? l : map[(name, lv.LsoaArea[k])] = []).Add(k);
            _areaLsoas = map.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        }
        return _areaLsoas.GetValueOrDefault((level, area)) ?? [];
    }

    /// <summary>
    /// LSOA indexes of areas given as LAD 2024, upper-tier council, ward 2024 or LSOA 2021 codes
    /// (with <paramref name="anyLevel"/>, also sub-ICB locations, ICBs, regions); unknown codes are returned.
    /// </summary>
    public (int[] Lsoas, List<string> Unknown) Resolve(IEnumerable<string> codes, bool anyLevel = false)
    {
        var set = new HashSet<int>();
        var unknown = new List<string>();
        var lad = Levels["lad"];
        var lsoa = Levels["lsoa"];
        foreach (var code in codes.Distinct())
        {
            if (code.StartsWith("E05") && WardLsoas.TryGetValue(code, out var ward)) set.UnionWith(ward);
            else if (lsoa.Index.TryGetValue(code, out var i)) set.Add(i);
            else if (lad.Index.TryGetValue(code, out var a)) set.UnionWith(LadLsoas.GetValueOrDefault(a) ?? []);
            else if (UpperTierLsoas.TryGetValue(code, out var u)) set.UnionWith(u);
            else if (anyLevel && AreaLevelOfCode.TryGetValue(code, out var level)) set.UnionWith(AreaLsoas(level, Levels[level].Index[code]));
            else unknown.Add(code);
        }
        var result = set.ToArray();
        Array.Sort(result);
        return (result, unknown);
    }

    public PopulationValues Population(string id) => Populations[id];

    /// <summary>Reads everything in one repeatable-read transaction, so the snapshot is of one data version.</summary>
    public static async Task<ModelSnapshot> LoadAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var version = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select data_version from cradle_meta.state", cancellationToken: ct));
        var lsoas = (await conn.QueryAsync<LsoaRow>(new CommandDefinition("""
            select l.code, l.name, l.lad_code as Lad, l.utla_code as UpperTier, l.sicbl_code as Sicbl, l.icb_code as Icb, l.region_code as Region,
                   l.ward_code as Ward,
                   p.age_0 as Age0, p.age_1 as Age1, p.all_ages as AllAges,
                   q.age_0 as Age0Mid2024, q.age_1 as Age1Mid2024, q.all_ages as AllAgesMid2024,
                   coalesce(w.population_mid2015, 0)::double precision as Pop2015
            from cradle.lsoa l
            join cradle.population p on p.vintage = 'mid-2020' and p.geography = 'lsoa21' and p.code = l.code
            join cradle.population q on q.vintage = 'mid-2024' and q.geography = 'lsoa21' and q.code = l.code
            left join cradle.population_imd2019_lsoa21 w on w.code = l.code
            where l.country = 'E'
            order by l.code
            """, cancellationToken: ct))).ToList();
        int n = lsoas.Count;
        var lsoaIndex = lsoas.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i);

        var areas = (await conn.QueryAsync<(string Level, string Code, string Name)>(new CommandDefinition(
            "select level, code, name from cradle.area where country = 'E' and level in ('lad', 'sicbl', 'icb', 'region', 'england') order by level, code",
            cancellationToken: ct))).ToLookup(a => a.Level);
        AreaLevel Level(string level, Func<LsoaRow, string?> of)
        {
            var rows = areas[level].ToList();
            var idx = rows.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i);
            return new AreaLevel(level, rows.Select(r => r.Code).ToArray(), rows.Select(r => r.Name).ToArray(),
                lsoas.Select(r => of(r) is { } c && idx.TryGetValue(c, out var k) ? k : -1).ToArray());
        }
        var levels = new Dictionary<string, AreaLevel>
        {
            ["lsoa"] = new("lsoa", lsoas.Select(r => r.Code).ToArray(), lsoas.Select(r => r.Name).ToArray(), Enumerable.Range(0, n).ToArray()),
            ["lad"] = Level("lad", r => r.Lad),
            ["sicbl"] = Level("sicbl", r => r.Sicbl),
            ["icb"] = Level("icb", r => r.Icb),
            ["region"] = Level("region", r => r.Region),
            ["england"] = Level("england", _ => "E92000001"),
        };

        var deprivation = new Dictionary<(string, string), MeasureValues>();
        foreach (var d in await conn.QueryAsync<(string Vintage, string Measure, string Code, double? Score, int Rank, int Decile)>(new CommandDefinition(
            "select vintage, measure, code, score, rank, decile from cradle.deprivation where geography = 'lsoa21' and code like 'E%'", cancellationToken: ct)))
        {
            if (!lsoaIndex.TryGetValue(d.Code, out var i)) continue;
            if (!deprivation.TryGetValue((d.Vintage, d.Measure), out var m))
                deprivation[(d.Vintage, d.Measure)] = m = new MeasureValues(Enumerable.Repeat(double.NaN, n).ToArray(), new int[n], new int[n]);
            m.Score[i] = d.Score ?? double.NaN;
            m.Rank[i] = d.Rank;
            m.Decile[i] = d.Decile;
        }

        var names = areas.SelectMany(g => g).ToDictionary(a => (a.Level, a.Code), a => a.Name);
        var parents = (await conn.QueryAsync<(string Level, string Code, string ParentLevel, string ParentCode, double? InfantsShare, long Lsoas)>(new CommandDefinition(
            "select level, code, parent_level, parent_code, infants_share, lsoa_count from cradle.area_parent", cancellationToken: ct)))
            .GroupBy(p => (p.Level, p.Code))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.InfantsShare ?? 0).ThenBy(p => p.ParentCode)
                .Select(p => new ParentShare(p.ParentLevel, p.ParentCode, names.GetValueOrDefault((p.ParentLevel, p.ParentCode), p.ParentCode), p.InfantsShare ?? 0, p.Lsoas)).ToList());

        var wards = lsoas.Select((r, i) => (r.Ward, i)).Where(x => x.Ward is not null).GroupBy(x => x.Ward!).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
        var neighbours = (await conn.QueryAsync<(string Lad, string Neighbour)>(new CommandDefinition("select lad, neighbour from cradle.lad_adjacency", cancellationToken: ct)))
            .GroupBy(x => x.Lad).ToDictionary(g => g.Key, g => g.Select(x => x.Neighbour).ToArray());
        var teams = await TeamRegister.ListAsync(conn, ct);
        var evidence = await TeamRegister.EvidenceAsync(conn, ct);
        var poverty = (await conn.QueryAsync<(string Code, string Measure, int Fye, double Percent, double? Children, bool Derived)>(new CommandDefinition(
            "select code, measure, fye, percent, children, derived from cradle.child_poverty order by code, measure, fye", cancellationToken: ct)))
            .GroupBy(x => x.Code).ToDictionary(g => g.Key, g => g.Select(x => new ChildPovertyPoint(x.Measure, x.Fye, x.Percent, x.Children, x.Derived)).ToList());

        var levelOf = new Dictionary<string, string>();
        foreach (var (name, level) in levels) foreach (var code in level.Codes) levelOf.TryAdd(code, name);

        return new ModelSnapshot
        {
            DataVersion = version,
            LsoaCodes = levels["lsoa"].Codes,
            LsoaNames = levels["lsoa"].Names,
            Populations = new()
            {
                ["mid2024"] = new("mid2024", ModelParameters.PopulationDescriptions["mid2024"], lsoas.Select(r => r.Age0Mid2024).ToArray(),
                    lsoas.Select(r => r.Age0Mid2024 + r.Age1Mid2024).ToArray(), lsoas.Select(r => r.AllAgesMid2024).ToArray()),
                ["mid2020"] = new("mid2020", ModelParameters.PopulationDescriptions["mid2020"], lsoas.Select(r => r.Age0).ToArray(),
                    lsoas.Select(r => r.Age0 + r.Age1).ToArray(), lsoas.Select(r => r.AllAges).ToArray()),
            },
            Population2015 = lsoas.Select(r => r.Pop2015).ToArray(),
            ChildPoverty = poverty,
            LsoaUpperTier = lsoas.Select(r => r.UpperTier).ToArray(),
            Evidence = evidence,
            Levels = levels,
            Deprivation = deprivation,
            Parents = parents,
            WardLsoas = wards,
            LadNeighbours = neighbours,
            Teams = teams,
            AreaLevelOfCode = levelOf,
        };
    }

    sealed record LsoaRow(string Code, string Name, string? Lad, string? UpperTier, string? Sicbl, string? Icb, string? Region, string? Ward,
        double Age0, double Age1, double AllAges, double Age0Mid2024, double Age1Mid2024, double AllAgesMid2024, double Pop2015);
}
