using System.Net;
using System.Text.Json;
using Cradle.Geo.Register;

namespace Cradle.Tests;

/// <summary>The team register: reads for everyone, audited writes for key holders, and the figures that follow.</summary>
[Collection("database")]
public sealed class RegisterTests(DatabaseFixture db)
{
    const string Sunderland = """{"id":"test-sunderland","name":"Sunderland PIP (test)","status":"active","capacity_families_per_year":120,"service_areas":["E08000024"],"source_url":"https://example.org/sunderland","last_verified":"2026-11-01"}""";

    [Fact]
    public async Task The_register_lists_the_seed_teams_with_when_they_were_verified()
    {
        var list = await db.GetJson("/api/teams");
        Assert.Equal(10, list.GetProperty("count").GetInt32());
        Assert.Equal(7, list.GetProperty("active").GetInt32());
        var teams = list.GetProperty("teams").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        Assert.Equal("closed", teams["norpip"].GetProperty("status").GetString());
        Assert.Equal(["E06000061", "E06000062"], teams["norpip"].GetProperty("service_areas").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(277, teams["newpip"].GetProperty("capacity_families_per_year").GetDouble());
        Assert.True(teams.Values.All(t => t.TryGetProperty("last_verified", out _)));
        Assert.Contains("E05014110", teams["lambeth-pairs"].GetProperty("service_areas").EnumerateArray().Select(x => x.GetString()));
    }

    [Fact]
    public async Task The_CSV_export_round_trips_the_committed_register()
    {
        var csv = await db.Http.GetStringAsync("/api/teams?format=csv");
        var path = Path.GetTempFileName() + ".csv";
        await File.WriteAllTextAsync(path, csv);
        var exported = TeamCsv.Read(path).Select(x => x.Team).OrderBy(t => t.Id).ToList();
        var committed = TeamCsv.Read(TestEnvironment.Teams).Select(x => x.Team).OrderBy(t => t.Id).ToList();
        Assert.Equal(committed.Count, exported.Count);
        for (int i = 0; i < committed.Count; i++)
            Assert.Equal(committed[i] with { ServiceAreas = [] }, exported[i] with { ServiceAreas = [] });
        Assert.Equal(committed.Select(t => string.Join(';', t.ServiceAreas)), exported.Select(t => string.Join(';', t.ServiceAreas)));
    }

    [Fact]
    public async Task Writes_need_a_valid_key()
    {
        var version = await db.DataVersion();
        var (none, noneBody) = await db.Send(HttpMethod.Post, "/api/teams", Sunderland);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal("Unauthorized", noneBody.GetProperty("title").GetString());
        var (wrong, _) = await db.Send(HttpMethod.Post, "/api/teams", Sunderland, key: "crd_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        var (put, _) = await db.Send(HttpMethod.Put, "/api/teams/newpip", """{"name":"x","status":"closed","service_areas":["E08000021"]}""", key: db.ApiKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, put);
        var (delete, _) = await db.Send(HttpMethod.Delete, "/api/teams/newpip", null);
        Assert.Equal(HttpStatusCode.Unauthorized, delete);
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal("active", (await db.GetJson("/api/teams/newpip")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_keyed_write_is_audited_bumps_the_version_and_changes_the_figures()
    {
        await db.Send(HttpMethod.Delete, "/api/teams/test-sunderland", null, db.ApiKey); // from an earlier, interrupted run
        var before = (await db.GetJson("/api/areas/E08000024")).GetProperty("area");
        Assert.True(before.GetProperty("no_team").GetBoolean());
        var version = await db.DataVersion();

        var (created, body) = await db.Send(HttpMethod.Post, "/api/teams", Sunderland, db.ApiKey);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.True(body.GetProperty("data_version").GetInt64() > version);

        var after = (await db.GetJson("/api/areas/E08000024")).GetProperty("area");
        Assert.False(after.GetProperty("no_team").GetBoolean());
        Assert.Equal(before.GetProperty("unmet_need").GetDouble() - 120, after.GetProperty("unmet_need").GetDouble(), 1);

        var (updated, _) = await db.Send(HttpMethod.Put, "/api/teams/test-sunderland", Sunderland.Replace("120", "90"), db.ApiKey);
        Assert.Equal(HttpStatusCode.OK, updated);
        var (deleted, _) = await db.Send(HttpMethod.Delete, "/api/teams/test-sunderland", null, db.ApiKey);
        Assert.Equal(HttpStatusCode.NoContent, deleted);

        var history = (await db.GetJson("/api/teams/test-sunderland/history")).EnumerateArray().ToList();
        var last3 = history.TakeLast(3).ToList();
        Assert.Equal(["create", "update", "delete"], last3.Select(h => h.GetProperty("action").GetString()));
        Assert.All(last3, h => Assert.Equal("key:tester", h.GetProperty("actor").GetString()));
        Assert.Equal(JsonValueKind.Null, last3[0].GetProperty("before").ValueKind);
        Assert.Equal(120, last3[1].GetProperty("before").GetProperty("capacity_families_per_year").GetDouble());
        Assert.Equal(90, last3[1].GetProperty("after").GetProperty("capacity_families_per_year").GetDouble());
        Assert.Equal(JsonValueKind.Null, last3[2].GetProperty("after").ValueKind);
        Assert.True((await db.GetJson("/api/areas/E08000024")).GetProperty("area").GetProperty("no_team").GetBoolean());
    }

    [Fact]
    public async Task A_write_from_a_stale_read_is_refused_with_412_and_changes_nothing()
    {
        const string Team = """{"id":"test-ifmatch","name":"If-Match test","status":"active","capacity_families_per_year":CAP,"service_areas":["E08000024"]}""";
        await db.Send(HttpMethod.Delete, "/api/teams/test-ifmatch", null, db.ApiKey);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await db.Send(HttpMethod.Post, "/api/teams", Team.Replace("CAP", "100"), db.ApiKey)).Status);
            // Two editors read the team at the same version (the ETag GET /api/teams/{id} sends).
            var etag = (await db.Http.GetAsync("/api/teams/test-ifmatch")).Headers.ETag!.Tag;
            Assert.Matches(@"^""v\d+-", etag);

            var (first, _) = await db.Send(HttpMethod.Put, "/api/teams/test-ifmatch", Team.Replace("CAP", "110"), db.ApiKey, etag);
            Assert.Equal(HttpStatusCode.OK, first);
            var (second, problem) = await db.Send(HttpMethod.Put, "/api/teams/test-ifmatch", Team.Replace("CAP", "120"), db.ApiKey, etag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, second);
            Assert.Contains("changed", problem.GetProperty("detail").GetString());
            var (delete, _) = await db.Send(HttpMethod.Delete, "/api/teams/test-ifmatch", null, db.ApiKey, etag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, delete);
            Assert.Equal(110, (await db.GetJson("/api/teams/test-ifmatch")).GetProperty("capacity_families_per_year").GetDouble());

            // A fresh read is not stale, even after changes elsewhere in the register.
            var fresh = (await db.Http.GetAsync("/api/teams/test-ifmatch")).Headers.ETag!.Tag;
            var (ok, _) = await db.Send(HttpMethod.Put, "/api/teams/test-ifmatch", Team.Replace("CAP", "130"), db.ApiKey, fresh);
            Assert.Equal(HttpStatusCode.OK, ok);
            // * and no header write whatever is there; a tag that is not ours is a 400 naming the header.
            Assert.Equal(HttpStatusCode.OK, (await db.Send(HttpMethod.Put, "/api/teams/test-ifmatch", Team.Replace("CAP", "140"), db.ApiKey, "*")).Status);
            var (bad, badBody) = await db.Send(HttpMethod.Put, "/api/teams/test-ifmatch", Team.Replace("CAP", "150"), db.ApiKey, "\"abc\"");
            Assert.Equal(HttpStatusCode.BadRequest, bad);
            Assert.Contains("If-Match", badBody.GetProperty("detail").GetString());
            Assert.Equal(140, (await db.GetJson("/api/teams/test-ifmatch")).GetProperty("capacity_families_per_year").GetDouble());
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-ifmatch", null, db.ApiKey); }
    }

    [Theory]
    [InlineData("""{"id":"BAD ID","name":"x","status":"active","service_areas":["E08000024"]}""", "id")]
    [InlineData("""{"id":"t-1","name":"","status":"active","service_areas":["E08000024"]}""", "name")]
    [InlineData("""{"id":"t-1","name":"x","status":"maybe","service_areas":["E08000024"]}""", "status")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E99999999"]}""", "service_areas")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":[]}""", "service_areas")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"capacity_families_per_year":-1}""", "capacity_families_per_year")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"started":"2024-01-01","ended":"2023-01-01"}""", "ended")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"base_lon":-1.5}""", "base_lon")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"source_url":"javascript:alert(1)"}""", "source_url")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"started":"not a date"}""", "started")]
    [InlineData("""{"id":"t-1","name":"x","status":"active","service_areas":["E08000024"],"capacity_families_per_year":"lots"}""", "capacity_families_per_year")]
    public async Task Invalid_teams_are_refused_field_by_field_and_nothing_changes(string json, string field)
    {
        var version = await db.DataVersion();
        var (status, body) = await db.Send(HttpMethod.Post, "/api/teams", json, db.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal(HttpStatusCode.NotFound, (await db.Http.GetAsync("/api/teams/t-1")).StatusCode);
    }

    [Fact]
    public async Task Creating_an_existing_team_is_a_conflict_and_updating_a_missing_one_is_404()
    {
        var (exists, _) = await db.Send(HttpMethod.Post, "/api/teams", """{"id":"newpip","name":"x","status":"active","service_areas":["E08000021"]}""", db.ApiKey);
        Assert.Equal(HttpStatusCode.Conflict, exists);
        var (missing, _) = await db.Send(HttpMethod.Put, "/api/teams/no-such-team", """{"name":"x","status":"active","service_areas":["E08000021"]}""", db.ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (mismatch, _) = await db.Send(HttpMethod.Put, "/api/teams/newpip", """{"id":"oxpip","name":"x","status":"active","service_areas":["E08000021"]}""", db.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
    }

    [Fact]
    public async Task A_register_CSV_with_a_bad_row_is_refused_naming_the_line()
    {
        var path = Path.GetTempFileName() + ".csv";
        var lines = (await File.ReadAllLinesAsync(TestEnvironment.Teams)).ToList();
        lines[3] = lines[3].Replace("E08000012", "E08999999"); // LivPIP's district
        await File.WriteAllLinesAsync(path, lines);
        var version = await db.DataVersion();
        var result = await TestEnvironment.RunCliAsync("teams", "import", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 4", result.Stderr);
        Assert.Contains("E08999999", result.Stderr);
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal(10, (await db.GetJson("/api/teams")).GetProperty("count").GetInt32());
    }
}

[Collection("database")]
public sealed class HttpCachingTests(DatabaseFixture db)
{
    [Fact]
    public async Task ETags_give_304_until_the_data_version_moves()
    {
        var first = await db.Http.GetAsync("/api/areas?level=region");
        var etag = first.Headers.ETag!;
        Assert.True(first.Headers.CacheControl!.NoCache, "API answers must revalidate so that an edit shows at once");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/areas?level=region");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await db.Http.SendAsync(again)).StatusCode);

        // A register edit bumps the data version: the tag changes and the body is sent again.
        await db.Send(HttpMethod.Delete, "/api/teams/test-etag", null, db.ApiKey);
        var (created, _) = await db.Send(HttpMethod.Post, "/api/teams", """{"id":"test-etag","name":"ETag test","status":"active","service_areas":["E08000024"]}""", db.ApiKey);
        Assert.Equal(HttpStatusCode.Created, created);
        try
        {
            using var stale = new HttpRequestMessage(HttpMethod.Get, "/api/areas?level=region");
            stale.Headers.IfNoneMatch.Add(etag);
            var response = await db.Http.SendAsync(stale);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(etag, response.Headers.ETag);
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-etag", null, db.ApiKey); }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_endpoints_and_docs_are_served()
    {
        var doc = await db.GetJson("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/api/areas", "/api/areas/{code}", "/api/gaps", "/api/teams", "/api/scenarios", "/api/plan", "/api/model", "/api/datasets" })
            Assert.True(paths.TryGetProperty(p, out _), p);
        Assert.Contains("level", paths.GetProperty("/api/areas").GetProperty("get").GetProperty("description").GetString());
        var docs = await db.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("scalar", await docs.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Oversized_and_wrongly_typed_bodies_are_refused()
    {
        var big = "{\"teams\":[{\"name\":\"" + new string('x', 1_100_000) + "\",\"areas\":[\"E08000024\"]}]}";
        var (status, _) = await db.Send(HttpMethod.Post, "/api/scenarios", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/scenarios") { Content = new StringContent("teams=1") };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await db.Http.SendAsync(text)).StatusCode);
    }
}
