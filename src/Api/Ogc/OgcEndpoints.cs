using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cradle.Api.Areas;
using Cradle.Api.Infrastructure;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Core.Register;
using Cradle.Data.Tiles;
using Dapper;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Ogc;

/// <summary>
/// OGC API – Features at /ogc: Part 1 (Core, GeoJSON, OpenAPI), Part 3's queryables (name=value)
/// and Part 5's schemas, what lets GDAL's OAPIF driver and QGIS read Cradle's areas and teams with
/// every field typed. Every link has a type; unknown parameters are 400.
/// </summary>
public static class OgcEndpoints
{
    const string GeoJson = GeoJsonWriter.MediaType;
    const string Json = "application/json";
    const string SchemaJson = "application/schema+json";

    public static void MapOgc(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ogc").WithTags("OGC API Features");
        // The OGC documents are JSON made to the standard's shapes, declared here as such.
        g.MapGet("/", Landing).AllowQuery("f").WithSummary("OGC API landing page").Produces(200, contentType: Json).ProducesProblem(400);
        g.MapGet("/conformance", Conformance).AllowQuery("f").WithSummary("Conformance classes").Produces(200, contentType: Json).ProducesProblem(400);
        // QGIS 3.22 cannot follow a relative Location: an absolute one (and the landing page links the document itself).
        g.MapGet("/api", (HttpRequest r) => TypedResults.Redirect($"{r.PublicBase()}/openapi/v1.json")).AllowQuery("f").WithSummary("The API definition (OpenAPI 3.1): a redirect to /openapi/v1.json")
            .Produces(302);
        g.MapGet("/collections", ListCollections).AllowQuery("f").WithSummary("The feature collections").Produces(200, contentType: Json).ProducesProblem(400);
        g.MapGet("/collections/{id}", Collection).AllowQuery("f").WithSummary("One collection").Produces(200, contentType: Json).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/schema", Schema).AllowQuery("f", "profile")
            .WithSummary("The features' schema (OGC API – Features Part 5; profile=geojson: a GeoJSON Feature's JSON Schema, as GDAL 3.6 reads it)")
            .Produces(200, contentType: SchemaJson).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/queryables", Queryables).AllowQuery("f").WithSummary("What the items can be filtered on, each by name=value")
            .Produces(200, contentType: SchemaJson).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/items", Items).AllowQuery(["f", "bbox", "datetime", "limit", "offset", .. OgcCollections.QueryableNames])
            .WithSummary("Features of a collection (bbox in CRS84, 4 or 6 numbers; datetime an instant or interval; limit 1–10,000, default 10; next links; queryables by name=value)")
            .Produces(200, contentType: GeoJson).ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/collections/{id}/items/{featureId}", Item).AllowQuery("f").WithSummary("One feature by code (or team id)")
            .Produces(200, contentType: GeoJson).ProducesProblem(400).ProducesProblem(404);
    }

    static string Base(HttpRequest r) => $"{r.PublicBase()}/ogc";

    static JsonObject Link(string href, string rel, string type, string? title = null)
    {
        var o = new JsonObject { ["href"] = href, ["rel"] = rel, ["type"] = type };
        if (title is not null) o["title"] = title;
        return o;
    }

    // '+' and quotes written as themselves: the documents are read by people as well as clients.
    static readonly JsonSerializerOptions Plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static IResult JsonResult(JsonNode node, string type = Json) => TypedResults.Text(node.ToJsonString(Plain), type, Encoding.UTF8);

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
                Link($"{r.PublicBase()}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition"),
                Link($"{b}/conformance", "conformance", Json, "Conformance classes"),
                Link($"{b}/collections", "data", Json, "The feature collections")),
        });
    }

    static IResult Conformance(HttpRequest r) => CheckF(r) ?? JsonResult(new JsonObject
    {
        ["conformsTo"] = new JsonArray(
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
            "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
            "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/returnables-and-receivables"),
    });

    static JsonObject CollectionJson(HttpRequest r, OgcCollection c)
    {
        var b = Base(r);
        var self = $"{b}/collections/{c.Id}";
        var o = new JsonObject
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
                Link(self, "self", Json),
                Link($"{self}/items", "items", GeoJson, "Features"),
                Link($"{self}/schema", "http://www.opengis.net/def/rel/ogc/1.0/schema", SchemaJson, "The features' schema (Part 5)"),
                Link($"{self}/schema", "describedby", SchemaJson, "The features' schema (Part 5)"),
                // GDAL 3.6 types its fields from a GeoJSON Feature schema named exactly "describedBy".
                Link($"{self}/schema?profile=geojson", "describedBy", SchemaJson, "A GeoJSON Feature's JSON Schema"),
                Link($"{self}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", SchemaJson, "What the items can be filtered on"),
                Link($"{r.PublicBase()}/tiles/{c.Id}.json", "related", Json, "Vector tiles (TileJSON)")),
        };
        // An area collection's boundaries are in force for a span: datetime selects by it.
        if (c.Level is { } l && (l.InForceFrom is not null || l.InForceTo is not null))
            o["extent"]!["temporal"] = new JsonObject
            {
                ["interval"] = new JsonArray(new JsonArray(Instant(l.InForceFrom, false), Instant(l.InForceTo, true))),
                ["trs"] = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            };
        return o;
    }

    static JsonNode? Instant(DateOnly? day, bool end) => day is { } d ? (end ? $"{d:yyyy-MM-dd}T23:59:59Z" : $"{d:yyyy-MM-dd}T00:00:00Z") : null;

    static IResult ListCollections(HttpRequest r)
    {
        if (CheckF(r) is { } bad) return bad;
        return JsonResult(new JsonObject
        {
            ["links"] = new JsonArray(Link($"{Base(r)}/collections", "self", Json)),
            ["collections"] = new JsonArray(OgcCollections.All.Select(c => (JsonNode)CollectionJson(r, c)).ToArray()),
        });
    }

    static IResult NoCollection(string id) => ApiProblems.NotFound("collection", $"No collection '{ModelQuery.Clip(id)}'.");

    static IResult Collection(HttpRequest r, string id) =>
        CheckF(r) ?? (OgcCollections.Find(id) is { } c ? JsonResult(CollectionJson(r, c)) : NoCollection(id));

    static IResult Schema(HttpRequest r, string id, string? profile)
    {
        if (CheckF(r) is { } bad) return bad;
        if (OgcCollections.Find(id) is not { } c) return NoCollection(id);
        var self = $"{Base(r)}/collections/{id}/schema";
        return profile switch
        {
            null => JsonResult(OgcCollections.Part5Schema(c, self), SchemaJson),
            "geojson" => JsonResult(OgcCollections.FeatureSchema(c, self + "?profile=geojson"), SchemaJson),
            _ => ApiProblems.BadParameter("profile", $"'{ModelQuery.Clip(profile)}' is not geojson (or leave it out for OGC API – Features Part 5)"),
        };
    }

    static IResult Queryables(HttpRequest r, string id) =>
        CheckF(r) ?? (OgcCollections.Find(id) is { } c ? JsonResult(OgcCollections.QueryablesSchema(c, $"{Base(r)}/collections/{id}/queryables"), SchemaJson) : NoCollection(id));

    static (double[]? Bbox, IResult? Problem) ParseBbox(string? value)
    {
        if (value is null) return (null, null);
        var parts = value.Split(',');
        var numbers = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
                return (null, ApiProblems.BadParameter("bbox", $"'{ModelQuery.Clip(parts[i])}' is not a number"));
        // Six numbers add a height below and above (min lon, min lat, min height, max lon, max lat, max height): areas have none, so heights are ignored.
        if (numbers.Length == 6) numbers = [numbers[0], numbers[1], numbers[3], numbers[4]];
        else if (numbers.Length != 4) return (null, ApiProblems.BadParameter("bbox", "give four numbers (min lon, min lat, max lon, max lat, CRS84) or six (with min and max height)"));
        if (numbers[0] > numbers[2] || numbers[1] > numbers[3] || numbers[0] < -180 || numbers[2] > 180 || numbers[1] < -90 || numbers[3] > 90)
            return (null, ApiProblems.BadParameter("bbox", "must be min lon, min lat, max lon, max lat within −180…180 and −90…90"));
        return (numbers, null);
    }

    static async Task<IResult> Items(HttpRequest r, ModelStore store, NpgsqlDataSource db, TimeProvider clock, string id,
        string? bbox, string? datetime, string? limit, string? offset, CancellationToken ct)
    {
        if (CheckF(r) is { } bad) return bad;
        if (OgcCollections.Find(id) is not { } c) return NoCollection(id);
        int n = 10, skip = 0;
        if (limit is not null && !QueryParameterExtensions.IsWholeNumber(limit, 1, 10_000, out n))
            return ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(limit)}' is not a whole number from 1 to 10,000");
        if (offset is not null && !QueryParameterExtensions.IsWholeNumber(offset, 0, int.MaxValue, out skip))
            return ApiProblems.BadParameter("offset", $"'{ModelQuery.Clip(offset)}' is not a whole number from 0");
        var (box, bp) = ParseBbox(bbox);
        if (bp is not null) return bp;
        TimeWindow? window = null;
        if (datetime is not null)
        {
            (window, var problem) = TimeWindow.Parse(datetime);
            if (problem is not null) return ApiProblems.BadParameter("datetime", problem);
        }
        var filters = new List<(OgcProperty Property, string Value)>();
        foreach (var (name, value) in r.Query)
        {
            if (!OgcCollections.QueryableNames.Contains(name)) continue;
            if (c.Queryables.FirstOrDefault(q => q.Name == name) is not { } q)
                return ApiProblems.BadParameter(name, $"{id} cannot be filtered on {name}; its queryables are {string.Join(", ", c.Queryables.Select(x => x.Name))}");
            if (q.Enum is { } allowed && !allowed.Contains(value.ToString()))
                return ApiProblems.BadParameter(name, $"'{ModelQuery.Clip(value.ToString())}' is not one of {string.Join(", ", allowed)}");
            if (q.Type == "boolean" && value.ToString() is not ("true" or "false"))
                return ApiProblems.BadParameter(name, $"'{ModelQuery.Clip(value.ToString())}' is not true or false");
            filters.Add((q, value.ToString()));
        }

        var s = await store.SnapshotAsync(ct);
        var today = store.Today;
        await using var conn = await db.OpenConnectionAsync(ct);
        var page = c.Level is null
            ? await TeamPage(conn, s, today, box, window, filters, n, skip, ct)
            : await AreaPage(conn, store, s, c.Level, box, window, filters, n, skip, ct);

        var self = $"{Base(r)}/collections/{id}/items";
        // Links keep every filter the request gave, so that "next" pages the same selection.
        string Query(int off)
        {
            var q = new List<string> { $"limit={n}", $"offset={off}" };
            if (bbox is not null) q.Add($"bbox={Uri.EscapeDataString(bbox)}");
            if (datetime is not null) q.Add($"datetime={Uri.EscapeDataString(datetime)}");
            q.AddRange(filters.Select(f => $"{f.Property.Name}={Uri.EscapeDataString(f.Value)}"));
            return "?" + string.Join('&', q);
        }
        var links = new JsonArray(Link(self + Query(skip), "self", GeoJson), Link($"{Base(r)}/collections/{id}", "collection", Json));
        if (skip + page.Features.Count < page.Matched) links.Add(Link(self + Query(skip + n), "next", GeoJson, "Next page"));
        if (skip > 0) links.Add(Link(self + Query(Math.Max(0, skip - n)), "prev", GeoJson, "Previous page"));
        var body = GeoJsonWriter.Collection(page.Features, w =>
        {
            w.WriteNumber("numberMatched", page.Matched);
            w.WriteNumber("numberReturned", page.Features.Count);
            w.WriteString("timeStamp", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            w.WritePropertyName("links");
            links.WriteTo(w);
        });
        return TypedResults.Bytes(body, GeoJson);
    }

    /// <summary>One page of features and how many match in all.</summary>
    sealed record FeaturePage(IReadOnlyList<GeoJsonFeature> Features, long Matched);

    /// <summary>
    /// A page of a level's areas. The matching areas are picked in memory from the level's code
    /// order (worked out once per data version), so a page at offset 33,000 costs what the first
    /// does; only the page's geometries come from PostGIS, and a bbox asks it for codes alone.
    /// </summary>
    static async Task<FeaturePage> AreaPage(NpgsqlConnection conn, ModelStore store, ModelSnapshot s, AreaLevel level,
        double[]? box, TimeWindow? window, List<(OgcProperty Property, string Value)> filters, int n, int skip, CancellationToken ct)
    {
        if (window is not null && !window.Meets(level.InForceFrom, level.InForceTo)) return new([], 0);
        var codes = s.Levels[level.Id].Codes;
        IEnumerable<int> matching = OgcCollections.InCodeOrder(s, level.Id);
        if (box is not null)
        {
            var inside = (await conn.QueryAsync<string>(new CommandDefinition("""
                select code from cradle.area
                where level = @level and country = 'E' and st_intersects(geom, st_transform(st_makeenvelope(@x0, @y0, @x1, @y1, 4326), 27700))
                """, new { level = level.Id, x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3] }, cancellationToken: ct))).ToHashSet();
            matching = matching.Where(i => inside.Contains(codes[i]));
        }
        var area = Areas(store, s, level.Id);
        if (filters.Count > 0)
        {
            var columns = filters.Select(f => (Column: AreaOutput.Columns.Single(c => c.Name == f.Property.Name), f.Value)).ToList();
            matching = matching.Where(i => { var a = area(i); return columns.All(f => OgcCollections.Matches(f.Column.Value(a), f.Value)); });
        }
        var all = matching.ToList();
        var chosen = all.Skip(skip).Take(n).ToList();
        // Every area is stored as a MultiPolygon (the load makes it so), so the collection has one geometry type.
        var geometry = await AreaGeometries.ByCodeAsync(conn, level.Id, chosen.Select(i => codes[i]), ct);
        return new(chosen.Select(i => new GeoJsonFeature(codes[i], geometry.GetValueOrDefault(codes[i]), AreaOutput.Properties(area(i)))).ToList(), all.Count);
    }

    /// <summary>A level's area by index, as the API serves it under the default model.</summary>
    static Func<int, AreaOut> Areas(ModelStore store, ModelSnapshot s, string level)
    {
        var p = new ModelParameters();
        var (figures, ranks) = store.Figures(s, p, level);
        var dep = store.Deprivation(s, level, p);
        return i => AreaOutput.Build(s, figures[i], ranks[i], dep[i]);
    }

    /// <summary>A page of teams: each service area (the union of its LSOAs, made once per team for the bbox test and the answer).</summary>
    static async Task<FeaturePage> TeamPage(NpgsqlConnection conn, ModelSnapshot s, DateOnly today, double[]? box, TimeWindow? window,
        List<(OgcProperty Property, string Value)> filters, int n, int skip, CancellationToken ct)
    {
        var columns = filters.Select(f => (Column: OgcCollections.TeamColumns.Single(c => c.Name == f.Property.Name), f.Value)).ToList();
        var teams = s.Teams.Where(t => window is null || window.Meets(t.Started?.Earliest, t.Ended?.Latest))
            .Where(t => columns.All(f => OgcCollections.Matches(f.Column.Value(t, today), f.Value)))
            .ToDictionary(t => t.Id);
        var rows = await TeamGeometries(conn, s, teams.Values, box, ct);
        return new(rows.Skip(skip).Take(n).Select(x => TeamFeature(teams[x.Id], x.Geometry, today)).ToList(), rows.Count);
    }

    static async Task<List<(string Id, string Geometry)>> TeamGeometries(NpgsqlConnection conn, ModelSnapshot s, IEnumerable<Team> teams, double[]? box, CancellationToken ct)
    {
        var pairs = teams.SelectMany(t => s.TeamLsoas(t).Select(i => (t.Id, Code: s.LsoaCodes[i]))).ToList();
        return (await conn.QueryAsync<(string, string)>(new CommandDefinition("""
            select id, st_asgeojson(st_transform(st_multi(u), 4326), 6) from (
              select x.id, st_union(a.geom) as u
              from unnest(@ids::text[], @codes::text[]) as x(id, code)
              join cradle.area a on a.level = 'lsoa' and a.code = x.code
              group by x.id
            ) t
            where @x0::float8 is null or st_intersects(u, st_transform(st_makeenvelope(@x0, @y0, @x1, @y1, 4326), 27700))
            order by id collate "C"
            """, new { ids = pairs.Select(p => p.Id).ToArray(), codes = pairs.Select(p => p.Code).ToArray(), x0 = box?[0], y0 = box?[1], x1 = box?[2], y1 = box?[3] },
            cancellationToken: ct))).ToList();
    }

    static GeoJsonFeature TeamFeature(Team t, string geometry, DateOnly today) =>
        new(t.Id, geometry, OgcCollections.TeamColumns.Select(c => new KeyValuePair<string, object?>(c.Name, c.Value(t, today))).ToList());

    static async Task<IResult> Item(HttpRequest r, ModelStore store, NpgsqlDataSource db, string id, string featureId, CancellationToken ct)
    {
        if (CheckF(r) is { } bad) return bad;
        if (OgcCollections.Find(id) is not { } c) return NoCollection(id);
        var s = await store.SnapshotAsync(ct);
        var today = store.Today;
        await using var conn = await db.OpenConnectionAsync(ct);
        GeoJsonFeature? feature = null;
        if (c.Level is null)
        {
            if (s.Teams.FirstOrDefault(t => t.Id == featureId) is { } team && (await TeamGeometries(conn, s, [team], null, ct)) is [var row])
                feature = TeamFeature(team, row.Geometry, today);
        }
        else if (s.Levels[c.Level.Id].Index.TryGetValue(featureId, out var i))
        {
            var geometry = await AreaGeometries.ByCodeAsync(conn, c.Level.Id, [featureId], ct);
            feature = new GeoJsonFeature(featureId, geometry.GetValueOrDefault(featureId), AreaOutput.Properties(Areas(store, s, c.Level.Id)(i)));
        }
        if (feature is null) return ApiProblems.NotFound("feature", $"No feature '{ModelQuery.Clip(featureId)}' in {id}.");
        var b = Base(r);
        var links = new JsonArray(Link($"{b}/collections/{id}/items/{Uri.EscapeDataString(featureId)}", "self", GeoJson),
            Link($"{b}/collections/{id}", "collection", Json));
        return TypedResults.Bytes(GeoJsonWriter.Single(feature, w => { w.WritePropertyName("links"); links.WriteTo(w); }), GeoJson);
    }
}
