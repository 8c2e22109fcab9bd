using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Diagnostics;
using Cradle.Geo.Store;
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
    public Uri BaseAddress { get; private set; } = null!;
    Process? _server;

    public async Task InitializeAsync()
    {
        await new Loader(Db).RunAsync(new LoadOptions(TestEnvironment.DataDir, TestEnvironment.Manifest, IfChanged: true));
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _server = TestEnvironment.StartCli(["serve", "--urls", BaseAddress.ToString()]);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        for (int i = 0; i < 200; i++)
        {
            try
            {
                if ((await Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            if (_server.HasExited) throw new InvalidOperationException("the API exited: " + await _server.StandardError.ReadToEndAsync());
            await Task.Delay(100);
        }
        throw new TimeoutException("the API did not become ready");
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

    static int FreePort()
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
    }
}

[CollectionDefinition("database")]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseFixture>;
