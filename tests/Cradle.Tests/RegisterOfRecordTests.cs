using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Cradle.Core.Register;
using Cradle.Data.Register;

namespace Cradle.Tests;

/// <summary>
/// The register of record: the database keeps every edit, an import merges the file in three
/// ways, keys work when made, and contributions from anyone count only once a key holder accepts
/// them (real PostGIS, the real API process, the real command line).
/// </summary>
[Collection("database")]
public sealed class RegisterOfRecordTests(DatabaseFixture db) : IAsyncLifetime
{
    readonly string _dir = Directory.CreateTempSubdirectory("cradle-register-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Every test leaves the register as committed (the change log keeps what happened).</summary>
    public async Task DisposeAsync()
    {
        var restore = await TestEnvironment.RunCliAsync("teams", "import", TestEnvironment.Teams, "--replace");
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The committed register files with some teams changed, in a directory of their own.</summary>
    string FileWith(Func<Team, Team> change)
    {
        var path = Path.Combine(_dir, "teams.csv");
        File.WriteAllText(path, TeamCsv.Write(TestEnvironment.CommittedTeams.Select(change)));
        File.Copy(Path.Combine(Path.GetDirectoryName(TestEnvironment.Teams)!, TeamRegister.EvidenceFile), Path.Combine(_dir, TeamRegister.EvidenceFile), overwrite: true);
        return path;
    }

    async Task<JsonElement> Team(string id) => await db.GetJson($"/api/teams/{id}");

    async Task EditCommissioner(string id, string commissioner)
    {
        var team = await Team(id);
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(team.GetRawText())!;
        body["commissioner"] = commissioner;
        body.Remove("needs_reconfirming");
        var (status, answer) = await db.Send(HttpMethod.Put, $"/api/teams/{id}", JsonSerializer.Serialize(body), db.ApiKey);
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
    }

    [Fact]
    public async Task An_edit_made_through_the_API_survives_an_import_of_a_file_changed_elsewhere()
    {
        // The case measured: the commissioner edits Oldham after the December 2025 re-award; then the
        // file changes in the repository (another row's last_checked) and make run imports it.
        await EditCommissioner("oldham-eas", "Oldham Council (re-awarded December 2025)");
        var file = FileWith(t => t.Id == "newpip" ? t with { LastChecked = new DateOnly(2026, 12, 5) } : t);
        var import = await TestEnvironment.RunCliAsync("teams", "import", file);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("1 updated", import.Stdout);
        Assert.Contains("1 kept as changed in the register", import.Stdout);
        Assert.Equal("Oldham Council (re-awarded December 2025)", (await Team("oldham-eas")).GetProperty("commissioner").GetString());
        Assert.Equal("2026-12-05", (await Team("newpip")).GetProperty("last_checked").GetString());
    }

    [Fact]
    public async Task An_import_that_changes_a_field_edited_in_the_register_stops_naming_the_team_and_field_and_changes_nothing()
    {
        await EditCommissioner("oldham-eas", "Edited in the register");
        var file = FileWith(t => t.Id == "oldham-eas" ? t with { Commissioner = "Edited in the file" }
            : t.Id == "newpip" ? t with { LastChecked = new DateOnly(2026, 12, 5) } : t);
        var version = await db.DataVersion();
        var import = await TestEnvironment.RunCliAsync("teams", "import", file);
        Assert.Equal(5, import.ExitCode);
        Assert.Contains("oldham-eas", import.Stderr);
        Assert.Contains("commissioner: file 'Edited in the file', register 'Edited in the register'", import.Stderr);
        Assert.Contains("Nothing was changed", import.Stderr);
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal("Edited in the register", (await Team("oldham-eas")).GetProperty("commissioner").GetString());
        Assert.Equal("2026-12-01", (await Team("newpip")).GetProperty("last_checked").GetString()); // not even the other row

        // The operator chooses the register's side: the file's other change goes in, the edit stays,
        // and the file is the base of the next import, which then has nothing to say about Oldham.
        var resolved = await TestEnvironment.RunCliAsync("teams", "import", file, "--prefer", "register");
        Assert.True(resolved.ExitCode == 0, resolved.Stderr);
        Assert.Equal("Edited in the register", (await Team("oldham-eas")).GetProperty("commissioner").GetString());
        Assert.Equal("2026-12-05", (await Team("newpip")).GetProperty("last_checked").GetString());
        var again = await TestEnvironment.RunCliAsync("teams", "import", file, "--force");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("Edited in the register", (await Team("oldham-eas")).GetProperty("commissioner").GetString());
    }

    [Fact]
    public async Task A_key_made_on_the_command_line_works_at_once_and_a_revoked_one_stops_at_once()
    {
        var made = await TestEnvironment.RunCliAsync("keys", "add", "newcomer", "--file", db.KeysFile);
        Assert.True(made.ExitCode == 0, made.Stderr);
        var key = made.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        Assert.StartsWith("crd_", key);
        var (status, body) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("t-newcomer"), key);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var history = await db.GetJson("/api/teams/t-newcomer/history");
        Assert.Equal("key:newcomer", history[0].GetProperty("actor").GetString());

        var listed = await TestEnvironment.RunCliAsync("keys", "list", "--file", db.KeysFile);
        Assert.Contains("newcomer", listed.Stdout);
        var revoked = await TestEnvironment.RunCliAsync("keys", "revoke", "newcomer", "--file", db.KeysFile);
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        Assert.Equal(HttpStatusCode.Unauthorized, (await db.Send(HttpMethod.Delete, "/api/teams/t-newcomer", null, key)).Status);
        Assert.DoesNotContain("newcomer", (await TestEnvironment.RunCliAsync("keys", "list", "--file", db.KeysFile)).Stdout);
        // The other key in the file still works.
        Assert.Equal(HttpStatusCode.NoContent, (await db.Send(HttpMethod.Delete, "/api/teams/t-newcomer", null, db.ApiKey)).Status);
    }

    /// <summary>A contribution from a client of its own (a trusted local proxy's X-Forwarded-For), so that rate limits do not cross tests.</summary>
    async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Contribute(string json, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contributions") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", client);
        var response = await db.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement, response);
    }

    const string Sunderland = "E08000024";

    [Fact]
    public async Task A_contribution_waits_for_review_then_accepted_changes_the_map_with_a_new_data_version()
    {
        var before = await db.GetJson($"/api/areas/{Sunderland}");
        Assert.NotEqual("served", before.GetProperty("area").GetProperty("team_state").GetString());
        var (status, receipt, _) = await Contribute("""
            {"kind":"new_team","team":{"name":"Sunderland Test Parent Infant Team","status":"active","service_areas":["E08000024"],"provider":"A test provider"},
             "source_url":"https://example.org/sunderland/news/new-team","source_date":"2026-11","contact":"private@example.org","comment":"Opened in November."}
            """, "198.51.100.1");
        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        var reference = receipt.GetProperty("ref").GetString()!;
        var url = receipt.GetProperty("url").GetString()!;

        // Waiting: it changes nothing, shows its state, and never its contact.
        var waiting = await db.GetJson(url);
        Assert.Equal("submitted", waiting.GetProperty("state").GetString());
        Assert.DoesNotContain("private@example.org", waiting.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await db.Http.GetAsync("/api/teams/sunderland-test-parent-infant-team")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await db.Send(HttpMethod.Get, "/api/contributions", null)).Status);

        // The review desk: the row it would make, as a diff, with the contact for the reviewer.
        var (qs, queue) = await db.Send(HttpMethod.Get, "/api/contributions", null, db.ApiKey);
        Assert.Equal(HttpStatusCode.OK, qs);
        var item = queue.GetProperty("contributions").EnumerateArray().Single(c => c.GetProperty("ref").GetString() == reference);
        Assert.Equal("private@example.org", item.GetProperty("contact").GetString());
        var diff = item.GetProperty("diff").EnumerateArray().ToDictionary(d => d.GetProperty("field").GetString()!, d => d.GetProperty("proposed").GetString());
        Assert.Equal("active", diff["status"]);
        Assert.Equal("https://example.org/sunderland/news/new-team", diff["source_url"]);

        var version = await db.DataVersion();
        var (accepted, decided) = await db.Send(HttpMethod.Post, $"/api/contributions/{reference}/accept", null, db.ApiKey);
        Assert.True(accepted == HttpStatusCode.OK, decided.ToString());
        long newVersion = decided.GetProperty("data_version").GetInt64();
        Assert.True(newVersion > version);

        var after = await db.GetJson($"/api/areas/{Sunderland}");
        Assert.Equal("served", after.GetProperty("area").GetProperty("team_state").GetString());
        Assert.Contains(after.GetProperty("teams_serving").EnumerateArray(), t => t.GetProperty("id").GetString() == "sunderland-test-parent-infant-team");
        var done = await db.GetJson(url);
        Assert.Equal("accepted", done.GetProperty("state").GetString());
        Assert.Equal(newVersion, done.GetProperty("data_version").GetInt64());
        Assert.DoesNotContain("private@example.org", done.GetRawText());
        // Deciding twice is a conflict.
        Assert.Equal(HttpStatusCode.Conflict, (await db.Send(HttpMethod.Post, $"/api/contributions/{reference}/accept", null, db.ApiKey)).Status);

        // The change log names the contribution and its source.
        var log = await db.GetJson("/api/teams/changes?limit=5");
        var entry = log.GetProperty("changes").EnumerateArray().First(c => c.GetProperty("contribution").ValueKind == JsonValueKind.String && c.GetProperty("contribution").GetString() == reference);
        Assert.Equal("https://example.org/sunderland/news/new-team", entry.GetProperty("source").GetString());
        Assert.Equal(newVersion, entry.GetProperty("data_version").GetInt64());
    }

    [Fact]
    public async Task A_rejected_contribution_changes_nothing_and_says_why()
    {
        var (status, receipt, _) = await Contribute("""
            {"kind":"team_change","team_id":"newpip","team":{"status":"closed","ended":"2024"},"speaks_for_service":true,"role":"a parent who used it"}
            """, "198.51.100.2");
        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        var reference = receipt.GetProperty("ref").GetString()!;
        var version = await db.DataVersion();
        var (rejected, body) = await db.Send(HttpMethod.Post, $"/api/contributions/{reference}/reject", """{"reason":"No source says it closed; please send the page."}""", db.ApiKey);
        Assert.True(rejected == HttpStatusCode.OK, body.ToString());
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal("active", (await Team("newpip")).GetProperty("status").GetString());
        var state = await db.GetJson($"/api/contributions/{reference}");
        Assert.Equal("rejected", state.GetProperty("state").GetString());
        Assert.Equal("No source says it closed; please send the page.", state.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await db.Send(HttpMethod.Post, $"/api/contributions/{reference}/accept", null, db.ApiKey)).Status);
        // The change log says it was turned down and why; no team changed.
        var log = await db.GetJson("/api/teams/changes?limit=200");
        var entry = Assert.Single(log.GetProperty("changes").EnumerateArray(), c => c.GetProperty("contribution").ValueKind == JsonValueKind.String && c.GetProperty("contribution").GetString() == reference);
        Assert.Equal("contribution", entry.GetProperty("entity").GetString());
        Assert.Equal("reject", entry.GetProperty("action").GetString());
        Assert.Equal("newpip", entry.GetProperty("team_id").GetString());
        Assert.Equal("No source says it closed; please send the page.", entry.GetProperty("after").GetProperty("reason").GetString());
        Assert.Equal(version, entry.GetProperty("data_version").GetInt64());
    }

    static int _badClients; // a client each, so that the cases are not rate-limited together

    [Theory]
    [InlineData("""{"kind":"new_team","team":{"name":"X","status":"active","service_areas":["E08000024"]}}""", "source_url")]
    [InlineData("""{"kind":"new_team","team":{"name":"X","status":"active","service_areas":["E08000024"]},"source_url":"https://www.example.org/"}""", "source_url")]
    [InlineData("""{"kind":"new_team","team":{"name":"X","status":"active","service_areas":["E08000024"]},"speaks_for_service":true}""", "role")]
    [InlineData("""{"kind":"new_team","team":{"name":"X","status":"active","service_areas":["E99999999"]},"source_url":"https://example.org/a/b"}""", "team.service_areas")]
    [InlineData("""{"kind":"team_change","team_id":"newpip","team":{"ended":"2099"},"source_url":"https://example.org/a/b"}""", "team.ended")]
    [InlineData("""{"kind":"team_change","team_id":"newpip","team":{"ended":"2024"},"source_url":"https://example.org/a/b"}""", "team.status")]
    [InlineData("""{"kind":"team_change","team_id":"no-such-team","team":{"status":"closed"},"source_url":"https://example.org/a/b"}""", "team_id")]
    [InlineData("""{"kind":"area_evidence","evidence":{"area_code":"E99999999","evidence":"confirmed_none","statement":"none"},"source_url":"https://example.org/a/b"}""", "evidence.area_code")]
    [InlineData("""{"kind":"area_evidence","evidence":{"area_code":"E08000024","evidence":"confirmed_none","statement":"none"},"source_url":"https://example.org/a/b","source_date":"2031"}""", "source_date")]
    [InlineData("""{"kind":"gossip","source_url":"https://example.org/a/b"}""", "kind")]
    [InlineData("""{"kind":"new_team","team":{"name":"X","status":"active","service_areas":["E08000024"]},"source_url":"https://example.org/a/b","surprise":1}""", "surprise")]
    public async Task A_bad_contribution_is_a_400_naming_the_field_and_nothing_is_queued(string json, string field)
    {
        var (status, body, response) = await Contribute(json, $"203.0.113.{Interlocked.Increment(ref _badClients)}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task The_eleventh_contribution_a_minute_from_one_client_is_a_429_with_Retry_After()
    {
        const string client = "198.51.100.99";
        for (int i = 1; i <= 10; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await Contribute("""{"kind":"new_team"}""", client)).Status); // counted, though refused
        var (status, body, response) = await Contribute("""{"kind":"new_team"}""", client);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Contains("10", body.GetProperty("detail").GetString());
        // Another client is not held back.
        Assert.Equal(HttpStatusCode.BadRequest, (await Contribute("""{"kind":"new_team"}""", "198.51.100.98")).Status);
    }

    [Fact]
    public async Task A_contributions_script_text_comes_back_as_text_in_the_API_CSV_GeoJSON_feed_and_report()
    {
        const string name = "<script>alert('x')</script> & <img src=x onerror=alert(1)> team";
        var json = JsonSerializer.Serialize(new
        {
            kind = "new_team",
            team = new { id = "xss-test-team", name, status = "active", service_areas = new[] { Sunderland }, notes = "<b>bold</b> \"quoted\"" },
            source_url = "https://example.org/xss/page",
        });
        var (status, receipt, _) = await Contribute(json, "198.51.100.4");
        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        var (accepted, decided) = await db.Send(HttpMethod.Post, $"/api/contributions/{receipt.GetProperty("ref").GetString()}/accept", null, db.ApiKey);
        Assert.True(accepted == HttpStatusCode.OK, decided.ToString());

        Assert.Equal(name, (await Team("xss-test-team")).GetProperty("name").GetString());
        // CSV: the text as it is, quoted where CSV needs it; read back, the same text.
        Assert.Equal(name, RegisterFiles.TeamsOfText("export", await db.Http.GetStringAsync("/api/teams?format=csv")).Single(t => t.Id == "xss-test-team").Name);
        var released = await db.Http.GetAsync("/api/register/latest/teams.csv");
        Assert.Contains(name, await released.Content.ReadAsStringAsync());
        // GeoJSON: a string property, equal to the text.
        var feature = await db.GetJson("/ogc/collections/teams/items/xss-test-team");
        Assert.Equal(name, feature.GetProperty("properties").GetProperty("name").GetString());
        // The report (HTML): escaped, never markup.
        var html = await db.Http.GetStringAsync($"/reports/lad/{Sunderland}.html");
        Assert.Contains("&lt;script&gt;alert(", html);
        Assert.DoesNotContain("<script>alert(", html);
        Assert.DoesNotContain("<img src=x", html);
        // The feed is XML: it parses, and names the change.
        var atom = XDocument.Parse(await db.Http.GetStringAsync("/api/teams/changes.atom"));
        Assert.Contains(atom.Descendants(XName.Get("title", "http://www.w3.org/2005/Atom")), t => t.Value.Contains("xss-test-team"));
    }

    [Fact]
    public async Task Each_change_is_released_at_its_data_version_and_an_earlier_release_keeps_its_bytes()
    {
        var index = await db.GetJson("/api/register");
        Assert.Equal("CC-BY-4.0", index.GetProperty("licence").GetString());
        long first = index.GetProperty("latest").GetInt64();
        var before = await db.Http.GetStringAsync($"/api/register/{first}/teams.csv");
        await EditCommissioner("oldham-eas", "Released edit");
        var next = (await db.GetJson("/api/register")).GetProperty("latest").GetInt64();
        Assert.True(next > first);
        Assert.Contains("Released edit", await db.Http.GetStringAsync($"/api/register/{next}/teams.csv"));
        var again = await db.Http.GetAsync($"/api/register/{first}/teams.csv");
        Assert.Equal(before, await again.Content.ReadAsStringAsync());
        Assert.Contains("immutable", again.Headers.CacheControl?.ToString()); // the same bytes for good
        var latest = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = db.BaseAddress }.GetAsync("/api/register/latest/datapackage.json");
        Assert.Equal(HttpStatusCode.Redirect, latest.StatusCode);
        Assert.Equal($"/api/register/{next}/datapackage.json", latest.Headers.Location?.OriginalString);
        var package = await db.GetJson($"/api/register/{next}/datapackage.json");
        Assert.Equal(TeamCsv.Columns, package.GetProperty("resources")[0].GetProperty("schema").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var areas = await db.GetJson($"/api/register/{next}/service-areas.geojson");
        var oldham = areas.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "oldham-eas");
        Assert.Contains(oldham.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
        Assert.Equal("Released edit", oldham.GetProperty("properties").GetProperty("commissioner").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await db.Http.GetAsync("/api/register/abc/teams.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await db.Http.GetAsync($"/api/register/{next + 1000}/teams.csv")).StatusCode);
    }

    [Fact]
    public async Task The_summary_counts_what_the_rows_say_about_re_confirming()
    {
        var list = await db.GetJson("/api/teams");
        var stale = list.GetProperty("teams").EnumerateArray().Where(t => t.GetProperty("needs_reconfirming").GetBoolean()).Select(t => t.GetProperty("id").GetString()).ToList();
        var summary = await db.GetJson("/api/teams/summary");
        Assert.Equal(stale.Order(), summary.GetProperty("needs_reconfirming").EnumerateArray().Select(x => x.GetString()).Order());
        Assert.Equal(stale.Count, summary.GetProperty("needs_reconfirming_by_status").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Contains($"{stale.Count} need re-confirming", summary.GetProperty("notice").GetString());
        Assert.Contains("newpip", stale); // June 2021
        Assert.DoesNotContain("kent-pimhs", stale); // March 2026
        // The same rule as a filter and with another threshold.
        var filtered = await db.GetJson("/api/teams?needs_reconfirming=true");
        Assert.Equal(stale.Count, filtered.GetProperty("count").GetInt32());
        var longer = await db.GetJson("/api/teams/summary?reconfirm_after_months=120");
        Assert.True(longer.GetProperty("needs_reconfirming").GetArrayLength() < stale.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await db.Http.GetAsync("/api/teams?reconfirm_after_months=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await db.Http.GetAsync("/api/teams?needs_reconfirming=maybe")).StatusCode);
    }
}
