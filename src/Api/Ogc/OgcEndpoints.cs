using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cradle.Api.Areas;
using Cradle.Api.Infrastructure;
using Cradle.Geo.Catalog;
using Cradle.Geo.Coverage;
using Cradle.Geo.Register;
using Cradle.Geo.Tiles;
using Dapper;
using Npgsql;

namespace Cradle.Api.Ogc;

/// <summary>
/// OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) at /ogc: what lets GDAL's OAPIF driver
/// and QGIS read Cradle's areas and teams. Every link has a type; unknown parameters are 400.
/// </summary>
public static class OgcEndpoints
{
    const string GeoJson = GeoJsonWriter.MediaType;
    const string Json = "application/json";

    /// <summary>One collection per catalog level that has one, and the teams.</summary>
    static readonly (string Id, string Title, string Level)[] Collections =
    [
        .. AreaLevels.All.Where(l => l.Ogc).Select(l => (l.Id, $"{l.Plural} ({l.Vintage}) with need, coverage, unmet need and what is known about teams", l.Id)),
        ("teams", "Parent-infant relationship teams: service areas", "teams"),
    ];

    public static void MapOgc(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ogc").WithTags("OGC API Features");
        // The OGC documents are JSON made to the standard's shapes, declared here as such.
        g.MapGet("/", Landing).AllowQuery("f").WithSummary("OGC API landing page").Produces(200, contentType: Json).ProducesProblem(400);
        g.MapGet("/conformance", Conformance).AllowQuery("f").WithSummary("Conformance classes").Produces(200, contentType: Json).ProducesProblem(400);
        // QGIS 3.22 cannot follow a relative Location: an absolute one (and the landing page links the document itself).
        g.MapGet("/api", (HttpRequest r) => TypedResults.Redirect($"{r.Scheme}://{r.Host}{r.PathBase}/openapi/v1.json")).AllowQuery("f").WithSummary("The API definition (OpenAPI 3.1)");
        g.MapGet("/collections", ListCollections).AllowQuery("f").WithSummary("The feature collections").Produces(200, contentType: Json).ProducesProblem(400);
        g.MapGet("/collections/{id}", Collection).AllowQuery("f").WithSummary("One collection").Produces(200, contentType: Json).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/items", Items).AllowQuery("f", "bbox", "limit", "offset")
            .WithSummary("Features of a collection (bbox in CRS84, limit 1–10,000, default 10; next links)")
            .Produces(200, contentType: GeoJson).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/items/{featureId}", Item).AllowQuery("f").WithSummary("One feature by code (or team id)")
            .Produces(200, contentType: GeoJson).ProducesProblem(400).ProducesProblem(404);
    }

    static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}/ogc";

    static JsonObject Link(string href, string rel, string type, string? title = null)
    {
        var o = new JsonObject { ["href"] = href, ["rel"] = rel, ["type"] = type };
        if (title is not null) o["title"] = title;
        return o;
    }

    static IResult JsonResult(JsonNode node, string type = Json) => TypedResults.Text(node.ToJsonString(), type, Encoding.UTF8);

    static IResult? CheckF(HttpRequest r) =>
        r.Query["f"].FirstOrDefault() is { } f && f is not ("json" or "geojson" or "application/json" or "application/geo+json")
            ? ApiProblems.BadParameter("f", $"'{ModelQuery.Clip(f)}' is not json") : null;

    static IResult Landing(HttpRequest r)
    {
        if (CheckF(r) is { } bad) return bad;
        var b = Base(r);
        return JsonResult(new JsonObject
        {
            ["title"] = "Cradle",
            ["description"] = "Need, coverage and unmet need for parent-infant relationship teams in England, with the team register. Data: ONS and MHCLG, Open Government Licence v3.0.",
            ["links"] = new JsonArray(
                Link(b, "self", Json, "This document"),
                Link($"{r.Scheme}://{r.Host}{r.PathBase}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition"),
                Link($"{b}/conformance", "conformance", Json, "Conformance classes"),
                Link($"{b}/collections", "data", Json, "The feature collections")),
        });
    }

    static IResult Conformance(HttpRequest r) => CheckF(r) ?? JsonResult(new JsonObject
    {
        ["conformsTo"] = new JsonArray(
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"),
    });

    static JsonObject CollectionJson(string b, (string Id, string Title, string Level) c) => new()
    {
        ["id"] = c.Id,
        ["title"] = c.Title,
        ["itemType"] = "feature",
        ["crs"] = new JsonArray("http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        ["extent"] = new JsonObject
        {
            ["spatial"] = new JsonObject
            {
                ["bbox"] = new JsonArray(new JsonArray(TileStore.Bounds.Select(x => (JsonNode)x).ToArray())),
                ["crs"] = "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            },
        },
        ["links"] = new JsonArray(
            Link($"{b}/collections/{c.Id}", "self", Json),
            Link($"{b}/collections/{c.Id}/items", "items", GeoJson, "Features"),
            Link($"{b[..^"/ogc".Length]}/tiles/{c.Id}.json" /* the site root: b ends in /ogc */, "related", Json, "Vector tiles (TileJSON)")),
    };

    static IResult ListCollections(HttpRequest r)
    {
        if (CheckF(r) is { } bad) return bad;
        var b = Base(r);
        return JsonResult(new JsonObject
        {
            ["links"] = new JsonArray(Link($"{b}/collections", "self", Json)),
            ["collections"] = new JsonArray(Collections.Select(c => (JsonNode)CollectionJson(b, c)).ToArray()),
        });
    }

    static IResult Collection(HttpRequest r, string id)
    {
        if (CheckF(r) is { } bad) return bad;
        var c = Collections.FirstOrDefault(x => x.Id == id);
        return c.Id is null ? ApiProblems.NotFound("collection", $"No collection '{ModelQuery.Clip(id)}'.") : JsonResult(CollectionJson(Base(r), c));
    }

    static (double[]? Bbox, IResult? Problem) ParseBbox(string? value)
    {
        if (value is null) return (null, null);
        var parts = value.Split(',');
        var numbers = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
                return (null, ApiProblems.BadParameter("bbox", $"'{ModelQuery.Clip(parts[i])}' is not a number"));
        if (numbers.Length != 4) return (null, ApiProblems.BadParameter("bbox", "give four numbers: min lon, min lat, max lon, max lat (CRS84)"));
        if (numbers[0] > numbers[2] || numbers[1] > numbers[3] || numbers[0] < -180 || numbers[2] > 180 || numbers[1] < -90 || numbers[3] > 90)
            return (null, ApiProblems.BadParameter("bbox", "must be min lon, min lat, max lon, max lat within −180…180 and −90…90"));
        return (numbers, null);
    }

    static async Task<IResult> Items(HttpRequest r, ModelStore store, NpgsqlDataSource db, string id, string? bbox, string? limit, string? offset, CancellationToken ct)
    {
        if (CheckF(r) is { } bad) return bad;
        var c = Collections.FirstOrDefault(x => x.Id == id);
        if (c.Id is null) return ApiProblems.NotFound("collection", $"No collection '{ModelQuery.Clip(id)}'.");
        int n = 10, skip = 0;
        if (limit is not null && !QueryParameterExtensions.IsWholeNumber(limit, 1, 10_000, out n))
            return ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(limit)}' is not a whole number from 1 to 10,000");
        if (offset is not null && !QueryParameterExtensions.IsWholeNumber(offset, 0, int.MaxValue, out skip))
            return ApiProblems.BadParameter("offset", $"'{ModelQuery.Clip(offset)}' is not a whole number from 0");
        var (box, bp) = ParseBbox(bbox);
        if (bp is not null) return bp;

        var s = await store.SnapshotAsync(ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        var where = box is null ? "" : "and st_intersects(geom, st_transform(st_makeenvelope(@x0, @y0, @x1, @y1, 4326), 27700))";
        var args = new { level = c.Level, x0 = box?[0], y0 = box?[1], x1 = box?[2], y1 = box?[3], n, skip };
        List<(string Code, string Geometry)> rows;
        long matched;
        if (c.Id == "teams")
        {
            (rows, matched) = await TeamFeatures(conn, s, box, n, skip, ct);
        }
        else
        {
            matched = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                $"select count(*) from cradle.area where level = @level and country = 'E' {where}", args, cancellationToken: ct));
            rows = (await conn.QueryAsync<(string, string)>(new CommandDefinition(
                $"select code, st_asgeojson(st_transform(geom, 4326), 6) from cradle.area where level = @level and country = 'E' {where} order by code limit @n offset @skip",
                args, cancellationToken: ct))).ToList();
        }
        var b = Base(r);
        var self = $"{b}/collections/{id}/items";
        string Query(int off) => $"?limit={n}&offset={off}" + (bbox is null ? "" : $"&bbox={Uri.EscapeDataString(bbox)}");
        var links = new JsonArray(Link(self + Query(skip), "self", GeoJson), Link($"{b}/collections/{id}", "collection", Json));
        if (skip + rows.Count < matched) links.Add(Link(self + Query(skip + n), "next", GeoJson, "Next page"));
        if (skip > 0) links.Add(Link(self + Query(Math.Max(0, skip - n)), "prev", GeoJson, "Previous page"));
        var features = c.Id == "teams" ? TeamProperties(s, rows) : AreaProperties(store, s, c.Level, rows);
        var body = GeoJsonWriter.Collection(features, w =>
        {
            w.WriteNumber("numberMatched", matched);
            w.WriteNumber("numberReturned", rows.Count);
            w.WriteString("timeStamp", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            w.WritePropertyName("links");
            links.WriteTo(w);
        });
        return TypedResults.Bytes(body, GeoJson);
    }

    static async Task<IResult> Item(HttpRequest r, ModelStore store, NpgsqlDataSource db, string id, string featureId, CancellationToken ct)
    {
        if (CheckF(r) is { } bad) return bad;
        var c = Collections.FirstOrDefault(x => x.Id == id);
        if (c.Id is null) return ApiProblems.NotFound("collection", $"No collection '{ModelQuery.Clip(id)}'.");
        var s = await store.SnapshotAsync(ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        List<(string Code, string Geometry)> rows;
        if (c.Id == "teams") rows = (await TeamFeatures(conn, s, null, 10_000, 0, ct)).Rows.Where(x => x.Code == featureId).ToList();
        else rows = (await conn.QueryAsync<(string, string)>(new CommandDefinition(
            "select code, st_asgeojson(st_transform(geom, 4326), 6) from cradle.area where level = @level and code = @featureId and country = 'E'",
            new { level = c.Level, featureId }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return ApiProblems.NotFound("feature", $"No feature '{ModelQuery.Clip(featureId)}' in {id}.");
        var feature = (c.Id == "teams" ? TeamProperties(s, rows) : AreaProperties(store, s, c.Level, rows)).Single();
        var b = Base(r);
        var links = new JsonArray(Link($"{b}/collections/{id}/items/{Uri.EscapeDataString(featureId)}", "self", GeoJson),
            Link($"{b}/collections/{id}", "collection", Json));
        return TypedResults.Bytes(GeoJsonWriter.Single(feature, w => { w.WritePropertyName("links"); links.WriteTo(w); }), GeoJson);
    }

    static IEnumerable<GeoJsonFeature> AreaProperties(ModelStore store, ModelSnapshot s, string level, List<(string Code, string Geometry)> rows)
    {
        var p = new ModelParameters();
        var (figures, ranks) = store.Figures(s, p, level);
        var dep = store.Deprivation(s, level, p);
        var index = s.Levels[level].Index;
        foreach (var (code, geometry) in rows)
            yield return new GeoJsonFeature(code, geometry, index.TryGetValue(code, out var i)
                ? AreaOutput.Properties(AreaOutput.Build(s, figures[i], ranks[i], dep[i])) : []);
    }

    /// <summary>Each team's service area (the union of its LSOAs), in one query: the union is made
    /// once per team and serves both the bbox test and the answer.</summary>
    static async Task<(List<(string Code, string Geometry)> Rows, long Matched)> TeamFeatures(NpgsqlConnection conn, ModelSnapshot s, double[]? box, int n, int skip, CancellationToken ct)
    {
        var pairs = s.Teams.SelectMany(t => s.TeamLsoas(t).Select(i => (t.Id, Code: s.LsoaCodes[i]))).ToList();
        var rows = (await conn.QueryAsync<(string, string)>(new CommandDefinition("""
            select id, st_asgeojson(st_transform(u, 4326), 6) from (
              select x.id, st_union(a.geom) as u
              from unnest(@ids::text[], @codes::text[]) as x(id, code)
              join cradle.area a on a.level = 'lsoa' and a.code = x.code
              group by x.id
            ) t
            where @x0::float8 is null or st_intersects(u, st_transform(st_makeenvelope(@x0, @y0, @x1, @y1, 4326), 27700))
            order by id collate "C"
            """, new { ids = pairs.Select(p => p.Id).ToArray(), codes = pairs.Select(p => p.Code).ToArray(), x0 = box?[0], y0 = box?[1], x1 = box?[2], y1 = box?[3] },
            cancellationToken: ct))).ToList();
        return (rows.Skip(skip).Take(n).ToList(), rows.Count);
    }

    static IEnumerable<GeoJsonFeature> TeamProperties(ModelSnapshot s, List<(string Code, string Geometry)> rows)
    {
        foreach (var (id, geometry) in rows)
        {
            var t = s.Teams.First(x => x.Id == id);
            yield return new GeoJsonFeature(id, geometry, new Dictionary<string, object?>
            {
                ["id"] = t.Id, ["name"] = t.Name, ["provider"] = t.Provider, ["status"] = t.Status, ["definition_fit"] = t.DefinitionFit,
                ["started"] = t.Started?.ToString(), ["ended"] = t.Ended?.ToString(),
                ["capacity_families_per_year"] = t.CapacityFamiliesPerYear, ["capacity_assumed"] = t.CapacityFamiliesPerYear is null,
                ["annual_cost_gbp"] = t.AnnualCostGbp, ["funder"] = t.Funder, ["commissioner"] = t.Commissioner,
                ["service_areas"] = string.Join(';', t.ServiceAreas), ["area_note"] = t.AreaNote, ["source_url"] = t.SourceUrl,
                ["source_date"] = t.SourceDate?.ToString(), ["last_confirmed"] = t.ConfirmedOn?.ToString(),
                ["last_checked"] = t.LastChecked?.ToString("yyyy-MM-dd"), ["needs_reconfirming"] = t.NeedsReconfirming(DateOnly.FromDateTime(DateTime.UtcNow), Team.DefaultReconfirmAfterMonths),
            }.ToList());
        }
    }
}
