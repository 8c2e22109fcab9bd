using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Postgresql;
using Npgsql;

namespace Cradle.Geo.Register;

/// <summary>
/// The register's schema (cradle_register), changed only by numbered migrations
/// (Store/Migrations/NNNN-*.sql, run once each by DbUp and journalled in
/// cradle_register.schema_versions). Loads, imports and the server run them at start; writes
/// never touch the schema.
/// </summary>
public static class RegisterSchema
{
    public const string Journal = "schema_versions";

    /// <summary>Runs the migrations not yet run. Two processes starting at once take turns.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync("select pg_advisory_lock(hashtext('cradle register migrations'))");
        try
        {
            await conn.ExecuteAsync("create schema if not exists cradle_register");
            var result = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(db))
                .JournalToPostgresqlTable("cradle_register", Journal)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith("Cradle.Geo.Migrations."))
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
                throw new InvalidOperationException($"register migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
        }
        finally
        {
            await conn.ExecuteAsync("select pg_advisory_unlock(hashtext('cradle register migrations'))");
        }
    }
}
