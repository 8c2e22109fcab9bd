using System.Net;
using System.Text.Json;
using Cradle.Core.Register;
using Cradle.Data.Register;

namespace Cradle.Tests;

/// <summary>Register rows for tests: valid unless a test changes them.</summary>
public static class TestTeams
{
    /// <summary>A valid team body with its required sources; <paramref name="extra"/> adds or overrides JSON members.</summary>
    public static string Json(string id, string area = "E08000024", string status = "active", double? capacity = null, string extra = "")
    {
        var cap = capacity is { } c ? $",\"capacity_families_per_year\":{c.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"capacity_source_url\":\"https://example.org/{id}/capacity\"" : "";
        return $$"""{"id":"{{id}}","name":"Test team {{id}}","status":"{{status}}","service_areas":["{{area}}"],"source_url":"https://example.org/{{id}}/page","source_date":"2026-11","last_checked":"2026-11-01","definition_fit":"meets"{{cap}}{{extra}}}""";
    }
}

/// <summary>The team register: reads for everyone, audited writes for key holders, and the figures that follow.</summary>
[Collection("database")]
public sealed class RegisterTests(DatabaseFixture db)
{
    static readonly string Sunderland = TestTeams.Json("test-sunderland", capacity: 120);

    [Fact]
    public async Task The_register_lists_the_committed_teams_with_their_sources_and_dates()
    {
        var committed = TestEnvironment.CommittedTeams;
        var list = await db.GetJson("/api/teams");
        Assert.Equal(committed.Count, list.GetProperty("count").GetInt32());
        Assert.Equal(committed.Count(t => t.IsActive), list.GetProperty("active").GetInt32());
        var teams = list.GetProperty("teams").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        Assert.Equal("closed", teams["norpip"].GetProperty("status").GetString());
        Assert.Equal("2021-06", teams["norpip"].GetProperty("ended").GetString());
        Assert.Equal(["E06000061", "E06000062"], teams["norpip"].GetProperty("service_areas").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(277, teams["newpip"].GetProperty("capacity_families_per_year").GetDouble());
        Assert.StartsWith("https://www.charitytoday.co.uk/", teams["newpip"].GetProperty("capacity_source_url").GetString());
        Assert.Equal(265_955, teams["haringey-pips"].GetProperty("annual_cost_gbp").GetDouble());
        Assert.Equal("uncertain", teams["north-lincs-piew"].GetProperty("definition_fit").GetString());
        Assert.True(teams.Values.All(t => t.GetProperty("last_checked").ValueKind == JsonValueKind.String && t.GetProperty("source_date").ValueKind == JsonValueKind.String));
        Assert.Contains("E05014110", teams["lambeth-pairs"].GetProperty("service_areas").EnumerateArray().Select(x => x.GetString()));
    }

    [Fact]
    public async Task The_CSV_export_round_trips_the_committed_register()
    {
        var csv = await db.Http.GetStringAsync("/api/teams?format=csv");
        var exported = RegisterFiles.TeamsOfText("export", csv).OrderBy(t => t.Id).ToList();
        var committed = TestEnvironment.CommittedTeams.OrderBy(t => t.Id).ToList();
        Assert.Equal(committed.Count, exported.Count);
        for (int i = 0; i < committed.Count; i++)
            Assert.Equal(committed[i] with { ServiceAreas = [] }, exported[i] with { ServiceAreas = [] });
        Assert.Equal(committed.Select(t => string.Join(';', t.ServiceAreas)), exported.Select(t => string.Join(';', t.ServiceAreas)));
    }

    [Fact]
    public async Task Two_editors_adding_the_same_team_at_once_get_one_201_and_one_409()
    {
        var body = TestTeams.Json("test-race");
        try
        {
            for (int round = 0; round < 5; round++)
            {
                var both = await Task.WhenAll(db.Send(HttpMethod.Post, "/api/teams", body, db.ApiKey), db.Send(HttpMethod.Post, "/api/teams", body, db.ApiKey));
                Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], both.Select(x => x.Status).Order());
                Assert.Equal(HttpStatusCode.NoContent, (await db.Send(HttpMethod.Delete, "/api/teams/test-race", null, db.ApiKey)).Status);
            }
            // "summary" is an address of its own, not a team.
            var (status, problem) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("summary"), db.ApiKey);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("reserved", problem.GetProperty("errors").GetProperty("id")[0].GetString());
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-race", null, db.ApiKey); }
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
        var Team = TestTeams.Json("test-ifmatch", capacity: 999).Replace("999", "CAP");
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
    [InlineData("id", "\"id\":\"BAD ID\"")]
    [InlineData("name", "\"name\":\"\"")]
    [InlineData("status", "\"status\":\"maybe\"")]
    [InlineData("service_areas", "\"service_areas\":[\"E99999999\"]")]
    [InlineData("service_areas", "\"service_areas\":[]")]
    [InlineData("capacity_families_per_year", "\"capacity_families_per_year\":-1,\"capacity_source_url\":\"https://example.org/c/p\"")]
    [InlineData("capacity_families_per_year", "\"capacity_families_per_year\":0,\"capacity_source_url\":\"https://example.org/c/p\"")]
    [InlineData("capacity_source_url", "\"capacity_families_per_year\":80")]
    [InlineData("annual_cost_gbp", "\"annual_cost_gbp\":0,\"cost_source_url\":\"https://example.org/c/p\"")]
    [InlineData("ended", "\"status\":\"closed\",\"started\":\"2024-01-01\",\"ended\":\"2023\"")]
    [InlineData("status", "\"ended\":\"2024-03\"")]
    [InlineData("ended", "\"status\":\"closed\",\"ended\":\"2099-01-01\"")]
    [InlineData("started", "\"started\":\"2031\"")]
    [InlineData("started", "\"started\":\"2021-02-30\"")]
    [InlineData("base_lon", "\"base_lon\":-1.5")]
    [InlineData("source_url", "\"source_url\":\"javascript:alert(1)\"")]
    [InlineData("source_url", "\"source_url\":\"https://www.hsj.co.uk/\"")]
    [InlineData("source_url", "\"source_url\":null")]
    [InlineData("source_date", "\"source_date\":null")]
    [InlineData("last_checked", "\"last_checked\":\"2020-01-01\",\"source_date\":\"2021\"")]
    [InlineData("last_confirmed", "\"last_confirmed\":\"2099\"")]
    [InlineData("last_confirmed", "\"last_confirmed\":\"2026-11-20\"")]
    [InlineData("definition_fit", "\"definition_fit\":\"perhaps\"")]
    [InlineData("started", "\"started\":\"not a date\"")]
    [InlineData("capacity_families_per_year", "\"capacity_families_per_year\":\"lots\"")]
    public async Task Invalid_teams_are_refused_field_by_field_and_nothing_changes(string field, string change)
    {
        // The change overrides members of a valid team (JSON takes the last of a repeated member).
        var json = TestTeams.Json("t-1", extra: "," + change);
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
        var (exists, _) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("newpip", "E08000021"), db.ApiKey);
        Assert.Equal(HttpStatusCode.Conflict, exists);
        var (missing, _) = await db.Send(HttpMethod.Put, "/api/teams/no-such-team", TestTeams.Json("no-such-team", "E08000021"), db.ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (mismatch, _) = await db.Send(HttpMethod.Put, "/api/teams/newpip", TestTeams.Json("oxpip", "E08000021"), db.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
    }

    /// <summary>Each kind of bad row, in the committed file's LivPIP row: the import names the line,
    /// the team and the field, exits 1, and the register stays as it was.</summary>
    [Theory]
    [InlineData("service_areas", "E08000012", "E08999999")]
    [InlineData("ended", ",2015,,", ",2015,2014,")]
    [InlineData("status", ",active,2015,,", ",active,2015,2020,")]
    [InlineData("capacity_families_per_year", ",2015,,,,156667", ",2015,,0,https://example.org/x/y,156667")]
    [InlineData("source_url", "https://www.cypnow.co.uk/best-practice/article/liverpool-service-enhances-parent-child-attachment", "https://www.cypnow.co.uk/")]
    [InlineData("started", ",active,2015,", ",active,2015-13,")]
    public async Task A_register_CSV_with_a_bad_row_is_refused_naming_the_line_the_team_and_the_field(string field, string from, string to)
    {
        using var tmp = new TempDirectory("cradle-register-csv-");
        var path = tmp.File("teams.csv");
        var lines = (await File.ReadAllLinesAsync(TestEnvironment.Teams)).ToList();
        int row = lines.FindIndex(l => l.StartsWith("livpip,"));
        Assert.Contains(from, lines[row]);
        lines[row] = lines[row].Replace(from, to);
        await File.WriteAllLinesAsync(path, lines);
        var version = await db.DataVersion();
        var before = await db.Http.GetStringAsync("/api/teams?format=csv");
        var result = await TestEnvironment.RunCliAsync("teams", "import", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"line {row + 1}", result.Stderr);
        Assert.Contains("livpip", result.Stderr);
        Assert.Contains(field, result.Stderr);
        Assert.Contains("nothing was changed", result.Stderr);
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal(before, await db.Http.GetStringAsync("/api/teams?format=csv"));
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
        var (created, _) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("test-etag"), db.ApiKey);
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
    public async Task Wrongly_typed_bodies_are_refused()
    {
        // Too large a body (413) is HttpSemanticsTests.A_body_too_large_is_413_problem_json: announced, not
        // sent, because a client still writing a megabyte races the server's refusal (a broken pipe, not the answer).
        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/scenarios") { Content = new StringContent("teams=1") };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await db.Http.SendAsync(text)).StatusCode);
    }
}
