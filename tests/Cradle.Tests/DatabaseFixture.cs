using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Diagnostics;
using Cradle.Data.Store;
using Dapper;
using Npgsql;

namespace Cradle.Tests;

/// <summary>
/// The real data loaded into the test database (once; skipped when nothing changed), and the real
/// API process serving it. Tests that load or kill loads share this collection, so they run one
/// at a time.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public NpgsqlDataSource Db { get; } = TestEnvironment.OpenDatabase();
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The check every JSON answer through <see cref="Http"/> passes.</summary>
    public OpenApiConformance Conformance { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    Process? _server;

    /// <summary>A write key for the test server (its hash is in a temporary keys file).</summary>
    public string ApiKey { get; } = Cradle.Api.Infrastructure.ApiKeys.NewKey();
    public string KeysFile => _keysFile;
    readonly string _keysFile = Path.Combine(Directory.CreateTempSubdirectory("cradle-keys-").FullName, "api-keys");

    public async Task InitializeAsync()
    {
        await new Loader(Db).RunAsync(new LoadOptions(TestEnvironment.DataDir, TestEnvironment.Manifest, IfChanged: true));
        // Start every run from the register as committed.
        await new Cradle.Data.Register.TeamRegister(Db).ImportAsync(TestEnvironment.Teams, "import:teams.csv", replace: true);
        await File.WriteAllTextAsync(_keysFile, $"tester:{Cradle.Api.Infrastructure.ApiKeys.Hash(ApiKey)}\n");
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _server = TestEnvironment.StartCli(["serve", "--urls", BaseAddress.ToString()], environment: new()
        {
            ["CRADLE_API_KEYS_FILE"] = _keysFile,
            ["Logging__LogLevel__Default"] = "Warning",
            // This machine's names, and the public host a test proxy forwards (TileTests).
            ["AllowedHosts"] = "localhost;127.0.0.1;[::1];cradle.example.org",
        });
        // Drain the server's output so that a full pipe can never block it.
        _server.OutputDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        // Every JSON answer the tests get is held to the OpenAPI document (OpenApiConformance).
        Conformance = new OpenApiConformance(async () =>
        {
            using var plain = new HttpClient { BaseAddress = BaseAddress };
            return System.Text.Json.JsonDocument.Parse(await plain.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
        });
        Http = new HttpClient(Conformance) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        for (int i = 0; i < 200; i++)
        {
            try
            {
                if ((await Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            if (_server.HasExited) throw new InvalidOperationException($"the API exited with {_server.ExitCode}: " + await _server.StandardError.ReadToEndAsync());
            await Task.Delay(100);
        }
        throw new TimeoutException("the API did not become ready");
    }

    /// <summary>A server of its own, for tests that would disturb the shared one (rate limits, outages).</summary>
    public async Task<(Process Server, HttpClient Http)> StartOwnServer(Dictionary<string, string>? settings = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["CRADLE_API_KEYS_FILE"] = _keysFile,
            ["Logging__LogLevel__Default"] = "Critical",
        };
        foreach (var (k, v) in settings ?? []) environment[k] = v;
        var server = TestEnvironment.StartCli(["serve", "--urls", address.ToString()], environment: environment);
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        for (int i = 0; i < 200; i++)
        {
            try { if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return (server, http); }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("the second API did not become ready");
    }

    public async Task<long> DataVersion()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("select data_version from cradle_meta.state");
    }

    public async Task<T> Scalar<T>(string sql, object? args = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value for " + sql);
    }

    public async Task<List<T>> Query<T>(string sql, object? args = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<T>(sql, args)).ToList();
    }

    /// <summary>The served data as the API reports it: the data version and the dataset count.</summary>
    public async Task<(long Version, int Count)> Served()
    {
        var response = await Http.GetAsync("/api/datasets");
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (body.GetProperty("data_version").GetInt64(), body.GetProperty("count").GetInt32());
    }

    public async Task<System.Text.Json.JsonElement> GetJson(string url)
    {
        var response = await Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement;
    }

    public async Task<(System.Net.HttpStatusCode Status, System.Text.Json.JsonElement Body)> Send(HttpMethod method, string url, string? json, string? key = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : System.Text.Json.JsonDocument.Parse(text).RootElement);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false }) { _server.Kill(entireProcessTree: true); await _server.WaitForExitAsync(); }
        Http?.Dispose();
        await Db.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_keysFile)!, recursive: true);
    }
}

[CollectionDefinition("database")]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseFixture>;
