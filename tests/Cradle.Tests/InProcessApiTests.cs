using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cradle.Api.Areas;
using Cradle.Api.Commands;
using Cradle.Api.Infrastructure;
using Cradle.Core.Register;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Tests;

/// <summary>
/// The fast tier (`make test-fast`): the API in process, over the small hand-made snapshot of
/// <see cref="ModelUnitTests"/> and a fake clock, with no PostgreSQL. The same app the server
/// builds (<see cref="ServeCommand.Build"/>), only its snapshot and clock given.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class InProcessApiTests : IAsyncLifetime
{
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    WebApplication _app = null!;
    HttpClient _http = null!;
    static readonly JsonSerializerOptions ApiJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task InitializeAsync()
    {
        // A team serves district B (E07000002); a council said in June 2026 that district C (E07000003) has none.
        var snapshot = ModelUnitTests.Tiny([ModelUnitTests.Team("b", "active", ["E07000002"], 14)],
            [new AreaEvidence("E07000003", "confirmed_none", "no team", "https://example.org/foi/c", new PartialDate(2026, 6), null, new DateOnly(2026, 11, 1), null)]);
        _app = ServeCommand.Build(["--Logging:LogLevel:Default=None", "--Cradle:BackgroundWork=false"], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton<TimeProvider>(_clock);
            builder.Services.AddSingleton(sp => new ModelStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<DataVersionMonitor>(), _clock, snapshot));
        }) ?? throw new InvalidOperationException("the app did not build");
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    async Task<AreaList> Districts() => (await _http.GetFromJsonAsync<AreaList>("/api/areas?level=lad", ApiJson))!;

    [Fact]
    public async Task The_model_and_catalog_answer_without_a_database()
    {
        var catalog = await _http.GetFromJsonAsync<JsonElement>("/api/catalog");
        Assert.Equal(Cradle.Core.Catalog.AreaLevels.All.Count, catalog.GetProperty("levels").GetArrayLength());
        var model = await _http.GetAsync("/api/model");
        Assert.Equal(HttpStatusCode.OK, model.StatusCode);
        var districts = await Districts();
        Assert.Equal(["E06000001", "E07000002", "E07000003"], districts.Areas.Select(a => a.Code).Order(StringComparer.Ordinal));
        Assert.Equal("served", districts.Areas.Single(a => a.Code == "E07000002").TeamState);
    }

    /// <summary>The CSV is the JSON flattened: every cell equals the field of the same name (one column table makes both).</summary>
    [Fact]
    public async Task Every_CSV_cell_equals_the_JSON_field_of_the_same_name()
    {
        var areas = (await Districts()).Areas.ToDictionary(a => a.Code);
        // Read back with Cradle's own RFC 4180 reader (quoted cells hold commas).
        using var csv = Cradle.Data.Sources.CsvFile.FromText("lad.csv", await _http.GetStringAsync("/api/areas?level=lad&format=csv"));
        Assert.Equal(AreaOutput.Columns.Select(c => c.Name), csv.Columns);
        int cells = 0;
        foreach (var record in csv.Records())
        {
            var area = areas[record.Cells[0]!];
            for (int i = 0; i < csv.Columns.Count; i++)
            {
                var expected = AreaOutput.Columns[i].Value(area);
                var cell = record.Cells[i] ?? "";
                cells++;
                switch (expected)
                {
                    case null: Assert.Equal("", cell); break;
                    case double d: Assert.Equal(d, double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture), 9); break;
                    case int n: Assert.Equal(n, int.Parse(cell, System.Globalization.CultureInfo.InvariantCulture)); break;
                    case bool b: Assert.Equal(b ? "true" : "false", cell); break;
                    default: Assert.Equal(expected.ToString(), cell); break;
                }
            }
        }
        Assert.Equal(3 * AreaOutput.Columns.Count, cells);
    }

    /// <summary>A statement of "no team" counts for evidence_max_age_years (3); three years on, the area reads not known.</summary>
    [Fact]
    public async Task Three_years_on_a_confirmed_none_area_reads_not_known()
    {
        Assert.Equal("confirmed_none", (await Districts()).Areas.Single(a => a.Code == "E07000003").TeamState);
        _clock.Advance(TimeSpan.FromDays(3 * 365 + 1));
        Assert.Equal("not_known", (await Districts()).Areas.Single(a => a.Code == "E07000003").TeamState);
    }

    [Fact]
    public async Task A_scenario_runs_in_process()
    {
        var response = await _http.PostAsJsonAsync("/api/scenarios", new { teams = new[] { new { name = "A", areas = new[] { "E06000001" }, capacity_families_per_year = 5 } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var area = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == "E06000001");
        Assert.True(area.GetProperty("unmet_need_after").GetDouble() < area.GetProperty("unmet_need_before").GetDouble());
        Assert.Equal("served", area.GetProperty("team_state_after").GetString());
    }

    /// <summary>A setting out of range stops the server before it starts (and says which).</summary>
    [Theory]
    [InlineData("--Cradle:TileCacheMB=-5")]
    [InlineData("--Cradle:ContributionsPerMinute=0")]
    [InlineData("--Cradle:PublicOrigin=ftp://example.org")]
    [InlineData("--Cradle:TrustedProxies=not-an-address")]
    public void A_bad_setting_stops_the_server_before_it_starts(string setting)
    {
        var (options, problems) = CradleOptions.Read(Microsoft.Extensions.Configuration.CommandLineConfigurationExtensions.AddCommandLine(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), [setting]).Build());
        Assert.Null(options);
        Assert.StartsWith(setting[2..setting.IndexOf('=')], Assert.Single(problems));
        Assert.Null(ServeCommand.Build([setting, "--Logging:LogLevel:Default=None"]));
    }
}
