using System.Reflection;
using Npgsql;

namespace Cradle.Geo.Store;

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

    /// <summary>The connection string from CRADLE_DB, else the project-local cluster's defaults.</summary>
    public static string ConnectionStringFromEnvironment(string database = "cradle")
    {
        var fromEnv = Environment.GetEnvironmentVariable("CRADLE_DB");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        var port = Environment.GetEnvironmentVariable("PGPORT") is { Length: > 0 } p ? p : "55432";
        return $"Host=127.0.0.1;Port={port};Username=cradle;Database={database};Timeout=5;Command Timeout=600";
    }

    public static string Sql(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Cradle.Geo.Sql.{name}")
            ?? throw new InvalidOperationException($"SQL resource {name} is missing");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
