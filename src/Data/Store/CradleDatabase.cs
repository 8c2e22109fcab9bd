using System.Reflection;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>Opens Cradle's PostGIS database and holds the SQL files that ship inside this assembly.</summary>
public static class CradleDatabase
{
    /// <summary>The schema the API reads; a load builds <see cref="StagingSchema"/> and swaps it in.</summary>
    public const string LiveSchema = "cradle";
    public const string StagingSchema = "cradle_next";

    public static NpgsqlDataSource Open(string connectionString)
    {
        var b = new NpgsqlDataSourceBuilder(connectionString);
        b.UseNetTopologySuite();
        return b.Build();
    }

    /// <summary>
    /// The API's databases. With one host, one data source for everything. With several
    /// (Host=127.0.0.1:55442,127.0.0.1:55443: a primary and its streaming standbys), reads prefer
    /// a standby and fall back to the primary when none answers; register edits, the tile
    /// figures' publication and LISTEN (NOTIFY does not reach a standby) go to the primary.
    /// </summary>
    public static (NpgsqlDataSource Reads, NpgsqlDataSource Primary) OpenServing(string connectionString)
    {
        var b = new NpgsqlDataSourceBuilder(connectionString);
        b.UseNetTopologySuite();
        if (new NpgsqlConnectionStringBuilder(connectionString).Host?.Contains(',') != true)
        {
            var one = b.Build();
            return (one, one);
        }
        var hosts = b.BuildMultiHost();
        return (hosts.WithTargetSession(TargetSessionAttributes.PreferStandby), hosts.WithTargetSession(TargetSessionAttributes.Primary));
    }

    /// <summary>
    /// Session settings for the API's connections. Its queries are many, small and concurrent:
    /// a parallel plan only adds worker start-up to each tile while the other requests wait for
    /// a core (uncached tiles: about 150 req/s with parallel workers, 200 without, on 2 cores),
    /// and the JIT compiles queries that run in milliseconds. The data sits in memory, so index
    /// probes are cheap (a tile's figures join by index, not by hashing a whole level's figures).
    /// Loads keep the server defaults.
    /// </summary>
    public static string ForServing(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        b.Options = $"{b.Options} {ServingOptions}".Trim();
        return b.ConnectionString;
    }

    public const string ServingOptions = "-c max_parallel_workers_per_gather=0 -c jit=off -c random_page_cost=1.1";

    /// <summary>The connection string from CRADLE_DB, else the project-local cluster's defaults.</summary>
    public static string ConnectionStringFromEnvironment(string database = "cradle")
    {
        var fromEnv = Environment.GetEnvironmentVariable("CRADLE_DB");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        var port = Environment.GetEnvironmentVariable("PGPORT") is { Length: > 0 } p ? p : "55432";
        return $"Host=127.0.0.1;Port={port};Username=cradle;Database={database};Timeout=5;Command Timeout=600";
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SqlTexts = new();

    /// <summary>An SQL file built into the program (Sql/), read once.</summary>
    public static string Sql(string name) => SqlTexts.GetOrAdd(name, n =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Cradle.Data.Sql.{n}")
            ?? throw new InvalidOperationException($"SQL resource {n} is missing");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
