// scale-10x-load and scale-10x-tile: every LSOA 2021 cut into about 10 parts, loaded and tiled
// the same way as the real set, against the same steps on the real set.
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cradle.Data.Tiles;
using Dapper;
using Npgsql;

static class Scale
{
    public sealed record Result(double LoadX1, double LoadX10, double TileX1, double TileX10, long Parts, long PointsX1, long PointsX10);

    /// <summary>
    /// Cuts each LSOA by a 4 × 3 grid over its bounding box (exact intersections, so the parts
    /// tile the LSOA), keeps the non-empty parts, and writes them as gzipped RFC 7946 GeoJSON with
    /// 6 decimals, like the ONS file. Deterministic, so every run measures the same set.
    /// </summary>
    public static async Task<(string File, long Parts, double Seconds)> WriteSyntheticSet(NpgsqlDataSource db, string dir)
    {
        var file = Path.Combine(dir, "lsoa21_x10.geojson.gz");
        var sw = Stopwatch.StartNew();
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("set jit = off");
        await using var cmd = new NpgsqlCommand("""
            with cells as (
              select a.code, a.name, a.geom, i, j,
                     st_makeenvelope(st_xmin(a.geom) + i * (st_xmax(a.geom) - st_xmin(a.geom)) / 4,
                                     st_ymin(a.geom) + j * (st_ymax(a.geom) - st_ymin(a.geom)) / 3,
                                     st_xmin(a.geom) + (i + 1) * (st_xmax(a.geom) - st_xmin(a.geom)) / 4,
                                     st_ymin(a.geom) + (j + 1) * (st_ymax(a.geom) - st_ymin(a.geom)) / 3, 27700) as cell
              from cradle.area a, generate_series(0, 3) i, generate_series(0, 2) j
              where a.level = 'lsoa'
            ), parts as (
              select code, name, i * 3 + j + 1 as part, st_collectionextract(st_intersection(geom, cell), 3) as geom
              from cells
            )
            select code, name, part, st_asgeojson(st_transform(geom, 4326), 6)
            from parts where not st_isempty(geom) and st_area(geom) > 1
            order by code, part
            """, conn) { CommandTimeout = 3600 };
        long n = 0;
        await using (var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        await using (var w = new StreamWriter(gz, new UTF8Encoding(false)))
        {
            await w.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":[\n");
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                if (n++ > 0) await w.WriteAsync(",\n");
                await w.WriteAsync($"{{\"type\":\"Feature\",\"properties\":{{\"LSOA21CD\":{JsonSerializer.Serialize(r.GetString(0))},\"LSOA21NM\":{JsonSerializer.Serialize(r.GetString(1))},\"PART\":{r.GetInt32(2)}}},\"geometry\":{r.GetString(3)}}}");
            }
            await w.WriteAsync("\n]}\n");
        }
        return (file, n, sw.Elapsed.TotalSeconds);
    }

    /// <summary>A manifest holding the real lsoa21 entry and its 10× twin, keyed by code and part.</summary>
    public static string WriteManifest(string root, string dir, string syntheticFile, long parts)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "data/boundaries/manifest.json")))!.AsObject();
        var datasets = manifest["datasets"]!.AsArray();
        var lsoa = datasets.First(d => (string?)d!["id"] == "lsoa21")!;
        var x10 = lsoa.DeepClone().AsObject();
        x10["id"] = "lsoa21x10";
        x10["title"] = "LSOA 2021, each cut into about 10 parts (synthetic, for make bench)";
        x10["table"] = "src_lsoa21x10";
        x10["files"] = new JsonArray(syntheticFile);
        x10["fields"]!.AsArray().Add(new JsonObject { ["name"] = "part", ["headers"] = new JsonArray("PART"), ["type"] = "int", ["key"] = true });
        x10["expect"] = new JsonObject { ["rows"] = parts };
        manifest["datasets"] = new JsonArray(lsoa.DeepClone(), x10);
        manifest.Remove("errata");
        var path = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>The zoom-band tile geometry, built from a raw table by derive.sql's own tile_geometry.</summary>
    public static async Task BuildTileTable(NpgsqlDataSource db, string schema, string rawTable)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync($"""
            set jit = off;
            drop table if exists {schema}.area_tile;
            create table {schema}.area_tile as
            select 'lsoa'::text as level, r.code, b.zband, r.name, cradle.tile_geometry(r.geom, b.tolerance)::geometry(MultiPolygon, 3857) as geom
            from {schema}.{rawTable} r
            cross join cradle.tile_band b
            where r.code like 'E%' and b.minzoom >= 6
            order by b.zband, st_geohash(st_transform(st_pointonsurface(r.geom), 4326), 10);
            create index on {schema}.area_tile using gist (geom) where level = 'lsoa' and zband = 1;
            create index on {schema}.area_tile using gist (geom) where level = 'lsoa' and zband = 2;
            create index on {schema}.area_tile using gist (geom) where level = 'lsoa' and zband = 3;
            create index on {schema}.area_tile (level, zband, code);
            analyze {schema}.area_tile;
            """, commandTimeout: 3600);
    }

    public static async Task<long> Points(NpgsqlDataSource db, string schema, string rawTable)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>($"select sum(st_npoints(geom)) from {schema}.{rawTable}");
    }
}
