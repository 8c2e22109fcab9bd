using System.IO.Compression;
using System.Text.Json.Nodes;
using Cradle.Api.Infrastructure;
using Cradle.Core.Catalog;
using Cradle.Data.Tiles;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Tiles;

public static class TileEndpoints
{
    public const string MvtType = "application/vnd.mapbox-vector-tile";
    const string Attribution = "Contains OS data © Crown copyright and database right 2024. Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains public sector information licensed under the Open Government Licence v3.0 (MHCLG, English indices of deprivation 2025).";

    public static void MapTiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tiles").WithTags("Tiles");
        group.MapGet("/{layer}/{z}/{x}/{y}.mvt", Tile).AllowQuery("v").Produces(200, contentType: MvtType).Produces(304).ProducesProblem(400).ProducesProblem(404).ProducesProblem(503)
            .WithSummary("A Mapbox vector tile (Web Mercator XYZ)")
            .WithDescription($"Layers: {string.Join(", ", TileStore.Layers.Select(l => l.MinZoom > 0 ? $"{l.Id} (from zoom {l.MinZoom})" : l.Id))}. Each area carries code, name and the figures {string.Join(", ", TileFigures.Columns.Select(f => f.Id))} (GET /api/catalog describes each; imd_decile for LSOAs only). 204 for an empty tile; gzip when accepted; ETag and 304; a tile made for the request gives its database time in Server-Timing (db;dur, ms).");
        group.MapGet("/{layer}.json", TileJson).AllowQuery().WithSummary("TileJSON 3.0 for a layer").Produces(200, contentType: "application/json").ProducesProblem(404).ProducesProblem(503);
        group.MapGet("/style.json", Style).AllowQuery().WithSummary("A MapLibre style for the default view: districts by unmet need per 1,000 births").Produces(200, contentType: "application/json");
    }

    static TileLayer? Find(string id) => TileStore.Layers.FirstOrDefault(l => l.Id == id);

    static async Task<Results<FileContentHttpResult, NoContent, StatusCodeHttpResult, ProblemHttpResult>> Tile(HttpContext http, ModelStore store,
        TilePublisher publisher, TileStore tiles, TileCache cache, string layer, string z, string x, string y, CancellationToken ct)
    {
        var spec = Find(layer);
        if (spec is null) return ApiProblems.NotFound("layer", $"No tile layer '{ModelQuery.Clip(layer)}'; layers are {string.Join(", ", TileStore.Layers.Select(l => l.Id))}.");
        if (!int.TryParse(z, out var zi) || zi < 0 || zi > 22) return ApiProblems.BadParameter("z", $"'{ModelQuery.Clip(z)}' is not a zoom from 0 to 22");
        if (zi < spec.MinZoom) return ApiProblems.BadParameter("z", $"the {layer} layer starts at zoom {spec.MinZoom}");
        long n = 1L << zi;
        if (!long.TryParse(x, out var xl) || xl < 0 || xl >= n) return ApiProblems.BadParameter("x", $"'{ModelQuery.Clip(x)}' is not a column from 0 to {n - 1} at zoom {zi}");
        if (!long.TryParse(y, out var yl) || yl < 0 || yl >= n) return ApiProblems.BadParameter("y", $"'{ModelQuery.Clip(y)}' is not a row from 0 to {n - 1} at zoom {zi}");

        // Tiles are read at the newest published edition (at most a moment behind an edit).
        var edition = await publisher.EditionForTilesAsync(await store.CurrentVersionAsync(ct), TimeSpan.FromSeconds(5), ct);
        if (edition is null) return NotYetPublished(http);
        long version = edition.DataVersion;
        var key = new TileKey(edition, layer, zi, (int)xl, (int)yl);
        bool gzip = http.Request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        // The gzip and the plain tile are two representations: two ETags.
        var etag = $"\"v{edition.Tag}-{layer}-{zi}-{xl}-{yl}{(gzip ? "-gz" : "")}\"";
        var response = http.Response;
        response.Headers.ETag = etag;
        response.Headers.Vary = "Accept-Encoding";
        response.Headers["X-Data-Version"] = version.ToString();
        // A URL carrying the current edition's tag (as TileJSON's does) never changes.
        response.Headers.CacheControl = http.Request.Query["v"] == edition.Tag
            ? "public, max-age=86400, immutable" : "public, max-age=60, must-revalidate";
        if (Cradle.Api.Infrastructure.DataVersionETags.NotModified(http.Request, etag)) return TypedResults.StatusCode(304);

        bool hit = cache.TryGet(key, out var tile);
        // off: no cache; hit: from the cache (made by an earlier request or the warmer); miss: made now.
        response.Headers["X-Tile-Cache"] = !cache.Enabled ? "off" : hit ? "hit" : "miss";
        if (!hit)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var raw = await tiles.TileAsync(layer, zi, (int)xl, (int)yl, version, ct);
            // How long the database took to make the tile (W3C Server Timing): what is left of a
            // client's wait is this server and the network, so a slow tile can be placed.
            response.Headers["Server-Timing"] = FormattableString.Invariant($"db;dur={System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.###}");
            // Nothing to keep and a client that wants it plain: no gzip to write and undo.
            if (raw.Length > 0 && !cache.Enabled && !gzip) return TypedResults.Bytes(raw, MvtType);
            tile = CachedTile.From(raw);
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

    /// <summary>No figures are published yet (the first load is still running): say so, and let nothing cache it.</summary>
    static ProblemHttpResult NotYetPublished(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(title: "Tiles not ready", detail: "The tile figures of the data are not published yet (a load is still running); try again shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    static byte[] Gunzip(byte[] gzipped)
    {
        using var gz = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    static string BaseUrl(HttpRequest r) => r.PublicBase();

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> TileJson(HttpRequest request, ModelStore store, TilePublisher publisher, string layer, CancellationToken ct)
    {
        var spec = Find(layer);
        if (spec is null) return ApiProblems.NotFound("layer", $"No tile layer '{ModelQuery.Clip(layer)}'.");
        var edition = await publisher.EditionForTilesAsync(await store.CurrentVersionAsync(ct), TimeSpan.FromSeconds(5), ct);
        if (edition is null) return NotYetPublished(request.HttpContext);
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
            ["tiles"] = new JsonArray($"{BaseUrl(request)}/tiles/{spec.Id}/{{z}}/{{x}}/{{y}}.mvt?v={edition.Tag}"),
            ["minzoom"] = spec.MinZoom,
            ["maxzoom"] = spec.MaxZoom,
            ["bounds"] = new JsonArray(TileStore.Bounds.Select(b => (JsonNode)b).ToArray()),
            ["center"] = new JsonArray(-1.5, 53.0, Math.Max(spec.MinZoom, 6)),
            ["vector_layers"] = new JsonArray(new JsonObject
            {
                ["id"] = spec.Id, ["description"] = spec.Title, ["minzoom"] = spec.MinZoom, ["maxzoom"] = spec.MaxZoom, ["fields"] = fields,
            }),
            ["data_version"] = edition.DataVersion,
            ["as_of"] = edition.AsOf.ToString("yyyy-MM-dd"),
        };
        // A level's tiles name the vintage of its areas (ICBs of April 2026, or of April 2024 for icb2024).
        if (Cradle.Core.Catalog.AreaLevels.TryGet(spec.Id, out var level))
            doc["vintage"] = new JsonObject
            {
                ["vintage"] = level.Vintage, ["in_force_from"] = level.InForceFrom?.ToString("yyyy-MM-dd"), ["in_force_to"] = level.InForceTo?.ToString("yyyy-MM-dd"),
            };
        return TypedResults.Text(doc.ToJsonString(), "application/json");
    }

    /// <summary>
    /// The default view as a MapLibre style: districts by unmet need per 1,000 births in the
    /// catalog's classes and palette, with the areas no team is known to serve marked, and the
    /// catalog's other levels outlined.
    /// </summary>
    /// <summary>
    /// A figure's classes as one fill layer each, a filter and a plain colour: what QGIS 3.22's style
    /// converter turns into classes (it cannot read step, case or coalesce, and drew no fill at all).
    /// An area without the figure (no births) is grey, not the lowest class.
    /// </summary>
    static IEnumerable<JsonObject> ClassFills(Figure figure)
    {
        var palette = Figures.PaletteOf(figure).Colours;
        var breaks = figure.Breaks!;
        JsonObject Fill(string id, JsonArray filter, string colour) => new()
        {
            ["id"] = id, ["type"] = "fill", ["source"] = "lad", ["source-layer"] = "lad", ["filter"] = filter,
            ["paint"] = new JsonObject { ["fill-color"] = colour, ["fill-opacity"] = 0.85 },
        };
        yield return Fill("lad-unmet-none", new JsonArray("!", new JsonArray("has", figure.Id)), Figures.NoValueColour);
        for (int k = 0; k < breaks.Length; k++)
        {
            var filter = new JsonArray("all", new JsonArray("has", figure.Id));
            if (k > 0) filter.Add(new JsonArray(">=", new JsonArray("get", figure.Id), breaks[k]));
            if (k + 1 < breaks.Length) filter.Add(new JsonArray("<", new JsonArray("get", figure.Id), breaks[k + 1]));
            yield return Fill($"lad-unmet-{k}", filter, palette[k]);
        }
    }

    static ContentHttpResult Style(HttpRequest request)
    {
        var b = BaseUrl(request);
        var figure = Figures.Get("unmet_need_per_1000_births");
        var palette = Figures.PaletteOf(figure).Colours;
        var sources = new JsonObject();
        foreach (var layer in TileStore.Layers) sources[layer.Id] = new JsonObject { ["type"] = "vector", ["url"] = $"{b}/tiles/{layer.Id}.json" };
        var layers = new JsonArray(
            new JsonObject { ["id"] = "background", ["type"] = "background", ["paint"] = new JsonObject { ["background-color"] = "#f3f2f1" } },
            new JsonObject { ["id"] = "lad-not-known", ["type"] = "line", ["source"] = "lad", ["source-layer"] = "lad", ["filter"] = new JsonArray("==", new JsonArray("get", "team_state"), "not_known"),
                ["paint"] = new JsonObject { ["line-color"] = "#0b0c0c", ["line-width"] = 0.8, ["line-dasharray"] = new JsonArray(1, 2) } },
            new JsonObject { ["id"] = "lad-confirmed-none", ["type"] = "line", ["source"] = "lad", ["source-layer"] = "lad", ["filter"] = new JsonArray("==", new JsonArray("get", "team_state"), "confirmed_none"),
                ["paint"] = new JsonObject { ["line-color"] = "#d4351c", ["line-width"] = 1.5 } },
            new JsonObject { ["id"] = "lad-outline", ["type"] = "line", ["source"] = "lad", ["source-layer"] = "lad", ["paint"] = new JsonObject { ["line-color"] = "#ffffff", ["line-width"] = 0.4 } });
        // The classes first, beneath the outlines.
        foreach (var fill in ClassFills(figure).Reverse()) layers.Insert(1, fill);
        // The ICBs and regions outlined, heavier the coarser. (The other levels are left out, not hidden: QGIS 3.22
        // reads visibility from the wrong place and would draw them all.)
        foreach (var (level, width) in AreaLevels.All.Where(l => l.Tiles is not null && l.Id is not ("lsoa" or "lad")).Select((l, i) => (l, 0.8 + 0.3 * i)))
            if (level.Id is "icb" or "region")
                layers.Add(new JsonObject { ["id"] = $"{level.Id}-outline", ["type"] = "line", ["source"] = level.Id, ["source-layer"] = level.Id,
                    ["paint"] = new JsonObject { ["line-color"] = "#0b0c0c", ["line-width"] = Math.Round(width, 1) } });
        layers.Add(new JsonObject { ["id"] = "teams-area", ["type"] = "line", ["source"] = "teams", ["source-layer"] = "teams",
            ["filter"] = new JsonArray("all", new JsonArray("==", new JsonArray("get", "kind"), "service_area"), new JsonArray("==", new JsonArray("get", "status"), "active")),
            ["paint"] = new JsonObject { ["line-color"] = "#ffdd00", ["line-width"] = 3 } });
        var style = new JsonObject
        {
            ["version"] = 8,
            ["name"] = "Cradle: unmet need for parent-infant relationship teams",
            ["sources"] = sources,
            ["layers"] = layers,
            ["metadata"] = new JsonObject { ["attribution"] = Attribution },
        };
        return TypedResults.Text(style.ToJsonString(), "application/json");
    }
}
