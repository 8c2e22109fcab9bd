using System.IO.Compression;
using System.Text.Json.Nodes;
using Cradle.Api.Infrastructure;
using Cradle.Geo.Tiles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Tiles;

public static class TileEndpoints
{
    public const string MvtType = "application/vnd.mapbox-vector-tile";
    const string Attribution = "Contains OS data © Crown copyright and database right 2024. Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains public sector information licensed under the Open Government Licence v3.0 (MHCLG, English indices of deprivation 2025).";

    public static void MapTiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tiles").WithTags("Tiles");
        group.MapGet("/{layer}/{z}/{x}/{y}.mvt", Tile).AllowQuery("v")
            .WithSummary("A Mapbox vector tile (Web Mercator XYZ)")
            .WithDescription("Layers: region, icb, sicbl, lad, lsoa (from zoom 8) and teams. Each area carries code, name, unmet_per_1000 (unmet need per 1,000 births), coverage (geographic, 0–1), need, unmet, infants, no_team, team_state (served, in_development, confirmed_none or not_known: the state of most of the area's infants), imd_score, deprived_share (infants in deciles 1–2), gap_rank; LSOAs also imd_decile. 204 for an empty tile; gzip when accepted; ETag and 304.");
        group.MapGet("/{layer}.json", TileJson).AllowQuery().WithSummary("TileJSON 3.0 for a layer");
        group.MapGet("/style.json", Style).AllowQuery().WithSummary("A MapLibre style for the default view: districts by unmet need per 1,000 births");
    }

    static TileLayer? Find(string id) => TileStore.Layers.FirstOrDefault(l => l.Id == id);

    static async Task<IResult> Tile(HttpContext http, ModelStore store, TileStore tiles, TileCache cache, string layer, string z, string x, string y, CancellationToken ct)
    {
        var spec = Find(layer);
        if (spec is null) return ApiProblems.NotFound("layer", $"No tile layer '{ModelQuery.Clip(layer)}'; layers are {string.Join(", ", TileStore.Layers.Select(l => l.Id))}.");
        if (!int.TryParse(z, out var zi) || zi < 0 || zi > 22) return ApiProblems.BadParameter("z", $"'{ModelQuery.Clip(z)}' is not a zoom from 0 to 22");
        if (zi < spec.MinZoom) return ApiProblems.BadParameter("z", $"the {layer} layer starts at zoom {spec.MinZoom}");
        long n = 1L << zi;
        if (!long.TryParse(x, out var xl) || xl < 0 || xl >= n) return ApiProblems.BadParameter("x", $"'{ModelQuery.Clip(x)}' is not a column from 0 to {n - 1} at zoom {zi}");
        if (!long.TryParse(y, out var yl) || yl < 0 || yl >= n) return ApiProblems.BadParameter("y", $"'{ModelQuery.Clip(y)}' is not a row from 0 to {n - 1} at zoom {zi}");

        var s = await store.SnapshotAsync(ct);
        var key = new TileKey(s.DataVersion, layer, zi, (int)xl, (int)yl);
        var etag = $"\"v{s.DataVersion}-{layer}-{zi}-{xl}-{yl}\"";
        var response = http.Response;
        response.Headers.ETag = etag;
        response.Headers.Vary = "Accept-Encoding";
        response.Headers["X-Data-Version"] = s.DataVersion.ToString();
        // A URL carrying the current data version (as TileJSON's does) never changes.
        response.Headers.CacheControl = http.Request.Query["v"] == s.DataVersion.ToString()
            ? "public, max-age=86400, immutable" : "public, max-age=60, must-revalidate";
        if (http.Request.Headers.IfNoneMatch.Any(v => v?.Contains(etag) == true)) return TypedResults.StatusCode(304);

        response.Headers["X-Tile-Cache"] = cache.Enabled ? "on" : "off";
        bool gzip = http.Request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        if (!cache.TryGet(key, out var tile))
        {
            var p = new Cradle.Geo.Coverage.ModelParameters();
            await tiles.EnsureFiguresAsync(s, store.Baseline(s, p), level => store.Deprivation(s, level, p), ct);
            var raw = await tiles.TileAsync(layer, zi, (int)xl, (int)yl, s.DataVersion, ct);
            if (raw.Length == 0) { cache.Add(key, new CachedTile([], 0)); return TypedResults.NoContent(); }
            // Nothing to keep and a client that wants it plain: no gzip to write and undo.
            if (!cache.Enabled && !gzip) return TypedResults.Bytes(raw, MvtType);
            tile = new CachedTile(Gzip(raw), raw.Length);
            cache.Add(key, tile);
        }
        if (tile.RawLength == 0) return TypedResults.NoContent();
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(tile.Gzipped, MvtType);
        }
        return TypedResults.Bytes(Gunzip(tile.Gzipped), MvtType);
    }

    static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    static byte[] Gunzip(byte[] gzipped)
    {
        using var gz = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    static string BaseUrl(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}";

    static async Task<IResult> TileJson(HttpRequest request, ModelStore store, string layer, CancellationToken ct)
    {
        var spec = Find(layer);
        if (spec is null) return ApiProblems.NotFound("layer", $"No tile layer '{ModelQuery.Clip(layer)}'.");
        var version = await store.CurrentVersionAsync(ct);
        var fields = new JsonObject();
        foreach (var (k, v) in spec.Fields) fields[k] = v;
        var doc = new JsonObject
        {
            ["tilejson"] = "3.0.0",
            ["name"] = $"Cradle: {spec.Title}",
            ["description"] = "Need, coverage and unmet need for parent-infant relationship teams in England.",
            ["version"] = "1.0.0",
            ["attribution"] = Attribution,
            ["scheme"] = "xyz",
            ["tiles"] = new JsonArray($"{BaseUrl(request)}/tiles/{spec.Id}/{{z}}/{{x}}/{{y}}.mvt?v={version}"),
            ["minzoom"] = spec.MinZoom,
            ["maxzoom"] = spec.MaxZoom,
            ["bounds"] = new JsonArray(TileStore.Bounds.Select(b => (JsonNode)b).ToArray()),
            ["center"] = new JsonArray(-1.5, 53.0, Math.Max(spec.MinZoom, 6)),
            ["vector_layers"] = new JsonArray(new JsonObject
            {
                ["id"] = spec.Id, ["description"] = spec.Title, ["minzoom"] = spec.MinZoom, ["maxzoom"] = spec.MaxZoom, ["fields"] = fields,
            }),
            ["data_version"] = version,
        };
        return TypedResults.Text(doc.ToJsonString(), "application/json");
    }

    /// <summary>Colour-blind-safe sequential classes (viridis, 5 steps) for unmet need per 1,000 births (0–100).</summary>
    static readonly (double Break, string Colour)[] UnmetClasses = [(0, "#fde725"), (20, "#5ec962"), (40, "#21918c"), (60, "#3b528b"), (80, "#440154")];

    static async Task<IResult> Style(HttpRequest request, ModelStore store, CancellationToken ct)
    {
        await store.CurrentVersionAsync(ct);
        var b = BaseUrl(request);
        JsonObject Source(string id) => new() { ["type"] = "vector", ["url"] = $"{b}/tiles/{id}.json" };
        var step = new JsonArray("step", new JsonArray("coalesce", new JsonArray("get", "unmet_per_1000"), 0), UnmetClasses[0].Colour);
        foreach (var (brk, colour) in UnmetClasses.Skip(1)) { step.Add(brk); step.Add(colour); }
        var style = new JsonObject
        {
            ["version"] = 8,
            ["name"] = "Cradle: unmet need for parent-infant relationship teams",
            ["sources"] = new JsonObject { ["lad"] = Source("lad"), ["icb"] = Source("icb"), ["region"] = Source("region"), ["lsoa"] = Source("lsoa"), ["teams"] = Source("teams") },
            ["layers"] = new JsonArray(
                new JsonObject { ["id"] = "background", ["type"] = "background", ["paint"] = new JsonObject { ["background-color"] = "#f3f2f1" } },
                new JsonObject { ["id"] = "lad-unmet", ["type"] = "fill", ["source"] = "lad", ["source-layer"] = "lad", ["paint"] = new JsonObject { ["fill-color"] = step, ["fill-opacity"] = 0.85 } },
                new JsonObject { ["id"] = "lad-no-team", ["type"] = "line", ["source"] = "lad", ["source-layer"] = "lad", ["filter"] = new JsonArray("==", new JsonArray("get", "no_team"), true),
                    ["paint"] = new JsonObject { ["line-color"] = "#d4351c", ["line-width"] = 1.2, ["line-dasharray"] = new JsonArray(2, 1) } },
                new JsonObject { ["id"] = "lad-outline", ["type"] = "line", ["source"] = "lad", ["source-layer"] = "lad", ["paint"] = new JsonObject { ["line-color"] = "#ffffff", ["line-width"] = 0.4 } },
                new JsonObject { ["id"] = "icb-outline", ["type"] = "line", ["source"] = "icb", ["source-layer"] = "icb", ["paint"] = new JsonObject { ["line-color"] = "#0b0c0c", ["line-width"] = 1.0 } },
                new JsonObject { ["id"] = "region-outline", ["type"] = "line", ["source"] = "region", ["source-layer"] = "region", ["paint"] = new JsonObject { ["line-color"] = "#0b0c0c", ["line-width"] = 2.0 } },
                new JsonObject { ["id"] = "teams-area", ["type"] = "line", ["source"] = "teams", ["source-layer"] = "teams",
                    ["filter"] = new JsonArray("all", new JsonArray("==", new JsonArray("get", "kind"), "service_area"), new JsonArray("==", new JsonArray("get", "status"), "active")),
                    ["paint"] = new JsonObject { ["line-color"] = "#ffdd00", ["line-width"] = 3 } }),
            ["metadata"] = new JsonObject { ["attribution"] = Attribution },
        };
        return TypedResults.Text(style.ToJsonString(), "application/json");
    }
}
