using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Cradle.Tests;

/// <summary>Hostile input to every endpoint, failed-auth limits, and a database outage.</summary>
[Collection("database")]
public sealed class ReliabilityTests(DatabaseFixture db)
{
    public static TheoryData<string, string, string?> Hostile() => new()
    {
        { "GET", "/api/areas?level=lad'%20or%201=1--", null },
        { "GET", "/api/areas?level=lad&within=E08000021'%3Bdrop%20table%20cradle.area--", null },
        { "GET", "/api/areas/E08000021%27%20or%20%271%27=%271", null },
        { "GET", "/api/areas/..%2F..%2Fetc%2Fpasswd", null },
        { "GET", "/api/gaps?limit=-1", null },
        { "GET", "/api/gaps?limit=99999999999999999999", null },
        { "GET", "/api/areas?need_model=deprivation&gradient=NaN", null },
        { "GET", "/api/areas?need_model=deprivation&gradient=1e308", null },
        { "GET", "/api/teams/..%2F..%2Fsecrets", null },
        { "GET", "/tiles/lad/99999999999/1/1.mvt", null },
        { "GET", "/tiles/lad/5/-1/NaN.mvt", null },
        { "GET", "/tiles/..%2F..%2Fetc/5/1/1.mvt", null },
        { "GET", "/ogc/collections/lad/items?bbox=NaN,NaN,NaN,NaN", null },
        { "GET", "/ogc/collections/lad/items?limit=1;select%20pg_sleep(10)", null },
        { "GET", "/ogc/collections/lad/items/E08000021'--", null },
        { "GET", "/maps/lad/E08000021.png?width=-5", null },
        { "GET", "/maps/lad/E08000021.png?width=100000&height=100000", null },
        { "GET", "/api/areas?level=" + new string('a', 6000), null },
        { "POST", "/api/scenarios", "{\"teams\":[{\"areas\":[\"E08000024'; drop table cradle.area;--\"]}]}" },
        { "POST", "/api/scenarios", "{\"teams\":[{\"areas\":[\"E08000024\"],\"capacity_families_per_year\":1e309}]}" },
        { "POST", "/api/scenarios", "{\"teams\":[{\"areas\":[\"E08000024\"],\"capacity_families_per_year\":\"NaN\"}]}" },
        { "POST", "/api/scenarios", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" },
        { "POST", "/api/scenarios", "not json at all" },
        { "POST", "/api/plan", "{\"teams\":-3}" },
        { "POST", "/api/plan", "{\"teams\":3,\"max_group_size\":1000000}" },
        { "POST", "/api/plan", "{\"budget_gbp\":-1e308,\"annual_cost\":0.0000001}" },
        { "POST", "/api/plan", "{\"teams\":3,\"within\":\"../../etc\"}" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_input_gets_a_4xx_and_changes_nothing(string method, string url, string? body)
    {
        var version = await db.DataVersion();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await db.Http.SendAsync(request);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(version, await db.DataVersion());
        Assert.Equal(296, await db.Scalar<long>("select count(*) from cradle.area where level = 'lad' and country = 'E'"));
    }

    [Fact]
    public async Task Repeated_failed_keys_are_rate_limited()
    {
        var (server, http) = await db.StartOwnServer();
        try
        {
            var statuses = new List<HttpStatusCode>();
            for (int i = 0; i < 14; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/teams/newpip");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"guess-{i}");
                statuses.Add((await http.SendAsync(request)).StatusCode);
            }
            Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
            Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            Assert.Equal("active", (await db.GetJson("/api/teams/newpip")).GetProperty("status").GetString());
        }
        finally { server.Kill(entireProcessTree: true); http.Dispose(); }
    }

    static async Task Db(string action)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.Root, "scripts", "db.sh"), action]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await p.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task A_database_outage_is_503_within_5_s_and_recovers_within_5_s_without_a_restart()
    {
        var (server, http) = await db.StartOwnServer();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/areas?level=region")).StatusCode);
            await Db("stop");
            try
            {
                var clock = Stopwatch.StartNew();
                var ready = await http.GetAsync("/health/ready");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"/health/ready took {clock.Elapsed.TotalSeconds:F1} s");
                foreach (var url in new[] { "/api/areas?level=lad", "/api/teams", "/tiles/lad/6/31/20.mvt", "/api/datasets" })
                {
                    clock.Restart();
                    var response = await http.GetAsync(url);
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{url} took {clock.Elapsed.TotalSeconds:F1} s");
                }
            }
            finally { await Db("start"); }
            var back = Stopwatch.StartNew();
            bool ok = false;
            while (back.Elapsed < TimeSpan.FromSeconds(5) && !ok)
            {
                ok = (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK
                     && (await http.GetAsync("/api/areas?level=region")).StatusCode == HttpStatusCode.OK;
                if (!ok) await Task.Delay(200);
            }
            Assert.True(ok, "the API did not recover within 5 s of PostGIS returning");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            http.Dispose();
            // The shared fixture's pooled connections died with the server; start them afresh, and let
            // the shared API discard its dead ones (each is dropped on its first failed use).
            db.Db.Clear();
            NpgsqlConnection.ClearAllPools();
            for (int i = 0, good = 0; i < 60 && good < 5; i++)
                good = (await db.Http.GetAsync("/api/areas?level=region")).StatusCode == HttpStatusCode.OK ? good + 1 : 0;
        }
    }
}
