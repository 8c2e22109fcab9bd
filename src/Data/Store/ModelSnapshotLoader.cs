using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Data.Register;
using Dapper;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>
/// Reads a <see cref="ModelSnapshot"/> from the database: the model itself (Coverage) knows nothing
/// of PostgreSQL, so it can be built by hand in the fast tests.
/// </summary>
public static class ModelSnapshotLoader
{
    /// <summary>Reads everything in one repeatable-read transaction, so the snapshot is of one data version.</summary>
    public static async Task<ModelSnapshot> LoadAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var version = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select data_version from cradle_meta.state", cancellationToken: ct));
        var lsoas = (await conn.QueryAsync<LsoaRow>(new CommandDefinition("""
            select l.code, l.ward_code as Ward, l.ward_name as WardName, l.icb_basis as IcbBasis,
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

        // Every level of the catalog: its English areas (code order) and each LSOA's area.
        var areas = (await conn.QueryAsync<(string Level, string Code, string Name)>(new CommandDefinition(
            "select level, code, name from cradle.area where country = 'E' and level = any(@levels) order by level, code",
            new { levels = Cradle.Core.Catalog.AreaLevels.Ids() }, cancellationToken: ct))).ToLookup(a => a.Level);
        var membership = (await conn.QueryAsync<(string Level, string Lsoa, string Code)>(new CommandDefinition(
            "select level, lsoa, area_code from cradle.lsoa_membership", cancellationToken: ct))).ToLookup(m => m.Level);
        var levels = new Dictionary<string, LevelAreas>();
        foreach (var spec in Cradle.Core.Catalog.AreaLevels.All)
        {
            var rows = areas[spec.Id].ToList();
            var idx = rows.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i);
            var of = Enumerable.Repeat(-1, n).ToArray();
            foreach (var m in membership[spec.Id])
                if (lsoaIndex.TryGetValue(m.Lsoa, out var k) && idx.TryGetValue(m.Code, out var a)) of[k] = a;
            levels[spec.Id] = new LevelAreas(spec, rows.Select(r => r.Code).ToArray(), rows.Select(r => r.Name).ToArray(), of);
        }

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

        // Every per-LSOA array is indexed by the LSOA level's code order: the population rows must be those very codes.
        var lsoaLevel = levels["lsoa"].Codes;
        if (lsoaLevel.Length != n || !lsoas.Select(r => r.Code).SequenceEqual(lsoaLevel, StringComparer.Ordinal))
            throw new InvalidOperationException(
                $"the data is inconsistent: {n} English LSOAs have both populations but the LSOA level holds {lsoaLevel.Length} " +
                $"(first difference: {lsoas.Select(r => r.Code).Zip(lsoaLevel).FirstOrDefault(x => x.First != x.Second)}); reload with 'cradle load'");
        var infants2024 = lsoas.Select(r => r.Age0Mid2024 + r.Age1Mid2024).ToArray();
        var parents = ModelSnapshot.ParentShares(levels, infants2024);

        var wards = lsoas.Select((r, i) => (r.Ward, i)).Where(x => x.Ward is not null).GroupBy(x => x.Ward!).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
        var neighbours = (await conn.QueryAsync<(string Lad, string Neighbour)>(new CommandDefinition("select lad, neighbour from cradle.lad_adjacency", cancellationToken: ct)))
            .GroupBy(x => x.Lad).ToDictionary(g => g.Key, g => g.Select(x => x.Neighbour).ToArray());
        var teams = await TeamRegister.ListAsync(conn, ct);
        var changes = (await conn.QueryAsync<(string Date, string Status, string Level, string Code, string? Name, string? Becomes, string Says, string SourceUrl, string SourceDate)>(new CommandDefinition(
            "select to_char(date, 'YYYY-MM-DD'), status, level, code, name, becomes, says, source_url, source_date from cradle.area_change order by date, level, code", cancellationToken: ct)))
            .Select(c => new AreaChange(DateOnly.ParseExact(c.Date, "yyyy-MM-dd"), c.Status, c.Level, c.Code, c.Name, c.Becomes, c.Says, c.SourceUrl, c.SourceDate)).ToList();
        var evidence = await TeamRegister.EvidenceAsync(conn, ct);
        var poverty = (await conn.QueryAsync<(string Code, string Measure, int Fye, double Percent, double? Children, bool Derived)>(new CommandDefinition(
            "select code, measure, fye, percent, children, derived from cradle.child_poverty order by code, measure, fye", cancellationToken: ct)))
            .GroupBy(x => x.Code).ToDictionary(g => g.Key, g => g.Select(x => new ChildPovertyPoint(x.Measure, x.Fye, x.Percent, x.Children, x.Derived)).ToList());

        var km2 = (await conn.QueryAsync<(string Level, string Code, double Km2)>(new CommandDefinition(
            "select level, code, st_area(geom) / 1e6 from cradle.area where country = 'E' and level = any(@levels)",
            new { levels = Cradle.Core.Case.SimilarAreas.Levels }, cancellationToken: ct))).ToDictionary(x => (x.Level, x.Code), x => x.Km2);

        var levelOf = new Dictionary<string, string>();
        foreach (var (name, level) in levels) foreach (var code in level.Codes) levelOf.TryAdd(code, name);

        return new ModelSnapshot
        {
            DataVersion = version,
            LsoaCodes = levels["lsoa"].Codes,
            Populations = new()
            {
                ["mid2024"] = new(lsoas.Select(r => r.Age0Mid2024).ToArray(),
                    lsoas.Select(r => r.Age0Mid2024 + r.Age1Mid2024).ToArray(), lsoas.Select(r => r.AllAgesMid2024).ToArray()),
                ["mid2020"] = new(lsoas.Select(r => r.Age0).ToArray(),
                    lsoas.Select(r => r.Age0 + r.Age1).ToArray(), lsoas.Select(r => r.AllAges).ToArray()),
            },
            Population2015 = lsoas.Select(r => r.Pop2015).ToArray(),
            ChildPoverty = poverty,
            Evidence = evidence,
            Levels = levels,
            Deprivation = deprivation,
            Parents = parents,
            WardLsoas = wards,
            WardNames = lsoas.Where(r => r.Ward is not null && r.WardName is not null).GroupBy(r => r.Ward!).ToDictionary(g => g.Key, g => g.First().WardName!),
            LadNeighbours = neighbours,
            Teams = teams,
            AreaLevelOfCode = levelOf,
            AreaKm2 = km2,
            IcbBasis = lsoas.Select(r => r.IcbBasis).ToArray(),
            Changes = changes,
        };
    }

    internal sealed record LsoaRow(string Code, string? Ward, string? WardName, string? IcbBasis,
        double Age0, double Age1, double AllAges, double Age0Mid2024, double Age1Mid2024, double AllAgesMid2024, double Pop2015);
}
