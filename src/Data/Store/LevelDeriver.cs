using System.Text.RegularExpressions;
using Cradle.Core.Catalog;
using Dapper;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>
/// The load's derive stage: derive.sql builds the level-independent model (LSOAs, populations,
/// deprivation); then every level of the catalog gets its LSOA membership and its outlines, in
/// catalog order; then derive-areas.sql builds the tiles and adjacency. All in the staging schema,
/// inside the load's transaction.
/// </summary>
public static partial class LevelDeriver
{
    [GeneratedRegex("^[a-z][a-z0-9_]{0,30}$")]
    private static partial Regex Identifier();

    public static async Task RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IProgress<LoadProgress>? progress = null, CancellationToken ct = default)
    {
        await conn.ExecuteAsync(new CommandDefinition(CradleDatabase.Sql("derive.sql"), transaction: tx, commandTimeout: 3600, cancellationToken: ct));
        var problems = new List<string>();
        foreach (var level in AreaLevels.All)
        {
            if (!Identifier().IsMatch(level.Id)) throw new InvalidOperationException($"catalog level id '{level.Id}' is not an identifier");
            progress?.Report(new LoadProgress("model", $"level {level.Id}", 0, null));
            if (level.Prepare is { } prepare) await Exec(conn, tx, prepare, ct);
            await Exec(conn, tx, $"insert into lsoa_membership (lsoa, level, area_code, area_name) select lsoa, '{level.Id}', code, name from ({level.Membership}) m", ct);
            foreach (var check in level.Checks ?? []) problems.AddRange(await LoadChecks.ProblemsAsync(conn, tx, check, ct));
            await Outlines(conn, tx, level, ct);
        }
        problems.AddRange(await LoadChecks.ProblemsAsync(conn, tx, CountCheck(), ct));
        LoadChecks.ThrowIfAny("the areas fail their checks", problems);

        progress?.Report(new LoadProgress("model", "tiles", 0, null));
        await Exec(conn, tx, "create table tile_level (level text primary key, minzoom int not null, maxzoom int not null)", ct);
        foreach (var l in AreaLevels.All.Where(l => l.Tiles is not null))
            await conn.ExecuteAsync(new CommandDefinition("insert into tile_level values (@Id, @Min, @Max)",
                new { l.Id, Min = l.Tiles!.MinZoom, Max = l.Tiles.MaxZoom }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(CradleDatabase.Sql("derive-areas.sql"), transaction: tx, commandTimeout: 3600, cancellationToken: ct));
    }

    /// <summary>
    /// A level's outlines: its official boundary rows, or the union of the areas of the finer level
    /// that nest in it. Dissolving from a level with official outlines (districts) unions that
    /// level's LSOAs instead, so that the dissolved edges coincide with the LSOA-built levels.
    /// </summary>
    static async Task Outlines(NpgsqlConnection conn, NpgsqlTransaction tx, AreaLevel level, CancellationToken ct)
    {
        if (level.Geometry.Table is { } table)
        {
            await Exec(conn, tx, $"insert into area select '{level.Id}', code, name, '{level.Vintage}', left(code, 1), geom from ({table}) t", ct);
            return;
        }
        var from = AreaLevels.Get(level.Geometry.DissolveFrom!);
        string parts = from.Id == "lsoa" ? "(select code, geom from src_lsoa21)"
            : from.Geometry.Table is not null ? await DissolvedFromLsoas(conn, tx, from, ct)
            : $"(select code, geom from area where level = '{from.Id}')";
        // Each finer area must lie in exactly one area of this level, or the union would overlap its neighbours.
        LoadChecks.ThrowIfAny("the areas fail their checks", await LoadChecks.ProblemsAsync(conn, tx, $"""
            select format('%s %s (%s) lies in %s areas of level %s (%s): it cannot be dissolved into them',
                          '{from.Id}', c.area_code, min(c.area_name), count(distinct p.area_code), '{level.Id}', string_agg(distinct p.area_code, ', '))
            from lsoa_membership c join lsoa_membership p on p.lsoa = c.lsoa and p.level = '{level.Id}'
            where c.level = '{from.Id}'
            group by c.area_code having count(distinct p.area_code) > 1
            """, ct));
        await Exec(conn, tx, $"""
            insert into area (level, code, name, vintage, country, geom)
            select '{level.Id}', m.code, m.name, '{level.Vintage}', 'E', st_multi(st_collectionextract(st_union(g.geom), 3))
            from (select distinct c.area_code as part, p.area_code as code, p.area_name as name
                  from lsoa_membership c join lsoa_membership p on p.lsoa = c.lsoa and p.level = '{level.Id}'
                  where c.level = '{from.Id}') m
            join {parts} g on g.code = m.part
            group by m.code, m.name
            """, ct);
    }

    /// <summary>A temporary table of a level's areas as unions of their LSOAs.</summary>
    static async Task<string> DissolvedFromLsoas(NpgsqlConnection conn, NpgsqlTransaction tx, AreaLevel level, CancellationToken ct)
    {
        var name = $"dissolved_{level.Id}";
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select to_regclass(@name) is not null", new { name = "pg_temp." + name }, tx, cancellationToken: ct)))
            await Exec(conn, tx, $"""
                create temporary table {name} on commit drop as
                select m.area_code as code, st_union(b.geom) as geom
                from lsoa_membership m join src_lsoa21 b on b.code = m.lsoa
                where m.level = '{level.Id}'
                group by m.area_code
                """, ct);
        return name;
    }

    /// <summary>Each level has the number of English areas the official geography has, and every English LSOA is in one.</summary>
    static string CountCheck() => $"""
        select format('%s areas at level %s, expected %s', coalesce(n, 0), level, expected)
        from (values {string.Join(", ", AreaLevels.All.Select(l => $"('{l.Id}', {l.ExpectedInEngland})"))}) e(level, expected)
        left join (select level, count(*) n from area where country = 'E' group by level) a using (level)
        where coalesce(n, 0) <> expected
        union all
        select format('%s English LSOAs are in no area of level %s', (select count(*) from lsoa where country = 'E') - count(*), level)
        from lsoa_membership group by level having count(*) <> (select count(*) from lsoa where country = 'E')
        """;

    static Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(sql, transaction: tx, commandTimeout: 3600, cancellationToken: ct));
}
