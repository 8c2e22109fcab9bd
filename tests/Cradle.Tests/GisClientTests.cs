using System.Net;
using System.Text.Json;
using Cradle.Api.Areas;
using Cradle.Data.Tiles;
using Microsoft.Data.Sqlite;

namespace Cradle.Tests;

/// <summary>
/// What GIS clients nobody here wrote get from the OGC API and the tiles: GDAL's default exports
/// compared field by field with the JSON API, the features' schema and queryables, paging that
/// does not change with the offset, the standard's bbox and datetime, one geometry type a collection.
/// </summary>
[Collection("database")]
public sealed class GisClientTests(DatabaseFixture db)
{
    static readonly JsonSerializerOptions ApiJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// ogr2ogr with GDAL's defaults (pages of 10; types from the schema, not from the first page),
    /// then every column of every area in the GeoPackage against the same area from /api/areas,
    /// flattened by the one column table. The LSOA export (33,755 areas, 3,376 pages) must end.
    /// </summary>
    [Theory]
    [InlineData("lad", 296)]
    [InlineData("lsoa", 33_755)]
    public async Task GDALs_default_GeoPackage_export_matches_the_API_in_every_field(string level, int count)
    {
        using var tmp = new TempDirectory("cradle-gpkg-");
        var gpkg = tmp.File($"{level}.gpkg");
        var (code, output) = await TestEnvironment.RunAsync("ogr2ogr", "-f", "GPKG", gpkg, $"OAPIF:{db.BaseAddress}ogc", level);
        Assert.True(code == 0, output);

        var list = JsonSerializer.Deserialize<AreaList>(await db.Http.GetStringAsync($"/api/areas?level={level}"), ApiJson)!;
        var api = list.Areas.ToDictionary(a => a.Code);
        using var sqlite = new SqliteConnection($"Data Source={gpkg};Mode=ReadOnly");
        sqlite.Open();

        // Each field typed as the schema declares it: a figure that is a real number is REAL even where the first page is whole.
        var declared = new Dictionary<string, string>();
        using (var info = sqlite.CreateCommand())
        {
            info.CommandText = $"pragma table_info({level})";
            using var r = info.ExecuteReader();
            while (r.Read()) declared[r.GetString(1)] = r.GetString(2);
        }
        foreach (var c in AreaOutput.Columns)
            Assert.True(declared.TryGetValue(c.Name, out var t) && t == c.Type switch { "number" => "REAL", "integer" => "MEDIUMINT", "boolean" => "BOOLEAN", _ => "TEXT" },
                $"{c.Name}: declared {c.Type}, GeoPackage has {declared.GetValueOrDefault(c.Name) ?? "nothing"}");
        Assert.Equal("MULTIPOLYGON", declared["geom"]);

        int rows = 0, compared = 0, mismatched = 0;
        var mismatches = new List<string>();
        using var read = sqlite.CreateCommand();
        read.CommandText = $"select * from {level}";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            rows++;
            var area = api[reader.GetString(reader.GetOrdinal("code"))];
            foreach (var c in AreaOutput.Columns)
            {
                var got = reader.GetValue(reader.GetOrdinal(c.Name));
                var expected = c.Value(area);
                compared++;
                bool same = (expected, got) switch
                {
                    (null, DBNull) => true,
                    (string e, string g) => e == g || (e == "" && got is DBNull),
                    ("", DBNull) => true,
                    (double e, double g) => Math.Abs(e - g) <= 1e-9 * Math.Max(1, Math.Abs(e)),
                    (int e, long g) => e == g,
                    (bool e, long g) => (e ? 1 : 0) == g,
                    _ => false,
                };
                if (same) continue;
                if (++mismatched <= 10) mismatches.Add($"{area.Code} {c.Name}: API {expected ?? "null"}, GeoPackage {got}");
            }
        }
        Assert.Equal(count, rows);
        Assert.Equal(count * AreaOutput.Columns.Count, compared);
        Assert.True(mismatched == 0, $"{mismatched} mismatches, the first: {string.Join("; ", mismatches)}");
    }

    [Fact]
    public async Task Each_collection_publishes_its_schema_and_queryables_and_links_them()
    {
        foreach (var c in (await db.GetJson("/ogc/collections")).GetProperty("collections").EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            var links = c.GetProperty("links").EnumerateArray().ToDictionary(l => l.GetProperty("rel").GetString()!, l => l.GetProperty("href").GetString()!);
            // Part 5's rel, the IANA one, GDAL 3.6's camel-case one (to the GeoJSON Feature profile), and Part 3's queryables.
            Assert.EndsWith($"/ogc/collections/{id}/schema", links["http://www.opengis.net/def/rel/ogc/1.0/schema"]);
            Assert.EndsWith($"/ogc/collections/{id}/schema", links["describedby"]);
            Assert.EndsWith($"/ogc/collections/{id}/schema?profile=geojson", links["describedBy"]);
            Assert.EndsWith($"/ogc/collections/{id}/queryables", links["http://www.opengis.net/def/rel/ogc/1.0/queryables"]);

            using var response = await db.Http.GetAsync(links["describedby"]);
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
            var schema = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
            var properties = schema.GetProperty("properties");
            Assert.Equal("primary-geometry", properties.GetProperty("geometry").GetProperty("x-ogc-role").GetString());
            Assert.Equal("geometry-multipolygon", properties.GetProperty("geometry").GetProperty("format").GetString());
            // Every property a feature carries is in the schema with a type and a description, and nothing else is.
            var feature = (await db.GetJson($"/ogc/collections/{id}/items?limit=1")).GetProperty("features")[0].GetProperty("properties");
            Assert.Equal(feature.EnumerateObject().Select(p => p.Name).Order(), properties.EnumerateObject().Select(p => p.Name).Where(n => n != "geometry").Order());
            foreach (var p in feature.EnumerateObject())
            {
                var type = properties.GetProperty(p.Name).GetProperty("type").GetString();
                Assert.False(string.IsNullOrEmpty(properties.GetProperty(p.Name).GetProperty("description").GetString()));
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                Assert.True(type switch
                {
                    "string" => p.Value.ValueKind == JsonValueKind.String,
                    "number" => p.Value.ValueKind == JsonValueKind.Number,
                    "integer" => p.Value.ValueKind == JsonValueKind.Number && !p.Value.GetRawText().Contains('.'),
                    "boolean" => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                    _ => false,
                }, $"{id}.{p.Name}: schema says {type}, a feature has {p.Value.GetRawText()}");
            }
            var gdal = await db.GetJson(links["describedBy"]);
            Assert.Equal("Feature", gdal.GetProperty("properties").GetProperty("type").GetProperty("enum")[0].GetString());
            Assert.Equal(properties.EnumerateObject().Count() - 1, gdal.GetProperty("properties").GetProperty("properties").GetProperty("properties").EnumerateObject().Count());
            var queryables = await db.GetJson(links["http://www.opengis.net/def/rel/ogc/1.0/queryables"]);
            Assert.NotEmpty(queryables.GetProperty("properties").EnumerateObject());
        }
        Assert.Equal("id", (await db.GetJson("/ogc/collections/lad/schema")).GetProperty("properties").GetProperty("code").GetProperty("x-ogc-role").GetString());
        var (status, problem) = await db.Send(HttpMethod.Get, "/ogc/collections/lad/schema?profile=xsd", null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("profile", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Items_filter_by_queryables_and_page_the_same_selection()
    {
        var served = await db.GetJson("/ogc/collections/lad/items?team_state=served&limit=5");
        var expected = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas").EnumerateArray()
            .Where(a => a.GetProperty("team_state").GetString() == "served").Select(a => a.GetProperty("code").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, served.GetProperty("numberMatched").GetInt32());
        Assert.Equal(expected.Take(5), served.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        var next = served.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("href").GetString()!;
        Assert.Contains("team_state=served", next);
        Assert.Equal(expected.Skip(5).Take(5), (await db.GetJson(next)).GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));

        var unconfirmed = await db.GetJson("/ogc/collections/teams/items?needs_reconfirming=true&limit=100");
        int flagged = (await db.GetJson("/api/teams?needs_reconfirming=true")).GetProperty("teams").EnumerateArray()
            .Count(t => t.GetProperty("service_areas").GetArrayLength() > 0);
        Assert.Equal(flagged, unconfirmed.GetProperty("numberMatched").GetInt32());
        Assert.All(unconfirmed.GetProperty("features").EnumerateArray(), f => Assert.True(f.GetProperty("properties").GetProperty("needs_reconfirming").GetBoolean()));

        foreach (var (url, parameter) in new[]
        {
            ("/ogc/collections/lad/items?status=active", "status"),          // a teams queryable, not a district one
            ("/ogc/collections/lad/items?team_state=unknown", "team_state"), // not in its enum
            ("/ogc/collections/teams/items?needs_reconfirming=yes", "needs_reconfirming"),
        })
        {
            var (status, problem) = await db.Send(HttpMethod.Get, url, null);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith(parameter + ":", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_deep_page_is_the_slice_of_the_code_order_that_its_offset_names()
    {
        var codes = (await db.GetJson("/api/areas?level=lsoa")).GetProperty("areas").EnumerateArray()
            .Select(a => a.GetProperty("code").GetString()!).Order(StringComparer.Ordinal).ToList();
        foreach (var offset in new[] { 0, 33_000, codes.Count - 3 })
        {
            var page = await db.GetJson($"/ogc/collections/lsoa/items?offset={offset}&limit=10");
            Assert.Equal(codes.Skip(offset).Take(10), page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
            Assert.Equal(codes.Count, page.GetProperty("numberMatched").GetInt32());
            Assert.Equal(offset + 10 < codes.Count, page.GetProperty("links").EnumerateArray().Any(l => l.GetProperty("rel").GetString() == "next"));
        }
    }

    [Fact]
    public async Task Bbox_takes_six_numbers_and_datetime_selects_by_the_boundaries_and_teams_in_force()
    {
        var four = await db.GetJson("/ogc/collections/lad/items?bbox=-1.66,54.97,-1.60,54.99&limit=50");
        var six = await db.GetJson("/ogc/collections/lad/items?bbox=-1.66,54.97,-100,-1.60,54.99,500&limit=50");
        Assert.Equal(four.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()),
            six.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Contains("E08000021", six.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));

        // The ICBs of April 2026 were not in force in 2025; their predecessors were, and not after March 2026.
        Assert.Equal(0, (await db.GetJson("/ogc/collections/icb/items?datetime=2025-06-01")).GetProperty("numberMatched").GetInt32());
        Assert.Equal(36, (await db.GetJson("/ogc/collections/icb/items?datetime=2026-04-01T00:00:00Z")).GetProperty("numberMatched").GetInt32());
        Assert.Equal(42, (await db.GetJson("/ogc/collections/icb2024/items?datetime=../2025-06-01")).GetProperty("numberMatched").GetInt32());
        Assert.Equal(0, (await db.GetJson("/ogc/collections/icb2024/items?datetime=2026-05-01/..")).GetProperty("numberMatched").GetInt32());
        var temporal = (await db.GetJson("/ogc/collections/icb")).GetProperty("extent").GetProperty("temporal").GetProperty("interval")[0];
        Assert.Equal("2026-04-01T00:00:00Z", temporal[0].GetString());
        Assert.Equal(JsonValueKind.Null, temporal[1].ValueKind);

        // Teams by the span they ran: one that ended before 2020 is not among those running in 2024.
        var teams = (await db.GetJson("/api/teams")).GetProperty("teams").EnumerateArray().ToList();
        var ended = teams.FirstOrDefault(t => t.GetProperty("ended").GetString() is { } e && string.CompareOrdinal(e, "2024") < 0
            && t.GetProperty("service_areas").GetArrayLength() > 0);
        var running2024 = (await db.GetJson("/ogc/collections/teams/items?datetime=2024-01-01/2024-12-31&limit=1000")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(running2024);
        if (ended.ValueKind != JsonValueKind.Undefined) Assert.DoesNotContain(ended.GetProperty("id").GetString(), running2024);

        foreach (var bad in new[] { "2025-13-01", "2026-01-01/2025-01-01", "a/b/c", ".." })
        {
            var (status, problem) = await db.Send(HttpMethod.Get, $"/ogc/collections/lad/items?datetime={Uri.EscapeDataString(bad)}", null);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith("datetime:", problem.GetProperty("detail").GetString());
        }
        var (five, fiveProblem) = await db.Send(HttpMethod.Get, "/ogc/collections/lad/items?bbox=1,2,3,4,5", null);
        Assert.Equal(HttpStatusCode.BadRequest, five);
        Assert.StartsWith("bbox:", fiveProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_collection_has_one_geometry_type_MultiPolygon()
    {
        foreach (var id in new[] { "teams", "region", "icb" })
        {
            var page = await db.GetJson($"/ogc/collections/{id}/items?limit=1000");
            Assert.All(page.GetProperty("features").EnumerateArray(), f => Assert.Equal("MultiPolygon", f.GetProperty("geometry").GetProperty("type").GetString()));
        }
        var (code, output) = await TestEnvironment.RunAsync("ogrinfo", "-ro", "-so", $"OAPIF:{db.BaseAddress}ogc", "teams");
        Assert.True(code == 0, output);
        Assert.Contains("Geometry: Multi Polygon", output);
    }

    [Fact]
    public async Task Tiles_carry_ranks_and_deciles_as_integers()
    {
        var (x, y) = TileStore.TileOf(-1.61, 54.98, 10);
        var (code, output) = await TestEnvironment.RunAsync("ogrinfo", "-ro", "-al", $"MVT:{db.BaseAddress}tiles/lad/10/{x}/{y}.mvt");
        Assert.True(code == 0, output);
        Assert.Contains("gap_rank (Integer) = ", output);
        Assert.Contains("unmet_need_per_1000_births (Real(Float32)) = ", output);
        (x, y) = TileStore.TileOf(-1.61, 54.98, 12);
        (code, output) = await TestEnvironment.RunAsync("ogrinfo", "-ro", "-al", $"MVT:{db.BaseAddress}tiles/lsoa/12/{x}/{y}.mvt");
        Assert.True(code == 0, output);
        Assert.Matches(@"imd_decile \(Integer\) = (10|[1-9])\b", output);
    }

    /// <summary>
    /// QGIS 3.22 (Debian's python3-qgis, headless) opens every collection with its own OAPIF
    /// provider, reads every feature, and converts the style into classes (tests/clients/qgis_check.py).
    /// </summary>
    [Fact]
    public async Task QGIS_opens_every_collection_and_converts_the_style_into_classes()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestEnvironment.Root, "tests", "clients", "qgis_check.py"));
        psi.ArgumentList.Add(db.BaseAddress.ToString());
        psi.ArgumentList.Add("--strict");
        psi.Environment["QT_QPA_PLATFORM"] = "offscreen";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"qgis_check exited {p.ExitCode}: {await stderr}");
        var report = JsonDocument.Parse(await stdout).RootElement;
        Assert.StartsWith("3.", report.GetProperty("qgis").GetString());
        var collections = report.GetProperty("collections");
        foreach (var c in (await db.GetJson("/ogc/collections")).GetProperty("collections").EnumerateArray())
        {
            var layer = collections.GetProperty(c.GetProperty("id").GetString()!);
            Assert.True(layer.GetProperty("valid").GetBoolean());
            Assert.Equal(layer.GetProperty("number_matched").GetInt32(), layer.GetProperty("count").GetInt32());
            Assert.Equal("MultiPolygon", layer.GetProperty("wkb_type").GetString());
        }
        var lad = collections.GetProperty("lad").GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("qvariant").GetString());
        Assert.Equal("double", lad["geographic_coverage"]);
        Assert.Equal("double", lad["unmet_need_per_1000_births"]);
        var fills = report.GetProperty("style").GetProperty("styles").EnumerateArray()
            .Where(s => s.GetProperty("id").GetString()!.StartsWith("lad-unmet-", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, fills.Count);
        Assert.Equal(6, fills.Select(f => f.GetProperty("fill_brush").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Links_name_only_allowed_hosts()
    {
        // A Host nobody configured is refused, as problem+json naming it.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/ogc");
        spoofed.Headers.Host = "evil.example";
        using var refused = await db.Http.SendAsync(spoofed);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("evil.example", await refused.Content.ReadAsStringAsync());
        // A forwarded host from a trusted (local) proxy counts only when it is allowed too.
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/ogc");
        forwarded.Headers.Add("X-Forwarded-Host", "evil.example");
        var body = await (await db.Http.SendAsync(forwarded)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", body);
        Assert.Contains($"\"{db.BaseAddress}ogc", body.Replace("\\u002B", "+"));
        // With Cradle:PublicOrigin every absolute link starts there, whatever the request's host.
        var (server, http) = await db.StartOwnServer(new() { ["Cradle__PublicOrigin"] = "https://cradle.example.org/planning" });
        try
        {
            var landing = JsonDocument.Parse(await http.GetStringAsync("/ogc")).RootElement;
            Assert.All(landing.GetProperty("links").EnumerateArray(), l => Assert.StartsWith("https://cradle.example.org/planning/", l.GetProperty("href").GetString()));
            var tilejson = JsonDocument.Parse(await http.GetStringAsync("/tiles/lad.json")).RootElement;
            Assert.StartsWith("https://cradle.example.org/planning/tiles/lad/", tilejson.GetProperty("tiles")[0].GetString());
        }
        finally { server.Kill(entireProcessTree: true); server.Dispose(); http.Dispose(); }
    }
}
