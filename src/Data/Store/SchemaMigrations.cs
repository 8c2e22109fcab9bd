using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Postgresql;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>
/// Cradle's schemas change only by numbered migrations (Store/Migrations), each run once by DbUp and
/// journalled in its schema's schema_versions, under an advisory lock so that two processes starting
/// at once take turns. cradle_register (the register) and cradle_meta (the data version, the loads)
/// have a set each. The loaded data (schema cradle) is made whole by every load and swapped in, and
/// the tile figures are a cache remade when the catalog changes: neither is migrated.
/// </summary>
public static class SchemaMigrations
{
    public const string Journal = "schema_versions";

    /// <summary>The register's migrations (Store/Migrations/NNNN-*.sql).</summary>
    public static Task RegisterAsync(NpgsqlDataSource db, CancellationToken ct = default) =>
        RunAsync(db, "cradle_register", "Cradle.Geo.Migrations.", ct);

    /// <summary>cradle_meta's migrations (Store/Migrations/meta/NNNN-*.sql).</summary>
    public static Task MetaAsync(NpgsqlDataSource db, CancellationToken ct = default) =>
        RunAsync(db, "cradle_meta", "Cradle.Geo.MetaMigrations.", ct);

    static async Task RunAsync(NpgsqlDataSource db, string schema, string prefix, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync("select pg_advisory_lock(hashtext(@name))", new { name = $"cradle migrations {schema}" });
        try
        {
            await conn.ExecuteAsync($"create schema if not exists {schema}");
            var result = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(db))
                .JournalToPostgresqlTable(schema, Journal)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(prefix, StringComparison.Ordinal))
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
                throw new InvalidOperationException($"{schema} migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
        }
        finally
        {
            await conn.ExecuteAsync("select pg_advisory_unlock(hashtext(@name))", new { name = $"cradle migrations {schema}" });
        }
    }
}
