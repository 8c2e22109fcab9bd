using Cradle.Geo.Coverage;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Cradle.Geo.Tiles;

/// <summary>A vector tile layer: which areas, from which zoom, with which fields.</summary>
public sealed record TileLayer(string Id, string Title, int MinZoom, int MaxZoom, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Mapbox vector tiles straight from PostGIS (ST_AsMVT) over the zoom-band generalised 3857
/// geometry built at load time, joined to the model's figures for the current data version.
/// </summary>
public sealed class TileStore(NpgsqlDataSource db)
{
    static readonly Dictionary<string, string> AreaFields = new()
    {
        ["code"] = "String", ["name"] = "String",
        ["unmet_per_1000"] = "Number", ["coverage"] = "Number", ["need"] = "Number", ["unmet"] = "Number",
        ["infants"] = "Number", ["no_team"] = "Boolean", ["team_state"] = "String", ["imd_score"] = "Number", ["deprived_share"] = "Number", ["gap_rank"] = "Number",
    };

    public static readonly IReadOnlyList<TileLayer> Layers =
    [
        new("region", "Regions", 0, 14, AreaFields),
        new("icb", "Integrated Care Boards (April 2024)", 0, 14, AreaFields),
        new("sicbl", "Sub-ICB locations (April 2024)", 0, 14, AreaFields),
        new("lad", "Local authority districts (May 2024)", 0, 14, AreaFields),
        new("lsoa", "LSOA 2021", 8, 14, new Dictionary<string, string>(AreaFields) { ["imd_decile"] = "Number" }),
        new("teams", "Parent-infant relationship teams: service areas and bases", 0, 14, new Dictionary<string, string>
        {
            ["id"] = "String", ["name"] = "String", ["status"] = "String", ["capacity"] = "Number",
            ["capacity_assumed"] = "Boolean", ["kind"] = "String",
        }),
    ];

    /// <summary>England in lon/lat, for TileJSON and OGC extents.</summary>
    public static readonly double[] Bounds = [-6.42, 49.86, 1.77, 55.82];

    const string Schema = """
        create unlogged table if not exists cradle_meta.tile_figures (
          data_version bigint not null, level text not null, code text not null,
          unmet_per_1000 real, coverage real, need real, unmet real, infants real, no_team boolean,
          imd_score real, deprived_share real, gap_rank int, imd_decile smallint, team_state text,
          primary key (data_version, level, code));
        alter table cradle_meta.tile_figures add column if not exists team_state text;
        create unlogged table if not exists cradle_meta.tile_teams (
          data_version bigint not null, id text not null, name text not null, status text not null,
          capacity real, capacity_assumed boolean not null, kind text not null, geom geometry(Geometry, 3857) not null);
        create index if not exists tile_teams_version on cradle_meta.tile_teams (data_version);
        """;

    long _written = -1;
    readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>
    /// Writes the figures tiles show for this data version (default parameters), once. Older
    /// versions are dropped; a concurrent writer of the same version is harmless.
    /// </summary>
    public async Task EnsureFiguresAsync(ModelSnapshot s, CoverageRun run, Func<string, DeprivationSummary[]> deprivation, CancellationToken ct)
    {
        if (Volatile.Read(ref _written) == s.DataVersion) return;
        await _writing.WaitAsync(ct);
        try
        {
            if (_written == s.DataVersion) return;
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(Schema);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await conn.ExecuteAsync("select pg_advisory_xact_lock(7461726)", transaction: tx); // one writer per database
            bool present = await conn.ExecuteScalarAsync<bool>("select exists (select 1 from cradle_meta.tile_figures where data_version = @v)", new { v = s.DataVersion }, tx);
            if (!present)
            {
                // Keep the previous version too: requests still on it must not find its figures gone.
                await conn.ExecuteAsync("""
                    delete from cradle_meta.tile_figures where data_version < (select coalesce(max(data_version), 0) from cradle_meta.tile_figures where data_version < @v);
                    delete from cradle_meta.tile_teams where data_version < (select coalesce(max(data_version), 0) from cradle_meta.tile_teams where data_version < @v);
                    """, new { v = s.DataVersion }, tx);
                await WriteFigures(conn, s, run, deprivation, ct);
                await WriteTeams(conn, tx, s, run);
            }
            await tx.CommitAsync(ct);
            _written = s.DataVersion;
        }
        finally { _writing.Release(); }
    }

    static async Task WriteFigures(NpgsqlConnection conn, ModelSnapshot s, CoverageRun run, Func<string, DeprivationSummary[]> deprivation, CancellationToken ct)
    {
        var decile = s.Deprivation[("iod2025", "imd")].Decile;
        await using var w = await conn.BeginBinaryImportAsync(
            "copy cradle_meta.tile_figures (data_version, level, code, unmet_per_1000, coverage, need, unmet, infants, no_team, imd_score, deprived_share, gap_rank, imd_decile, team_state) from stdin (format binary)", ct);
        foreach (var level in new[] { "lsoa", "lad", "sicbl", "icb", "region" })
        {
            var figures = CoverageModel.Aggregate(run, level);
            var ranks = CoverageModel.GapRanks(figures);
            var dep = deprivation(level);
            for (int a = 0; a < figures.Length; a++)
            {
                var f = figures[a];
                await w.StartRowAsync(ct);
                await w.WriteAsync(s.DataVersion, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(level, NpgsqlDbType.Text, ct);
                await w.WriteAsync(f.Code, NpgsqlDbType.Text, ct);
                if (f.UnmetPer1000Births is { } u) await w.WriteAsync((float)u, NpgsqlDbType.Real, ct); else await w.WriteNullAsync(ct);
                await w.WriteAsync((float)f.GeographicCoverage, NpgsqlDbType.Real, ct);
                await w.WriteAsync((float)f.Need, NpgsqlDbType.Real, ct);
                await w.WriteAsync((float)f.Unmet, NpgsqlDbType.Real, ct);
                await w.WriteAsync((float)f.Infants, NpgsqlDbType.Real, ct);
                await w.WriteAsync(f.NoTeam, NpgsqlDbType.Boolean, ct);
                if (dep[a].MeanImdScore is { } score) await w.WriteAsync((float)score, NpgsqlDbType.Real, ct); else await w.WriteNullAsync(ct);
                await w.WriteAsync((float)dep[a].ShareInfantsDeciles12, NpgsqlDbType.Real, ct);
                await w.WriteAsync(ranks[a], NpgsqlDbType.Integer, ct);
                if (level == "lsoa") await w.WriteAsync((short)decile[a], NpgsqlDbType.Smallint, ct); else await w.WriteNullAsync(ct);
                await w.WriteAsync(f.TeamState.Id(), NpgsqlDbType.Text, ct);
            }
        }
        await w.CompleteAsync(ct);
    }

    /// <summary>Each team's service area (the union of its LSOAs) and, where known, its base point.</summary>
    static async Task WriteTeams(NpgsqlConnection conn, NpgsqlTransaction tx, ModelSnapshot s, CoverageRun run)
    {
        var capacities = run.Teams.ToDictionary(t => t.Id);
        foreach (var t in s.Teams)
        {
            var codes = s.Resolve(t.ServiceAreas).Lsoas.Select(i => s.LsoaCodes[i]).ToArray();
            double? capacity = t.CapacityFamiliesPerYear ?? (capacities.TryGetValue(t.Id, out var m) ? m.Capacity : null);
            var args = new { v = s.DataVersion, t.Id, t.Name, t.Status, capacity, assumed = t.CapacityFamiliesPerYear is null, codes, t.BaseLon, t.BaseLat };
            await conn.ExecuteAsync("""
                insert into cradle_meta.tile_teams (data_version, id, name, status, capacity, capacity_assumed, kind, geom)
                select @v, @Id, @Name, @Status, @capacity, @assumed, 'service_area', st_transform(st_union(geom), 3857)
                from cradle.area where level = 'lsoa' and code = any(@codes)
                having count(*) > 0
                """, args, tx);
            if (t.BaseLon is not null && t.BaseLat is not null)
                await conn.ExecuteAsync("""
                    insert into cradle_meta.tile_teams (data_version, id, name, status, capacity, capacity_assumed, kind, geom)
                    values (@v, @Id, @Name, @Status, @capacity, @assumed, 'base', st_transform(st_setsrid(st_point(@BaseLon, @BaseLat), 4326), 3857))
                    """, args, tx);
        }
    }

    /// <summary>The zoom band whose generalisation suits zoom z (see tile_band in derive.sql).</summary>
    public static int Band(int z) => z <= 5 ? 0 : z <= 8 ? 1 : z <= 11 ? 2 : 3;

    /// <summary>
    /// The SQL of one area tile: the same query the benchmark runs directly in PostGIS. ST_AsMVT
    /// skips the rows whose clipped geometry is null; filtering them out here would have
    /// PostgreSQL run ST_AsMVTGeom twice per row (a third of the time of a dense LSOA tile).
    /// </summary>
    public const string AreaTileSql = """
        select st_asmvt(q, @layer, 4096, 'geom') from (
          select t.code, t.name, f.unmet_per_1000, f.coverage, f.need, f.unmet, f.infants, f.no_team, f.team_state,
                 f.imd_score, f.deprived_share, f.gap_rank, f.imd_decile,
                 st_asmvtgeom(t.geom, st_tileenvelope(@z, @x, @y), 4096, 64, true) as geom
          from cradle.area_tile t
          left join cradle_meta.tile_figures f on f.data_version = @v and f.level = t.level and f.code = t.code
          where t.level = @layer and t.zband = @band and t.geom && st_tileenvelope(@z, @x, @y)
        ) q
        """;

    const string TeamTileSql = """
        select st_asmvt(q, 'teams', 4096, 'geom') from (
          select id, name, status, capacity, capacity_assumed, kind,
                 st_asmvtgeom(case when kind = 'base' then geom
                                   else st_simplifypreservetopology(geom, @tolerance) end,
                              st_tileenvelope(@z, @x, @y), 4096, 64, true) as geom
          from cradle_meta.tile_teams
          where data_version = @v and geom && st_tileenvelope(@z, @x, @y)
        ) q where q.geom is not null
        """;

    /// <summary>The raw (uncompressed) MVT bytes of a tile; empty when no feature falls in it.</summary>
    public async Task<byte[]> TileAsync(string layer, int z, int x, int y, long version, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (layer == "teams")
        {
            double tolerance = 40075016.686 / (4096.0 * (1 << z)); // one tile unit
            return await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(TeamTileSql, new { z, x, y, v = version, tolerance }, cancellationToken: ct)) ?? [];
        }
        return await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(AreaTileSql,
            new { layer, z, x, y, v = version, band = Band(z) }, cancellationToken: ct)) ?? [];
    }
}
