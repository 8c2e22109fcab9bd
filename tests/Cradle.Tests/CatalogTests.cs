using System.Net;
using System.Text.Json;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Data.Sources;
using NetTopologySuite.Geometries;

namespace Cradle.Tests;

/// <summary>One catalog of levels and figures, and the levels it added: upper-tier councils and NHS regions.</summary>
[Collection("database")]
public sealed class CatalogTests(DatabaseFixture db)
{
    static Dictionary<string, JsonElement> ByCode(JsonElement list) =>
        list.GetProperty("areas").EnumerateArray().ToDictionary(a => a.GetProperty("code").GetString()!);

    [Theory]
    [InlineData("utla", 153)]
    [InlineData("nhser", 7)]
    [InlineData("lad", 296)]
    [InlineData("icb", 36)]
    [InlineData("icb2024", 42)]
    public async Task Each_level_has_the_official_number_of_English_areas(string level, int expected)
    {
        var list = await db.GetJson($"/api/areas?level={level}");
        Assert.Equal(expected, list.GetProperty("count").GetInt32());
        Assert.Equal(expected, AreaLevels.Get(level).ExpectedInEngland);
    }

    [Fact]
    public async Task England_is_the_sum_of_every_level_exactly()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var p = new ModelParameters();
        var run = CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, TestEnvironment.Today);
        var england = CoverageModel.Aggregate(run, "england").Single();
        foreach (var level in AreaLevels.All)
        {
            var areas = CoverageModel.Aggregate(run, level.Id);
            Assert.Equal(england.Infants, areas.Sum(a => a.Infants), 6);
            Assert.Equal(england.Need, areas.Sum(a => a.Need), 6);
            Assert.Equal(england.Covered, areas.Sum(a => a.Covered), 6);
            Assert.Equal(england.UnmetNotKnown, areas.Sum(a => a.UnmetNotKnown), 6);
        }
    }

    [Fact]
    public async Task Kents_twelve_districts_sum_to_Kent_and_Cumberland_is_its_own_upper_tier()
    {
        var kentDistricts = await db.GetJson("/api/areas?level=lad&within=E10000016");
        Assert.Equal(12, kentDistricts.GetProperty("count").GetInt32());
        var kent = (await db.GetJson("/api/areas/E10000016")).GetProperty("area");
        Assert.Equal("utla", kent.GetProperty("level").GetString());
        foreach (var field in new[] { "infants_under_2", "need_families_per_year", "unmet_need" })
            Assert.Equal(kent.GetProperty(field).GetDouble(), kentDistricts.GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty(field).GetDouble()), 0);
        Assert.Equal("in_development", kent.GetProperty("team_state").GetString());

        var utlas = ByCode(await db.GetJson("/api/areas?level=utla"));
        Assert.Equal("Cumberland", utlas["E06000063"].GetProperty("name").GetString());
        Assert.DoesNotContain("E11000001", utlas.Keys); // a metropolitan county is not a council
        Assert.DoesNotContain("E13000001", utlas.Keys); // nor is Inner London
        // A district's parents: upper tier, then sub-ICB location(s), ICB(s), NHS region, region.
        var parents = (await db.GetJson("/api/areas/E07000105")).GetProperty("area").GetProperty("parents").EnumerateArray()
            .Select(p => (p.GetProperty("level").GetString(), p.GetProperty("code").GetString())).ToList();
        Assert.Equal(("utla", "E10000016"), parents[0]);
        Assert.Contains(("nhser", "E40000005"), parents); // South East
        Assert.Contains(("region", "E12000008"), parents);
    }

    [Fact]
    public async Task Oxfordshire_is_wholly_served_by_OXPIP()
    {
        var oxon = (await db.GetJson("/api/areas/E10000025")).GetProperty("area");
        Assert.Equal(1.0, oxon.GetProperty("geographic_coverage").GetDouble());
        Assert.Equal("served", oxon.GetProperty("team_state").GetString());
        Assert.Contains(oxon.GetProperty("teams").EnumerateArray(), t => t.GetProperty("id").GetString() == "oxpip");
    }

    [Fact]
    public async Task Every_ICB_lies_in_one_NHS_region_and_the_regions_partition_England()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var icb = s.Levels["icb"];
        var nhser = s.Levels["nhser"];
        for (int a = 0; a < icb.Count; a++)
            Assert.Single(icb.LsoasOf(a).Select(i => nhser.LsoaArea[i]).Distinct());
        Assert.All(Enumerable.Range(0, s.LsoaCount), i => Assert.True(nhser.LsoaArea[i] >= 0));
        // North East and North Cumbria ICB is in North East and Yorkshire; London's four ICBs of April 2026 (North West and
        // North Central London became West and North London) in London.
        Assert.Equal("E40000012", nhser.Codes[nhser.LsoaArea[icb.LsoasOf(icb.Index["E54000050"])[0]]]);
        Assert.Equal(4, Enumerable.Range(0, icb.Count).Count(a => nhser.Codes[nhser.LsoaArea[icb.LsoasOf(a)[0]]] == "E40000003"));
        Assert.Equal("E40000003", nhser.Codes[nhser.LsoaArea[icb.LsoasOf(icb.Index["E54000071"])[0]]]);
    }

    [Fact]
    public async Task An_ICB_whose_centroids_fall_in_two_NHS_regions_fails_the_load_naming_it()
    {
        using var dir = new ScratchDataDir();
        // Move one Newcastle LSOA's centroid into London: NENC ICB now straddles two regions.
        dir.Rewrite("boundaries/lsoa21_dec2021_pwc_ew_27700.csv.gz", lines => lines.Select(l =>
            l.Contains(",E01008288,") ? string.Join(',', l.Split(',').Take(3).Append("530000").Append("180000")) : l));
        var before = await db.DataVersion();
        var result = await TestEnvironment.RunCliAsync("load", "--data", dir.Path);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("E54000050", result.Stderr);
        Assert.Contains("NHS regions", result.Stderr);
        Assert.Equal(before, await db.DataVersion());
    }

    /// <summary>The dissolved outlines against ONS's own generalised boundaries: within the generalisation (BUC is 500 m).</summary>
    [Theory]
    [InlineData("utla", "boundaries/ctyua24_dec2024_buc_uk_4326.geojson", "CTYUA24CD", "E10000016")]
    [InlineData("utla", "boundaries/ctyua24_dec2024_buc_uk_4326.geojson", "CTYUA24CD", "E06000063")]
    [InlineData("region", "boundaries/rgn23_dec2023_buc_en_4326.geojson", "RGN23CD", "E12000001")]
    [InlineData("nhser", "boundaries/nhser24_jan2024_bsc_en_4326.geojson.gz", "NHSER24CD", "E40000012")]
    public async Task Dissolved_outlines_match_the_official_boundaries_within_the_generalisation(string level, string file, string codeField, string code)
    {
        using var source = SourceFile.Open(Path.Combine(TestEnvironment.DataDir, file));
        int column = source.Columns.ToList().IndexOf(codeField);
        var record = source.Records().Single(r => r.Cells[column] == code);
        var official = new Cradle.Data.Reprojection(source.Crs!.ToBritishNationalGrid()!).Apply(record.ReadGeometry()!);
        var wkb = await db.Scalar<byte[]>("select st_asbinary(geom) from cradle.area where level = @level and code = @code", new { level, code });
        var ours = new NetTopologySuite.IO.WKBReader().Read(wkb);
        // Their symmetric difference is small against the area itself.
        double difference = ours.SymmetricDifference(official).Area / official.Area;
        Assert.True(difference < 0.03, $"{level} {code}: outlines differ by {difference:P1} of the area");
        // Inland, where an edge is shared with a neighbour, the edges lie within the generalisation of
        // each other. Coastlines are left out: BUC and BSC clip to the coast differently (estuaries, islands).
        var coast = new NetTopologySuite.IO.WKBReader().Read(await db.Scalar<byte[]>("select st_asbinary(st_boundary(geom)) from cradle.area where level = 'england'")).Buffer(3_000);
        var inlandOurs = ours.Boundary.Difference(coast);
        var inlandOfficial = official.Boundary.Difference(coast);
        double hausdorff = NetTopologySuite.Algorithm.Distance.DiscreteHausdorffDistance.Distance(inlandOurs, inlandOfficial);
        Assert.True(hausdorff < 1_500, $"{level} {code}: inland edges up to {hausdorff:N0} m apart");
    }

    [Fact]
    public async Task GDAL_reads_the_upper_tier_tiles_and_OGC_collection()
    {
        var mvt = await Run("ogrinfo", "-q", "-so", $"MVT:{db.BaseAddress}tiles/utla/6/31/20.mvt");
        Assert.Contains("utla", mvt);
        var ogc = await Run("ogrinfo", "-q", "-geom=NO", $"OAPIF:{db.BaseAddress}ogc", "utla");
        Assert.Equal(153, ogc.Split('\n').Count(l => l.StartsWith("OGRFeature(utla)")));
        Assert.Contains("Kent", ogc);
    }

    static async Task<string> Run(string file, params string[] args)
    {
        var (code, output) = await TestEnvironment.RunAsync(file, args);
        Assert.True(code == 0, output);
        return output;
    }

    /// <summary>A level half wired cannot pass: every level of the catalog is served by areas, gaps, tiles, OGC, maps and the catalog endpoint as its entry says.</summary>
    [Fact]
    public async Task Every_level_of_the_catalog_appears_wherever_its_entry_says()
    {
        var catalog = await db.GetJson("/api/catalog");
        var served = catalog.GetProperty("levels").EnumerateArray().ToDictionary(l => l.GetProperty("id").GetString()!);
        var collections = (await db.GetJson("/ogc/collections")).GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToHashSet();
        var style = await db.GetJson("/tiles/style.json");
        foreach (var level in AreaLevels.All)
        {
            Assert.True(served.ContainsKey(level.Id), $"{level.Id} missing from /api/catalog");
            var list = await db.GetJson($"/api/areas?level={level.Id}");
            Assert.Equal(level.ExpectedInEngland, list.GetProperty("count").GetInt32());
            Assert.Equal(level.Ogc, collections.Contains(level.Id));
            Assert.Equal(level.Tiles is not null, style.GetProperty("sources").TryGetProperty(level.Id, out _));
            var tilejson = await db.Http.GetAsync($"/tiles/{level.Id}.json");
            Assert.Equal(level.Tiles is not null ? HttpStatusCode.OK : HttpStatusCode.NotFound, tilejson.StatusCode);
            var gaps = await db.Http.GetAsync($"/api/gaps?level={level.Id}&limit=1");
            Assert.Equal(level.Gaps ? HttpStatusCode.OK : HttpStatusCode.BadRequest, gaps.StatusCode);
            var code = list.GetProperty("areas")[0].GetProperty("code").GetString();
            var map = await db.Http.GetAsync($"/maps/{level.Id}/{code}.png?width=300&height=300");
            Assert.Equal(level.Maps ? HttpStatusCode.OK : HttpStatusCode.BadRequest, map.StatusCode);
        }
        // The figures: each has one name, used by the API's fields and the tiles.
        var area = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas")[0];
        foreach (var f in Figures.All.Where(f => f.Value is not null))
            Assert.True(area.TryGetProperty(f.Id, out _) || area.GetProperty("deprivation").TryGetProperty(f.Id, out _), $"figure {f.Id} is not an API field");
        var tj = await db.GetJson("/tiles/lad.json");
        var fields = tj.GetProperty("vector_layers")[0].GetProperty("fields");
        foreach (var f in Figures.All.Where(f => f.Tile && f.AppliesTo("lad"))) Assert.True(fields.TryGetProperty(f.Id, out _), $"tile field {f.Id}");
        // Defaults defined once: the scenario's default cost is the catalog's.
        Assert.Equal(ModelParameters.DefaultAnnualCost, catalog.GetProperty("defaults").GetProperty("annual_cost").GetDouble());
        var (status, scenario) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams":[{"areas":["E08000024"]}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ModelParameters.DefaultAnnualCost, scenario.GetProperty("teams")[0].GetProperty("annual_cost").GetDouble());
    }

    [Fact]
    public async Task A_team_or_a_plan_can_take_a_whole_upper_tier_council()
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams":[{"name":"County team","areas":["E10000019"],"capacity_families_per_year":200}],"level":"utla"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var lincs = Assert.Single(body.GetProperty("areas").EnumerateArray());
        Assert.Equal("E10000019", lincs.GetProperty("code").GetString());
        Assert.Equal(200, lincs.GetProperty("unmet_need_before").GetDouble() - lincs.GetProperty("unmet_need_after").GetDouble(), 1);
        Assert.Equal("confirmed_none", lincs.GetProperty("team_state_before").GetString());
        Assert.Equal("served", lincs.GetProperty("team_state_after").GetString());

        var (ps, plan) = await db.Send(HttpMethod.Post, "/api/plan", """{"teams":2,"candidate_level":"utla","within":"E40000005"}""");
        Assert.Equal(HttpStatusCode.OK, ps);
        Assert.Equal(2, plan.GetProperty("picks").GetArrayLength());
    }

    [Fact]
    public async Task The_OpenAPI_document_has_a_response_schema_for_every_JSON_endpoint()
    {
        var doc = await db.GetJson("/openapi/v1.json");
        foreach (var path in new[] { "/api/areas", "/api/areas/{code}", "/api/gaps", "/api/catalog", "/api/teams/summary", "/api/model" })
        {
            var schema = doc.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200")
                .GetProperty("content").GetProperty("application/json").GetProperty("schema");
            Assert.True(schema.TryGetProperty("$ref", out _), path);
        }
        var areaOut = doc.GetProperty("components").GetProperty("schemas").GetProperty("AreaOut").GetProperty("properties");
        Assert.Equal("number", areaOut.GetProperty("unmet_need").GetProperty("type").GetString());
        Assert.True(doc.GetProperty("paths").GetProperty("/api/areas/{code}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
    }

    [Fact]
    public async Task The_stale_types_check_fails_on_a_changed_schema_and_passes_on_the_served_one()
    {
        var dir = Directory.CreateTempSubdirectory("cradle-openapi-");
        try
        {
            var served = await db.Http.GetStringAsync("/openapi/v1.json");
            var same = Path.Combine(dir.FullName, "same.json");
            await File.WriteAllTextAsync(same, served);
            Assert.Equal(0, (await Script("check", same)).ExitCode);
            var changed = Path.Combine(dir.FullName, "changed.json");
            await File.WriteAllTextAsync(changed, served.Replace("\"unmet_need_in_not_known\"", "\"unmet_need_where_unknown\""));
            var result = await Script("check", changed);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("stale", result.Output);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>
    /// Redocly CLI (2.77.0, Redocly's recommended rules: redocly.yaml) on the served document: no error, and only the
    /// warnings listed here, each for a reason.
    /// </summary>
    [Fact]
    public async Task The_OpenAPI_document_passes_Redocly_lint()
    {
        var allowed = new Dictionary<string, string>
        {
            // They take no parameter and answer anything with 200: declaring a 4xx would make the document lie.
            ["operation-4xx-response #/paths/~1api~1viewer~1config/get"] = "no client error possible",
            ["operation-4xx-response #/paths/~1api~1datasets/get"] = "no client error possible",
            ["operation-4xx-response #/paths/~1health~1live/get"] = "no client error possible",
            ["operation-4xx-response #/paths/~1health~1ready/get"] = "no client error possible (503 when not ready)",
            // The OGC landing page's service-desc: a redirect to /openapi/v1.json by design (QGIS 3.22 follows an absolute one).
            ["operation-2xx-response #/paths/~1ogc~1api/get"] = "a redirect",
        };
        var dir = Directory.CreateTempSubdirectory("cradle-redocly-");
        try
        {
            var file = Path.Combine(dir.FullName, "openapi.json");
            await File.WriteAllTextAsync(file, await db.Http.GetStringAsync("/openapi/v1.json"));
            var (code, output) = await TestEnvironment.RunAsync(Path.Combine(TestEnvironment.Root, "src", "Web", "node_modules", ".bin", "redocly"),
                "lint", file, "--config", Path.Combine(TestEnvironment.Root, "redocly.yaml"), "--format=json", "--max-problems=10000");
            var json = output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)];
            var report = JsonDocument.Parse(json).RootElement;
            var problems = report.GetProperty("problems").EnumerateArray()
                .Select(p => (Rule: p.GetProperty("ruleId").GetString()!, Severity: p.GetProperty("severity").GetString()!,
                    Where: p.GetProperty("location")[0].GetProperty("pointer").GetString()!, Message: p.GetProperty("message").GetString()!)).ToList();
            Assert.True(problems.All(p => p.Severity != "error"), string.Join("\n", problems.Where(p => p.Severity == "error").Select(p => $"{p.Rule} {p.Where}: {p.Message}")));
            var unexpected = problems.Where(p => !allowed.Keys.Any(a => $"{p.Rule} {p.Where}".StartsWith(a, StringComparison.Ordinal))).Select(p => $"{p.Severity} {p.Rule} {p.Where}: {p.Message}").ToList();
            Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
            Assert.Equal(0, code);
        }
        finally { dir.Delete(recursive: true); }
    }

    static readonly HashSet<string> Keyed = ["POST /api/teams", "PUT /api/teams/{id}", "DELETE /api/teams/{id}", "GET /api/contributions",
        "POST /api/contributions/{reference}/accept", "POST /api/contributions/{reference}/reject"];

    [Fact]
    public async Task Every_operation_has_an_id_its_security_and_typed_described_parameters()
    {
        var doc = await db.GetJson("/openapi/v1.json");
        var ids = new HashSet<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                var where = $"{op.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(ids.Add(op.Value.GetProperty("operationId").GetString()!), where);
                var security = op.Value.GetProperty("security");
                if (Keyed.Contains(where)) Assert.Equal("bearer", security[0].EnumerateObject().Single().Name);
                else Assert.True(security.GetArrayLength() == 0, where);
                foreach (var p in op.Value.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray() : [])
                {
                    var name = p.GetProperty("name").GetString();
                    Assert.False(string.IsNullOrEmpty(p.TryGetProperty("description", out var d) ? d.GetString() : null), $"{where}: {name} has no description");
                    var schema = p.GetProperty("schema");
                    // Typed: a number or boolean type, an enum, a pattern, a format or a length; not a bare string.
                    Assert.True(schema.EnumerateObject().Any(k => k.Name is "enum" or "pattern" or "format" or "minLength" or "maxLength" or "minimum")
                        || schema.GetProperty("type").GetRawText() is not "\"string\"", $"{where}: {name} is an untyped string");
                }
            }
        // The writes name the bearer scheme; the scheme is in the document.
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var create = doc.GetProperty("paths").GetProperty("/api/teams").GetProperty("post");
        Assert.Equal("#/components/schemas/TeamBody", create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(0, doc.GetProperty("paths").GetProperty("/api/scenarios").GetProperty("post").GetProperty("security").GetArrayLength());
        foreach (var (path, media) in new[] { ("/maps/{level}/{code}.png", "image/png"), ("/reports/{level}/{code}.pdf", "application/pdf"), ("/api/areas", "text/csv"),
            ("/api/areas", "application/geo+json"), ("/api/areas", "application/json"), ("/tiles/{layer}/{z}/{x}/{y}.mvt", "application/vnd.mapbox-vector-tile") })
            Assert.True(doc.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty(media, out _), $"{path} {media}");
        // The check that holds every JSON answer of these tests to the document has run.
        Assert.True(db.Conformance.Validated > 0);
    }

    static Task<(int ExitCode, string Output)> Script(params string[] args) =>
        TestEnvironment.RunAsync(Path.Combine(TestEnvironment.Root, "scripts", "api-types.sh"), args);
}
