using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Data.Store;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Cradle.Data.Tiles;

/// <summary>
/// One publication of the tile figures: a data version's, as they stand on one day (team states
/// age: a statement of "no team" stops counting once it is too old).
/// </summary>
public sealed record TileEdition(long DataVersion, DateOnly AsOf)
{
    /// <summary>Today's edition of a data version (UTC, as the model dates it, by the clock given: the system's by default).</summary>
    public static TileEdition Today(long version, TimeProvider? clock = null) => new(version, (clock ?? TimeProvider.System).Today());

    /// <summary>Whether this edition is later than <paramref name="other"/>: a newer version, or the same one on a later day.</summary>
    public bool IsAfter(TileEdition? other) => other is null || DataVersion > other.DataVersion || (DataVersion == other.DataVersion && AsOf > other.AsOf);

    /// <summary>The tag tile URLs and ETags carry: it changes whenever the figures may.</summary>
    public string Tag => $"{DataVersion}.{AsOf:yyyyMMdd}";
}

/// <summary>
/// The figures vector tiles show, published once per data version and day (default model
/// parameters): by the load, by a register import, and by the API's background publisher after
/// a register edit or at midnight. Tile requests only read them. Publishing is idempotent and one
/// publisher writes at a time per database, so several processes may all try.
/// </summary>
public static class TileFigures
{
    /// <summary>The tile figures' columns, in order: every figure the catalog marks for tiles.</summary>
    public static readonly IReadOnlyList<Figure> Columns = Figures.All.Where(f => f.Tile).ToList();

    static string SqlType(Figure f) => f.Format switch
    {
        FigureFormat.Category => "text",
        FigureFormat.Flag => "boolean",
        // A rank or decile is an integer in the tile, so a GIS client types the field as one.
        FigureFormat.Ordinal => "integer",
        _ => "real",
    };

    static string UdtName(Figure f) => SqlType(f) switch { "text" => "text", "boolean" => "bool", "integer" => "int4", _ => "float4" };

    /// <summary>The table's DDL, made from the catalog: a figure added there is a column here.</summary>
    static string Schema => $"""
        create table if not exists cradle_meta.tile_figures (
          data_version bigint not null, level text not null, code text not null,
          {string.Join(", ", Columns.Select(f => $"{f.Id} {SqlType(f)}"))},
          primary key (data_version, level, code));
        {CradleDatabase.Sql("tile-teams.sql")}
        """;

    /// <summary>The newest published edition, or null when none is.</summary>
    public static async Task<TileEdition?> PublishedAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        // No table, or one made before editions had a day: nothing usable is published (PublishAsync makes it afresh).
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
                select exists (select 1 from information_schema.columns where table_schema = 'cradle_meta' and table_name = 'tile_published' and column_name = 'as_of')
                """, cancellationToken: ct))) return null;
        // Figures published under an older catalog (a column added or retyped) are not usable either: they are published afresh.
        if (!await SchemaIsCurrentAsync(conn, null, ct)) return null;
        var rows = await conn.QueryAsync<(long Version, DateOnly AsOf)>(new CommandDefinition(
            "select data_version, as_of from cradle_meta.tile_published order by data_version desc limit 1", cancellationToken: ct));
        return rows.Select(r => new TileEdition(r.Version, r.AsOf)).SingleOrDefault();
    }

    /// <summary>Publishes today's edition of the current data version unless it is there (a load or import that changed nothing costs two queries).</summary>
    public static async Task<TileEdition> PublishCurrentAsync(NpgsqlDataSource db, CancellationToken ct = default, TimeProvider? clock = null)
    {
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            var today = TileEdition.Today(await conn.ExecuteScalarAsync<long>(new CommandDefinition("select data_version from cradle_meta.state", cancellationToken: ct)), clock);
            if (await PublishedAsync(conn, ct) is { } published && !today.IsAfter(published)) return published;
        }
        return await PublishAsync(db, await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db, ct), ct: ct, clock: clock);
    }

    /// <summary>
    /// Writes today's figures of this snapshot's version unless they are there, replacing an
    /// earlier day's of the same version; returns the edition now published. A caller that holds
    /// the default model's run and deprivation summaries already (the API's model store) passes
    /// them; otherwise they are worked out here.
    /// </summary>
    public static async Task<TileEdition> PublishAsync(NpgsqlDataSource db, ModelSnapshot s, CoverageRun? run = null,
        Func<string, DeprivationSummary[]>? deprivation = null, CancellationToken ct = default, TimeProvider? clock = null)
    {
        var p = new ModelParameters();
        var edition = run is null ? TileEdition.Today(s.DataVersion, clock) : new TileEdition(s.DataVersion, run.AsOf);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(7461726)", transaction: tx, cancellationToken: ct)); // one writer per database
        await EnsureSchemaAsync(conn, tx, ct);
        var published = await conn.QuerySingleOrDefaultAsync<DateOnly?>(new CommandDefinition(
            "select as_of from cradle_meta.tile_published where data_version = @v", new { v = s.DataVersion }, tx, cancellationToken: ct));
        if (published is { } day && day >= edition.AsOf) return edition with { AsOf = day };
        if (published is null)
            // A new version. Keep the one before it too: requests still on it must not find its figures gone.
            await conn.ExecuteAsync(new CommandDefinition("""
                delete from cradle_meta.tile_figures where data_version = @v or data_version < (select coalesce(max(data_version), 0) from cradle_meta.tile_published where data_version < @v);
                delete from cradle_meta.tile_teams where data_version = @v or data_version < (select coalesce(max(data_version), 0) from cradle_meta.tile_published where data_version < @v);
                delete from cradle_meta.tile_published where data_version < (select coalesce(max(data_version), 0) from cradle_meta.tile_published where data_version < @v);
                """, new { v = s.DataVersion }, tx, cancellationToken: ct));
        else
            // An earlier day's edition of this version: only the figures age (team states); the teams' areas stand.
            await conn.ExecuteAsync(new CommandDefinition("delete from cradle_meta.tile_figures where data_version = @v",
                new { v = s.DataVersion }, tx, cancellationToken: ct));
        run ??= CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, asOf: edition.AsOf);
        await WriteFigures(conn, s, run, p, deprivation ?? (level => DeprivationSummaries.Compute(s, level, p.Deprivation, p.Population)), ct);
        if (published is null) await WriteTeams(conn, tx, s, run, ct);
        // Statistics now, not when autovacuum gets to it (a minute or more after a fresh load, with
        // tiles served meanwhile): with none, the planner takes the figures for one row and builds
        // its hash on them; measured once, a district tile 1.59 ms against 1.27 ms with statistics,
        // an LSOA tile 21.9 ms against 17.2 ms.
        await conn.ExecuteAsync(new CommandDefinition("analyze cradle_meta.tile_figures; analyze cradle_meta.tile_teams",
            transaction: tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into cradle_meta.tile_published (data_version, as_of) values (@v, @day)
            on conflict (data_version) do update set as_of = excluded.as_of, published_at = now()
            """, new { v = s.DataVersion, day = edition.AsOf }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return edition;
    }

    /// <summary>The tables' columns as they are, and as the catalog wants them (a figure added, or its type changed, differs).</summary>
    static async Task<bool> SchemaIsCurrentAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var existing = (await conn.QueryAsync<string>(new CommandDefinition("""
            select table_name || '.' || column_name || case when table_name = 'tile_figures' and ordinal_position > 3 then ' ' || udt_name else '' end
            from information_schema.columns
            where table_schema = 'cradle_meta' and table_name in ('tile_figures', 'tile_published') order by table_name, ordinal_position
            """, transaction: tx, cancellationToken: ct))).ToList();
        var wanted = new[] { "data_version", "level", "code" }.Concat(Columns.Select(c => $"{c.Id} {UdtName(c)}")).Select(c => "tile_figures." + c)
            .Concat(new[] { "data_version", "as_of", "published_at" }.Select(c => "tile_published." + c)).ToList();
        return existing.Count == 0 || existing.SequenceEqual(wanted);
    }

    static async Task EnsureSchemaAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        // Tables made before a figure was added to the catalog (or changed type): start them afresh (they are only a cache of the model).
        if (!await SchemaIsCurrentAsync(conn, tx, ct))
            await conn.ExecuteAsync(new CommandDefinition(
                "drop table if exists cradle_meta.tile_figures; drop table if exists cradle_meta.tile_teams; drop table if exists cradle_meta.tile_published",
                transaction: tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(Schema, transaction: tx, cancellationToken: ct));
    }

    static async Task WriteFigures(NpgsqlConnection conn, ModelSnapshot s, CoverageRun run, ModelParameters p,
        Func<string, DeprivationSummary[]> deprivation, CancellationToken ct)
    {
        var decile = s.Deprivation[(p.Deprivation, "imd")].Decile;
        await using var w = await conn.BeginBinaryImportAsync(
            $"copy cradle_meta.tile_figures (data_version, level, code, {string.Join(", ", Columns.Select(c => c.Id))}) from stdin (format binary)", ct);
        foreach (var level in AreaLevels.All.Where(l => l.Tiles is not null))
        {
            var figures = CoverageModel.Aggregate(run, level.Id);
            var ranks = CoverageModel.GapRanks(figures);
            var dep = deprivation(level.Id);
            for (int a = 0; a < figures.Length; a++)
            {
                var f = figures[a];
                await w.StartRowAsync(ct);
                await w.WriteAsync(s.DataVersion, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(level.Id, NpgsqlDbType.Text, ct);
                await w.WriteAsync(f.Code, NpgsqlDbType.Text, ct);
                foreach (var c in Columns)
                {
                    object? value = c.Id switch
                    {
                        "team_state" => f.TeamState.Id(),
                        "no_team" => f.NoTeam,
                        "gap_rank" => ranks[a],
                        // Decile 0: the LSOA has no IoD2025 figure (the load refuses that today; a tile says nothing rather than "decile 0").
                        "imd_decile" => level.Id == "lsoa" && decile[a] > 0 ? (int)decile[a] : null,
                        _ => c.AppliesTo(level.Id) ? c.Value?.Invoke(f, dep[a]) : null,
                    };
                    switch (value)
                    {
                        case null: await w.WriteNullAsync(ct); break;
                        case string text: await w.WriteAsync(text, NpgsqlDbType.Text, ct); break;
                        case bool flag: await w.WriteAsync(flag, NpgsqlDbType.Boolean, ct); break;
                        case int whole: await w.WriteAsync(whole, NpgsqlDbType.Integer, ct); break;
                        case double d when !double.IsFinite(d): await w.WriteNullAsync(ct); break;
                        case double d: await w.WriteAsync((float)d, NpgsqlDbType.Real, ct); break;
                    }
                }
            }
        }
        await w.CompleteAsync(ct);
    }

    /// <summary>Every team's service area (the union of its LSOAs) and base point, in one statement.</summary>
    static async Task WriteTeams(NpgsqlConnection conn, NpgsqlTransaction tx, ModelSnapshot s, CoverageRun run, CancellationToken ct)
    {
        var counted = run.Teams.ToDictionary(t => t.Id);
        var pairs = s.Teams.SelectMany(t => s.TeamLsoas(t).Select(i => (t.Id, Code: s.LsoaCodes[i]))).ToList();
        var teams = s.Teams.Select(t => new
        {
            t.Id, t.Name, t.Status,
            Capacity = t.CapacityFamiliesPerYear ?? (counted.TryGetValue(t.Id, out var m) ? m.Capacity : (double?)null),
            Assumed = t.CapacityFamiliesPerYear is null, t.BaseLon, t.BaseLat,
        }).ToList();
        await conn.ExecuteAsync(new CommandDefinition(CradleDatabase.Sql("tile-teams-publish.sql"), new
        {
            v = s.DataVersion,
            pairIds = pairs.Select(p => p.Id).ToArray(), pairCodes = pairs.Select(p => p.Code).ToArray(),
            ids = teams.Select(t => t.Id).ToArray(), names = teams.Select(t => t.Name).ToArray(), statuses = teams.Select(t => t.Status).ToArray(),
            capacities = teams.Select(t => t.Capacity).ToArray(), assumed = teams.Select(t => t.Assumed).ToArray(),
            lons = teams.Select(t => t.BaseLon).ToArray(), lats = teams.Select(t => t.BaseLat).ToArray(),
        }, tx, cancellationToken: ct));
    }
}
