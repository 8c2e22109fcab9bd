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
    public required double[] Births { get; init; }
    public required double[] Infants { get; init; }
    public required double[] Population2020 { get; init; }
    public required double[] Population2015 { get; init; }
    public required Dictionary<string, AreaLevel> Levels { get; init; }
    public required Dictionary<(string Vintage, string Measure), MeasureValues> Deprivation { get; init; }
    public required Dictionary<(string Level, string Code), List<ParentShare>> Parents { get; init; }
    public required Dictionary<string, int[]> WardLsoas { get; init; }
    public required Dictionary<string, string[]> LadNeighbours { get; init; }
    public required IReadOnlyList<Team> Teams { get; init; }
    public required Dictionary<string, string> AreaLevelOfCode { get; init; }

    public int LsoaCount => LsoaCodes.Length;
    public static readonly string[] LevelNames = ["lsoa", "lad", "sicbl", "icb", "region", "england"];

    /// <summary>LSOA indexes of a service area given as LAD 2024, ward 2024 or LSOA 2021 codes; unknown codes are returned.</summary>
    Dictionary<int, int[]>? _ladLsoas;

    /// <summary>Each district's LSOAs, built once.</summary>
    Dictionary<int, int[]> LadLsoas => _ladLsoas ??= Enumerable.Range(0, LsoaCount)
        .Where(k => Levels["lad"].LsoaArea[k] >= 0).GroupBy(k => Levels["lad"].LsoaArea[k]).ToDictionary(g => g.Key, g => g.ToArray());

    public (int[] Lsoas, List<string> Unknown) Resolve(IEnumerable<string> codes)
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
            else unknown.Add(code);
        }
        var result = set.ToArray();
        Array.Sort(result);
        return (result, unknown);
    }

    /// <summary>Reads everything in one repeatable-read transaction, so the snapshot is of one data version.</summary>
    public static async Task<ModelSnapshot> LoadAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var version = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select data_version from cradle_meta.state", cancellationToken: ct));
        var lsoas = (await conn.QueryAsync<LsoaRow>(new CommandDefinition("""
            select l.code, l.name, l.lad_code as Lad, l.sicbl_code as Sicbl, l.icb_code as Icb, l.region_code as Region, l.ward_code as Ward,
                   p.age_0 as Age0, p.age_1 as Age1, p.all_ages as AllAges, coalesce(w.population_mid2015, 0)::double precision as Pop2015
            from cradle.lsoa l
            join cradle.population p on p.vintage = 'mid-2020' and p.geography = 'lsoa21' and p.code = l.code
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

        var levelOf = new Dictionary<string, string>();
        foreach (var (name, level) in levels) foreach (var code in level.Codes) levelOf.TryAdd(code, name);

        return new ModelSnapshot
        {
            DataVersion = version,
            LsoaCodes = levels["lsoa"].Codes,
            LsoaNames = levels["lsoa"].Names,
            Births = lsoas.Select(r => r.Age0).ToArray(),
            Infants = lsoas.Select(r => r.Age0 + r.Age1).ToArray(),
            Population2020 = lsoas.Select(r => r.AllAges).ToArray(),
            Population2015 = lsoas.Select(r => r.Pop2015).ToArray(),
            Levels = levels,
            Deprivation = deprivation,
            Parents = parents,
            WardLsoas = wards,
            LadNeighbours = neighbours,
            Teams = teams,
            AreaLevelOfCode = levelOf,
        };
    }

    sealed record LsoaRow(string Code, string Name, string? Lad, string? Sicbl, string? Icb, string? Region, string? Ward,
        double Age0, double Age1, double AllAges, double Pop2015);
}
