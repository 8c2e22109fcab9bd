using Cradle.Core.Catalog;
using Dapper;
using Npgsql;

namespace Cradle.Data.Tiles;

/// <summary>A vector tile layer: which areas, from which zoom, with which fields.</summary>
public sealed record TileLayer(string Id, string Title, int MinZoom, int MaxZoom, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Mapbox vector tiles straight from PostGIS (ST_AsMVT) over the zoom-band generalised 3857
/// geometry built at load time, joined to the figures published for a data version
/// (<see cref="TileFigures"/>). Read only.
/// </summary>
public sealed class TileStore(NpgsqlDataSource db)
{
    static string FieldType(Figure f) => f.Format switch
    {
        FigureFormat.Category => "String",
        FigureFormat.Flag => "Boolean",
        _ => "Number", // TileJSON's vector_layers know no integer; the tile itself carries ranks and deciles as integers

    };

    static Dictionary<string, string> AreaFields(string level)
    {
        var fields = new Dictionary<string, string> { ["code"] = "String", ["name"] = "String" };
        foreach (var f in TileFigures.Columns.Where(f => f.AppliesTo(level))) fields[f.Id] = FieldType(f);
        return fields;
    }

    /// <summary>One layer per catalog level with tiles, and the teams.</summary>
    public static readonly IReadOnlyList<TileLayer> Layers =
    [
        .. AreaLevels.All.Where(l => l.Tiles is not null).Select(l => new TileLayer(l.Id, $"{l.Plural} ({l.Vintage})", l.Tiles!.MinZoom, l.Tiles.MaxZoom, AreaFields(l.Id))),
        new("teams", "Parent-infant relationship teams: service areas and bases", 0, 14, new Dictionary<string, string>
        {
            ["id"] = "String", ["name"] = "String", ["status"] = "String", ["capacity"] = "Number",
            ["capacity_assumed"] = "Boolean", ["kind"] = "String",
        }),
    ];

    /// <summary>England in lon/lat, for TileJSON and OGC extents.</summary>
    public static readonly double[] Bounds = [-6.42, 49.86, 1.77, 55.82];

    /// <summary>The XYZ (Web Mercator) tile at zoom z holding a point in lon/lat.</summary>
    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        int n = 1 << z;
        int x = (int)Math.Floor((lon + 180) / 360 * n);
        int y = (int)Math.Floor((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }

    /// <summary>The zoom band whose generalisation suits zoom z (see tile_band in derive.sql).</summary>
    public static int Band(int z) => z <= 5 ? 0 : z <= 8 ? 1 : z <= 11 ? 2 : 3;

    /// <summary>
    /// The SQL of one area tile: the same query the benchmark runs directly in PostGIS. ST_AsMVT
    /// skips the rows whose clipped geometry is null; filtering them out here would have
    /// PostgreSQL run ST_AsMVTGeom twice per row (a third of the time of a dense LSOA tile).
    /// </summary>
    public static readonly string AreaTileSql = $"""
        select st_asmvt(q, @layer, 4096, 'geom') from (
          select t.code, t.name, {string.Join(", ", TileFigures.Columns.Select(c => "f." + c.Id))},
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
